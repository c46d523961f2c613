import type { DropReason, ForklineEvent, RecordedEvent } from '#shared/events/types.js';
import { confirmed, dropped, hex, pending, reverted, userEvents } from './events.js';
import type { SeededRandom } from '#shared/testing/seededRandom.js';

export type ModelStatus = 'unseen' | 'pending' | 'confirmed' | 'reverted' | 'replaced' | 'dropped';

/** What one (user, txid) should end up as, tracked by the plainest possible rules. */
export interface ModelTx {
  userId: string;
  txid: string;
  deltaSats: number;
  coinbase: boolean;
  status: ModelStatus;
  blockHash: string | null;
  blockHeight: number | null;
  dropReason: DropReason | null;
  replacedBy: string | null;
  firstSeenAt: string | null;
}

export interface TxHistory {
  /** Every user stream's events, interleaved, versions dense per stream. */
  events: RecordedEvent[];
  txs: ModelTx[];
  /** How many events do not fit their row's state (the projection must ignore them). */
  misfits: number;
}

const BASE = Date.parse('2025-12-31T00:00:00.000Z');

/**
 * A random, valid story per (user, txid) — pending → confirmed → reverted → pending →
 * confirmed elsewhere, pending → replaced / dropped, coinbase rewards confirmed and
 * reverted — with about one event in ten that does not fit the row's state (a drop of
 * a confirmed transaction, a second pending, a revert of another block, …).
 */
export function randomTxHistory(
  rnd: SeededRandom,
  { users = 3, txsPerUser = 6, steps = 150 } = {},
): TxHistory {
  const streams = Array.from({ length: users }, (_, u) => userEvents(`u${u}`));
  const txs: ModelTx[] = [];
  const labels = new Map<ModelTx, string>();
  const amounts = new Map<ModelTx, { deltaSats: number; sentSats: number; paidToOthersSats: number }>();
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < txsPerUser; i++) {
      const coinbase = rnd.next() < 0.15;
      const send = !coinbase && rnd.next() < 0.4;
      const deltaSats = send ? -rnd.int(1, 50_000) : rnd.int(1, 100_000);
      const tx: ModelTx = {
        userId: `u${u}`,
        txid: hex(`u${u}-t${i}`),
        deltaSats,
        coinbase,
        status: 'unseen',
        blockHash: null,
        blockHeight: null,
        dropReason: null,
        replacedBy: null,
        firstSeenAt: null,
      };
      txs.push(tx);
      labels.set(tx, `u${u}-t${i}`);
      amounts.set(tx, {
        deltaSats,
        sentSats: send ? -deltaSats + 200 : 0,
        // Some sends go back to the user's own addresses only (self).
        paidToOthersSats: send && rnd.next() < 0.7 ? -deltaSats : 0,
      });
    }
  }

  const events: RecordedEvent[] = [];
  let misfits = 0;
  let block = 0;
  const minedIn = new Map<ModelTx, { hash: string; height: number }>();

  for (let step = 0; step < steps; step++) {
    const tx = rnd.pick(txs);
    const stream = streams[Number(tx.userId.slice(1))]!;
    const a = amounts.get(tx)!;
    const txLabel = labels.get(tx)!;
    const seenAt = new Date(BASE + rnd.int(0, 86_400) * 1_000).toISOString();
    const newBlock = () => {
      block++;
      return { hash: `blk${block}`, height: block };
    };
    const emit = (event: ForklineEvent) => {
      const recorded = stream.next(event);
      events.push(recorded);
      return recorded;
    };

    if (rnd.next() < 0.1) {
      misfits += emitMisfit(tx, txLabel, a, seenAt, emit, rnd);
      continue;
    }
    const options = validMoves(tx);
    const move = rnd.pick(options);
    if (move === 'pending') {
      emit(pending(txLabel, { ...a, firstSeenAt: seenAt, replaceable: rnd.next() < 0.5 }));
      tx.firstSeenAt =
        tx.firstSeenAt === null || Date.parse(seenAt) < Date.parse(tx.firstSeenAt) ? seenAt : tx.firstSeenAt;
      Object.assign(tx, {
        status: 'pending',
        blockHash: null,
        blockHeight: null,
        dropReason: null,
        replacedBy: null,
      });
    } else if (move === 'confirmed') {
      const b = newBlock();
      const event = emit(confirmed(txLabel, b.hash, b.height, { ...a, coinbase: tx.coinbase }));
      minedIn.set(tx, b);
      tx.firstSeenAt ??= event.occurredAt;
      Object.assign(tx, {
        status: 'confirmed',
        blockHash: hex(b.hash),
        blockHeight: b.height,
        dropReason: null,
        replacedBy: null,
      });
    } else if (move === 'reverted') {
      const b = minedIn.get(tx)!;
      emit(reverted(txLabel, b.hash, b.height, -tx.deltaSats));
      Object.assign(tx, { status: 'reverted', blockHash: null, blockHeight: null });
    } else {
      const reason = move;
      const by = reason === 'replaced' && rnd.next() < 0.8 ? `${txLabel}-rbf${step}` : undefined;
      emit(dropped(txLabel, reason, by));
      Object.assign(tx, {
        status: reason === 'replaced' ? 'replaced' : 'dropped',
        dropReason: reason,
        replacedBy: by === undefined ? null : hex(by),
      });
    }
  }
  return { events, txs, misfits };
}

type Move = 'pending' | 'confirmed' | 'reverted' | DropReason;

function validMoves(tx: ModelTx): Move[] {
  // A coinbase transaction is never in the mempool: only mined and reverted.
  if (tx.coinbase) return tx.status === 'confirmed' ? ['reverted'] : ['confirmed'];
  switch (tx.status) {
    case 'unseen':
      return ['pending', 'pending', 'confirmed'];
    case 'pending':
      return ['confirmed', 'confirmed', 'replaced', 'conflict', 'evicted'];
    case 'confirmed':
      return ['reverted'];
    case 'reverted':
    case 'replaced':
    case 'dropped':
      return ['pending', 'confirmed'];
  }
}

/** Emits one event that does not fit `tx`'s state; returns how many must be ignored (0 or 1). */
function emitMisfit(
  tx: ModelTx,
  txLabel: string,
  a: { deltaSats: number; sentSats: number; paidToOthersSats: number },
  seenAt: string,
  emit: (event: ForklineEvent) => RecordedEvent,
  rnd: SeededRandom,
): number {
  const choices: (() => void)[] = [
    () => emit(reverted(txLabel, 'nowhere', 1, -tx.deltaSats)), // never confirmed in that block
  ];
  if (tx.status !== 'pending') choices.push(() => emit(dropped(txLabel, rnd.pick(['conflict', 'evicted']))));
  if (tx.status === 'pending' || tx.status === 'confirmed')
    choices.push(() => emit(pending(txLabel, { ...a, firstSeenAt: seenAt, replaceable: true })));
  rnd.pick(choices)();
  return 1;
}
