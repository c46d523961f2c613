import type { Executor } from '#shared/db/pool.js';

/** Every registered user with the addresses forkline watches for them (online DB). */
export async function listUserAddresses(db: Executor): Promise<Map<string, string[]>> {
  const { rows } = await db.query<{ user_id: string; address: string | null }>(
    `SELECT u.user_id, w.address
       FROM users u LEFT JOIN watched_addresses w ON w.user_id = u.user_id
      ORDER BY u.created_at, u.user_id, w.added_at`,
  );
  const users = new Map<string, string[]>();
  for (const row of rows) {
    const list = users.get(row.user_id) ?? [];
    if (row.address) list.push(row.address);
    users.set(row.user_id, list);
  }
  return users;
}
