/** Tables the crawler owns (crawler/migrations/online) and the ones it reads. */
export const BLOCKS_TABLE = 'crawler_blocks';
export const UTXOS_TABLE = 'wallet_utxos';
export const WALLET_TXS_TABLE = 'wallet_transactions';
export const WATCHED_ADDRESSES_TABLE = 'watched_addresses';
/** The trigger on watched_addresses NOTIFYs this channel with the new address. */
export const WATCHED_ADDRESS_CHANNEL = 'forkline_watched_address';
/** The pending transactions (0104): per (txid, user), their inputs, their watched outputs. */
export const MEMPOOL_TXS_TABLE = 'mempool_txs';
export const MEMPOOL_INPUTS_TABLE = 'mempool_inputs';
export const MEMPOOL_OUTPUTS_TABLE = 'mempool_outputs';
/** Rescans of the stored chain for addresses learned late or registered with history (0107). */
export const RESCANS_TABLE = 'crawler_rescans';
/** Wallets registered by their descriptor (0108): the crawler extends their windows. */
export const DESCRIPTORS_TABLE = 'descriptors';
