import type { MempoolStatus } from './mempool/createMempoolFollower.js';
import type { StatusTip } from './node/statusTip.js';
import type { RescanProgress } from './rescan/createRescanner.js';

export type CrawlerState =
  | 'starting'
  | 'syncing'
  | 'in-sync'
  /** The node is behind our tip (no more chainwork, or syncing, reindexing): nothing reverted, waiting. */
  | 'node-behind'
  | 'retrying'
  | 'failed'
  | 'stopped';

export interface CrawlerStatus {
  state: CrawlerState;
  ourTip: StatusTip | null;
  nodeTip: StatusTip | null;
  behindBlocks: number | null;
  watchedScripts: number;
  /** Registered addresses not placed yet because the last attempt failed (retried every pass). */
  addressLoadsFailing: number;
  /** Rescans of the stored chain queued or running (the running one first). */
  rescans: RescanProgress[];
  /** Why the last rescan step failed (retried with backoff, live sync goes on); null when it did not. */
  rescanError: string | null;
  /** null when the mempool is not followed. */
  mempool: MempoolStatus | null;
  lastError: string | null;
}
