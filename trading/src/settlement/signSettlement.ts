import type { Executor } from '#shared/db/pool.js';
import { recordSignedSettlement } from '../db/recordSignedSettlement.js';
import { selectSettlement } from '../db/selectDueSettlement.js';
import type { SettlementRow } from '../db/settlementRow.js';
import type { NodeWallets, SignedTx } from '../wallet/nodeWallets.js';

/**
 * Builds and signs a decided settlement's transaction and records it (state `signed`)
 * before anything is sent. Buy: the house pays the order's receiving address. Sell: the
 * coins at the order's addresses (the user's) pay a fresh house address; a sell placed
 * before orders carried them is not signed (its coins are unknown), its settlement failing
 * with the reason. Returns the recorded transaction, which is the one already recorded
 * when another worker got there first.
 */
export async function signSettlement(
  db: Executor,
  wallets: Pick<NodeWallets, 'buildBuy' | 'buildSell'>,
  settlement: SettlementRow,
): Promise<SignedTx> {
  if (settlement.state !== 'decided') return signedTx(settlement);
  if (settlement.side === 'sell' && settlement.spendAddresses.length === 0) {
    throw new Error(
      `the sell ${settlement.orderId} was placed before orders carried the user's addresses, so its coins are unknown: it is not signed`,
    );
  }
  const tx =
    settlement.side === 'buy'
      ? await wallets.buildBuy(settlement.receiveAddress, settlement.amountSats)
      : await wallets.buildSell(settlement.amountSats, settlement.spendAddresses, settlement.receiveAddress);
  if (await recordSignedSettlement(db, settlement.orderId, tx.txid, tx.hex)) return tx;
  return signedTx((await selectSettlement(db, settlement.orderId))!);
}

function signedTx(s: SettlementRow): SignedTx {
  if (s.txid === null || s.rawTx === null)
    throw new Error(`settlement ${s.orderId} has no signed transaction`);
  return { txid: s.txid, hex: s.rawTx };
}
