import type { Executor } from '#shared/db/pool.js';

/** The height a registration now is matched from: the crawler's tip + 1 (migration 0108). */
export async function selectNextHeight(tx: Executor): Promise<number> {
  const { rows } = await tx.query<{ h: number }>('SELECT forkline_next_height() AS h');
  return rows[0]!.h;
}
