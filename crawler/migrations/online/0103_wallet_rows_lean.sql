-- Fewer writes per wallet row, for the crawler's catch-up (each block inserts a few
-- dozen rows, and every index and foreign-key check on them was paid per row):
--  * the foreign keys to crawler_blocks go: crawler_apply_block writes a block's rows in
--    the block's own transaction, and a revert deletes them before the block row, so the
--    reference holds by construction; their per-row checks were ~40 % of each insert;
--  * indexes nothing reads go: unspent UTXOs by user (balances are summed over all) and
--    wallet transactions by user;
--  * the wallet transactions' unique key leads with the block, so it also serves the
--    revert's lookup by block, and the separate block index goes.
ALTER TABLE wallet_utxos DROP CONSTRAINT wallet_utxos_block_hash_fkey;
ALTER TABLE wallet_transactions DROP CONSTRAINT wallet_transactions_block_hash_fkey;
DROP INDEX wallet_utxos_unspent_user_idx;
DROP INDEX wallet_transactions_user_idx;
DROP INDEX wallet_transactions_block_idx;
ALTER TABLE wallet_transactions DROP CONSTRAINT wallet_transactions_user_id_txid_block_hash_key;
ALTER TABLE wallet_transactions ADD CONSTRAINT wallet_transactions_block_user_txid_key UNIQUE (block_hash, user_id, txid);
