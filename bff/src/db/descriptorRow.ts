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

export const DESCRIPTOR_COLUMNS = `d.descriptor_id, d.user_id, d.descriptor, d.gap_limit, d.from_height, d.rescan_requested,
  d.derived_receive, d.derived_change, d.used_receive, d.used_change,
  (SELECT count(*)::int FROM ${ONLINE.watchedAddresses} w
    WHERE w.descriptor_id = d.descriptor_id AND w.joined_height IS NULL) AS waiting`;

export interface DescriptorSqlRow {
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

export const toDescriptorRow = (r: DescriptorSqlRow): DescriptorRow => ({
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
