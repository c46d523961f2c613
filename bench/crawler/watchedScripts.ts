import type { Pool } from '#shared/db/pool.js';
import { watchedScript } from './benchChain.js';

const CHUNK = 50_000;

/**
 * Registers `count` watched P2WPKH scripts, two per user, in big unnest() inserts —
 * watchedScript(0 … count-1), so the first PAID_SCRIPTS are those the chain pays.
 * The NOTIFY trigger is off meanwhile: nobody listens yet, and the crawler loads the
 * whole table at start anyway. Matched live from the start (joined_height −1, as if
 * registered before the crawler's first block): the catch-up matches every one.
 */
export async function insertWatchedScripts(pool: Pool, count: number): Promise<void> {
  await pool.query('ALTER TABLE watched_addresses DISABLE TRIGGER watched_addresses_notify');
  try {
    for (let from = 0; from < count; from += CHUNK) {
      const n = Math.min(CHUNK, count - from);
      const users: string[] = [];
      const addresses: string[] = [];
      const owners: string[] = [];
      const scripts: string[] = [];
      for (let i = from; i < from + n; i++) {
        const w = watchedScript(i);
        if (i % 2 === 0) users.push(`bench-user-${i / 2}`);
        addresses.push(w.address);
        owners.push(`bench-user-${Math.floor(i / 2)}`);
        scripts.push(w.script.toString('hex'));
      }
      await pool.query('INSERT INTO users (user_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [
        users,
      ]);
      await pool.query(
        `INSERT INTO watched_addresses (address, user_id, script_pubkey, address_type, joined_height)
         SELECT a, u, decode(s, 'hex'), 'p2wpkh', -1 FROM unnest($1::text[], $2::text[], $3::text[]) AS w (a, u, s)`,
        [addresses, owners, scripts],
      );
    }
  } finally {
    await pool.query('ALTER TABLE watched_addresses ENABLE TRIGGER watched_addresses_notify');
  }
  await pool.query('ANALYZE users, watched_addresses');
}
