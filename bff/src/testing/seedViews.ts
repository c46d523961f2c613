import { createHash } from 'node:crypto';
import type { Executor } from '#shared/db/pool.js';
import type { DropReason } from '#shared/events/types.js';
import type { ActivityStatus } from '../db/readActivitiesPage.js';

/**
 * Test helpers that write the projection directly (the projector's job in production),
 * so BFF specs control exactly what the read side holds.
 */

export const blockHash = (height: number, branch = 'main'): string =>
  createHash('sha256').update(`${branch}:${height}`).digest('hex');

export const fakeTxid = (label: string): string => createHash('sha256').update(`tx:${label}`).digest('hex');

export async function seedUser(
  views: Executor,
  userId: string,
  b: { confirmedSats?: number; pendingSats?: number; txCount?: number; version?: number } = {},
): Promise<void> {
  await views.query('INSERT INTO projection.users (user_id, registered_at) VALUES ($1, now())', [userId]);
  await views.query(
    `INSERT INTO projection.balances (user_id, confirmed_sats, pending_sats, tx_count, version)
     VALUES ($1, $2, $3, $4, $5)`,
    [userId, b.confirmedSats ?? 0, b.pendingSats ?? 0, b.txCount ?? 0, b.version ?? 1],
  );
}

/** Adds main-chain blocks fromHeight..toHeight (inclusive). */
export async function seedBlocks(views: Executor, fromHeight: number, toHeight: number): Promise<void> {
  await views.query(
    `INSERT INTO projection.chain_blocks (height, hash, prev_hash, time)
     SELECT h, encode(sha256(convert_to('main:' || h, 'UTF8')), 'hex'),
            encode(sha256(convert_to('main:' || (h - 1), 'UTF8')), 'hex'), 1700000000 + h
     FROM generate_series($1::int, $2::int) h`,
    [fromHeight, toHeight],
  );
}

export interface SeedActivity {
  txid: string;
  type?: 'receive' | 'withdrawal' | 'self';
  amountSats?: number;
  status?: ActivityStatus;
  blockHeight?: number | null;
  dropReason?: DropReason | null;
  replacedBy?: string | null;
  coinbase?: boolean;
  replaceable?: boolean | null;
}

/** Inserts an activity; returns its seq. */
export async function seedActivity(views: Executor, userId: string, a: SeedActivity): Promise<number> {
  const height = a.blockHeight ?? null;
  const { rows } = await views.query<{ seq: number }>(
    `INSERT INTO projection.activities
       (user_id, activity_id, txid, type, amount_sats, status, block_hash, block_height, drop_reason,
        replaced_by, coinbase, replaceable, first_seen_at, updated_at)
     VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now(), now()) RETURNING seq`,
    [
      userId,
      a.txid,
      a.type ?? 'receive',
      a.amountSats ?? 1000,
      a.status ?? 'confirmed',
      height === null ? null : blockHash(height),
      height,
      a.dropReason ?? null,
      a.replacedBy ?? null,
      a.coinbase ?? false,
      a.replaceable ?? null,
    ],
  );
  return rows[0]!.seq;
}

export interface SeedOrderActivity {
  orderId: string;
  type: 'bid' | 'ask' | 'buy' | 'sell';
  amountSats: number;
  status: ActivityStatus;
  limitPriceEurCents?: number | null;
  priceEurCents?: number | null;
  eurCents?: number | null;
  rejectReason?: string | null;
  /** The linked settlement transaction, its block and net change. */
  txid?: string | null;
  blockHeight?: number | null;
  settlementDeltaSats?: number | null;
}

/** Inserts an order's activity row (key `order:<orderId>`); returns its seq. */
export async function seedOrderActivity(
  views: Executor,
  userId: string,
  o: SeedOrderActivity,
): Promise<number> {
  const height = o.blockHeight ?? null;
  const { rows } = await views.query<{ seq: number }>(
    `INSERT INTO projection.activities
       (user_id, activity_id, order_id, txid, type, amount_sats, status, block_hash, block_height,
        limit_price_eur_cents, price_eur_cents, eur_cents, reject_reason, settlement_delta_sats,
        first_seen_at, updated_at)
     VALUES ($1, 'order:' || $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(), now())
     RETURNING seq`,
    [
      userId,
      o.orderId,
      o.txid ?? null,
      o.type,
      o.amountSats,
      o.status,
      height === null ? null : blockHash(height),
      height,
      o.limitPriceEurCents ?? null,
      o.priceEurCents ?? null,
      o.eurCents ?? null,
      o.rejectReason ?? null,
      o.settlementDeltaSats ?? null,
    ],
  );
  return rows[0]!.seq;
}

/**
 * A fingerprint of whole tables (row count and an md5 over every row, in a fixed order):
 * equal before and after means nothing was written.
 */
export async function fingerprint(db: Executor, tables: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await db.query<{ n: number; sum: string | null }>(
      `SELECT count(*)::int8 AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum FROM ${table} t`,
    );
    out[table] = `${rows[0]!.n}:${rows[0]!.sum ?? ''}`;
  }
  return out;
}

export const ONLINE_TABLES = ['users', 'watched_addresses', 'outbox', 'stream_versions'];
export const VIEWS_TABLES = [
  'projection.users',
  'projection.balances',
  'projection.activities',
  'projection.chain_blocks',
  'projection.user_addresses',
];

/**
 * A chain event still waiting for the user's stream to reach `version` (its stream row
 * is set to `applied`), which leaves the user's position at `height` on the main chain.
 */
export async function seedStreamAwait(
  views: Executor,
  userId: string,
  w: { chainVersion: number; version: number; applied: number; height: number },
): Promise<void> {
  await views.query(
    `INSERT INTO projection.stream_versions (stream, version) VALUES ($1, $2)
     ON CONFLICT (stream) DO UPDATE SET version = EXCLUDED.version`,
    [`user:${userId}`, w.applied],
  );
  await views.query(
    `INSERT INTO projection.stream_awaits (stream, chain_version, version, height, hash)
     VALUES ($1, $2, $3, $4, $5)`,
    [`user:${userId}`, w.chainVersion, w.version, w.height, blockHash(w.height)],
  );
}
