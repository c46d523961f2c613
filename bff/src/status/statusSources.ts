import type { RpcClient } from '#shared/bitcoind/rpcClient.js';
import type { Executor } from '#shared/db/pool.js';
import { readOutboxBacklog, type OutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';
import { projectionStatus, type ProjectionStatus } from '#shared/views/projectionStatus.js';
import type { Tip } from '../db/tables.js';

/**
 * Where /v1/status gets each figure: the readers the relay and the projector use for
 * their own /status, so the BFF shows what they would. A port of its own so tests can
 * make any one of them fail.
 */
export interface StatusSources {
  nodeTip(): Promise<Tip>;
  /** tip null: the crawler has not applied a block yet. */
  crawler(): Promise<CrawlerReport>;
  outboxBacklog(): Promise<OutboxBacklog>;
  /** The read side's tip, parked and dead-letter counts, open gaps and stopped streams. */
  projection(): Promise<ProjectionStatus>;
}

/** A rescan of the stored chain, as the crawler's /status shows it (the running one first). */
export interface RescanReport {
  rescanId: number;
  fromHeight: number;
  /** The last height scanned (fromHeight − 1 before the first block). */
  reachedHeight: number;
  addresses: number;
  /** Over its last chunk; null before one. */
  blocksPerSec: number | null;
  running: boolean;
}

export interface CrawlerReport {
  tip: Tip | null;
  rescans: RescanReport[];
}

export interface StatusSourceDeps {
  rpc: Pick<RpcClient, 'getBlockchainInfo'>;
  online: Executor;
  views: Executor;
  /** The crawler's own status endpoint: JSON with `ourTip: {height, hash, …}` (or null). */
  crawlerStatusUrl: string;
  timeoutMs: number;
}

/** How many open gaps and stopped streams /v1/status lists (the counts are always whole). */
const LISTED_PROBLEMS = 20;

export function createStatusSources(deps: StatusSourceDeps): StatusSources {
  return {
    async nodeTip() {
      const info = await deps.rpc.getBlockchainInfo();
      return { height: info.blocks, hash: info.bestblockhash };
    },
    async crawler() {
      const res = await fetch(deps.crawlerStatusUrl, { signal: AbortSignal.timeout(deps.timeoutMs) });
      if (!res.ok) throw new Error(`the crawler's status endpoint answered HTTP ${res.status}`);
      const body: unknown = await res.json();
      return { tip: tipOf(body), rescans: rescansOf(body) };
    },
    outboxBacklog: () => readOutboxBacklog(deps.online),
    projection: () => projectionStatus(deps.views, { limit: LISTED_PROBLEMS }),
  };
}

function tipOf(body: unknown): Tip | null {
  const tip = (body as { ourTip?: Partial<Record<keyof Tip, unknown>> | null } | null)?.ourTip;
  if (tip === null) return null;
  if (typeof tip?.height === 'number' && Number.isInteger(tip.height) && typeof tip.hash === 'string') {
    return { height: tip.height, hash: tip.hash };
  }
  throw new Error("the crawler's status endpoint answered without ourTip {height, hash}");
}

/** The crawler's rescans; none when it does not list them (an older crawler). */
function rescansOf(body: unknown): RescanReport[] {
  const list = (body as { rescans?: unknown } | null)?.rescans;
  if (!Array.isArray(list)) return [];
  return list.flatMap((r: Record<string, unknown>, i) => {
    const { rescanId, fromHeight, nextHeight, addresses, blocksPerSec } = r;
    if (![rescanId, fromHeight, nextHeight, addresses].every((n) => Number.isInteger(n))) return [];
    return [
      {
        rescanId: rescanId as number,
        fromHeight: fromHeight as number,
        reachedHeight: (nextHeight as number) - 1,
        addresses: addresses as number,
        blocksPerSec: typeof blocksPerSec === 'number' ? Math.round(blocksPerSec * 10) / 10 : null,
        running: i === 0,
      },
    ];
  });
}
