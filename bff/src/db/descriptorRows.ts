import type { Executor } from '#shared/db/pool.js';
import { ONLINE } from './tables.js';

export interface DescriptorRow {
  descriptorId: string;
  userId: string;
  descriptor: string;
  gapLimit: number;
  fromHeight: number;
  rescanRequested: boolean;
  derivedReceive: number;
  derivedChange: number;
  usedReceive: number;
  usedChange: number;
  /** Addresses of it not matched live yet (being placed or rescanned). */
  addressesWaiting: number;
}

const COLUMNS = `d.descriptor_id, d.user_id, d.descriptor, d.gap_limit, d.from_height, d.rescan_requested,
  d.derived_receive, d.derived_change, d.used_receive, d.used_change,
  (SELECT count(*)::int FROM ${ONLINE.watchedAddresses} w
    WHERE w.descriptor_id = d.descriptor_id AND w.joined_height IS NULL) AS waiting`;

interface Row {
  descriptor_id: string;
  user_id: string;
  descriptor: string;
  gap_limit: number;
  from_height: number;
  rescan_requested: boolean;
  derived_receive: number;
  derived_change: number;
  used_receive: number;
  used_change: number;
  waiting: number;
}

const toRow = (r: Row): DescriptorRow => ({
  descriptorId: r.descriptor_id,
  userId: r.user_id,
  descriptor: r.descriptor,
  gapLimit: r.gap_limit,
  fromHeight: r.from_height,
  rescanRequested: r.rescan_requested,
  derivedReceive: r.derived_receive,
  derivedChange: r.derived_change,
  usedReceive: r.used_receive,
  usedChange: r.used_change,
  addressesWaiting: r.waiting,
});

/** A registered descriptor by its normalised text, whoever owns it. */
export async function findDescriptorByText(
  ex: Executor,
  descriptor: string,
): Promise<DescriptorRow | undefined> {
  const { rows } = await ex.query<Row>(
    `SELECT ${COLUMNS} FROM ${ONLINE.descriptors} d WHERE d.descriptor = $1`,
    [descriptor],
  );
  return rows[0] && toRow(rows[0]);
}

/** A user's descriptor by id; undefined when it is not theirs (or does not exist). */
export async function findUserDescriptor(
  ex: Executor,
  userId: string,
  descriptorId: string,
): Promise<DescriptorRow | undefined> {
  const { rows } = await ex.query<Row>(
    `SELECT ${COLUMNS} FROM ${ONLINE.descriptors} d WHERE d.descriptor_id = $1 AND d.user_id = $2`,
    [descriptorId, userId],
  );
  return rows[0] && toRow(rows[0]);
}

/** Inserts a descriptor whose first windows (gapLimit addresses per branch) are watched next. */
export async function insertDescriptor(
  tx: Executor,
  d: Pick<
    DescriptorRow,
    'descriptorId' | 'userId' | 'descriptor' | 'gapLimit' | 'fromHeight' | 'rescanRequested'
  >,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${ONLINE.descriptors}
            (descriptor_id, user_id, descriptor, gap_limit, from_height, rescan_requested, derived_receive, derived_change)
     VALUES ($1, $2, $3, $4, $5, $6, $4, $4)`,
    [d.descriptorId, d.userId, d.descriptor, d.gapLimit, d.fromHeight, d.rescanRequested],
  );
}

/** The height a registration now is matched from: the crawler's tip + 1 (migration 0108). */
export async function selectNextHeight(tx: Executor): Promise<number> {
  const { rows } = await tx.query<{ h: number }>('SELECT forkline_next_height() AS h');
  return rows[0]!.h;
}
