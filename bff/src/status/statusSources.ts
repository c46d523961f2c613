import type { RpcClient } from '#shared/bitcoind/rpcClient.js';
import type { Executor } from '#shared/db/pool.js';
import { countProjectionProblems } from '../db/countProjectionProblems.js';
import { readOutboxBacklog, type OutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';
import { readProjectionTip } from '../db/readProjectionTip.js';
import type { Tip } from '../db/tables.js';

/**
 * Where /v1/status gets each figure. A port of its own so each source can be swapped
 * when the module that owns it exports its own reader (the projector's and the relay's
 * status functions), and so tests can make any one of them fail.
 */
export interface StatusSources {
  nodeTip(): Promise<Tip>;
  /** null: the crawler has not applied a block yet. */
  crawlerTip(): Promise<Tip | null>;
  outboxBacklog(): Promise<OutboxBacklog>;
  /** null: the projection has not seen a block yet. */
  projectorTip(): Promise<Tip | null>;
  parkedCount(): Promise<number>;
  deadLetterCount(): Promise<number>;
}

export interface StatusSourceDeps {
  rpc: Pick<RpcClient, 'getBlockchainInfo'>;
  online: Executor;
  views: Executor;
  /** The crawler's own status endpoint: JSON with `ourTip: {height, hash, …}` (or null). */
  crawlerStatusUrl: string;
  timeoutMs: number;
}

export function createStatusSources(deps: StatusSourceDeps): StatusSources {
  return {
    async nodeTip() {
      const info = await deps.rpc.getBlockchainInfo();
      return { height: info.blocks, hash: info.bestblockhash };
    },
    async crawlerTip() {
      const res = await fetch(deps.crawlerStatusUrl, { signal: AbortSignal.timeout(deps.timeoutMs) });
      if (!res.ok) throw new Error(`the crawler's status endpoint answered HTTP ${res.status}`);
      return tipOf(await res.json());
    },
    outboxBacklog: () => readOutboxBacklog(deps.online),
    projectorTip: () => readProjectionTip(deps.views),
    parkedCount: async () => (await countProjectionProblems(deps.views)).parkedEvents,
    deadLetterCount: async () => (await countProjectionProblems(deps.views)).deadLetters,
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
