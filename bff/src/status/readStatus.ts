import type { ProjectionStatus } from '#shared/views/projectionStatus.js';
import type { Tip } from '../db/tables.js';
import type { RescanReport, StatusSources } from './statusSources.js';

type Unavailable = { available: false; reason: string };

export interface Status {
  checkedAt: string;
  node: { available: true; tip: Tip } | Unavailable;
  /** lagBlocks: node tip height − crawler tip height; rescans: queued or running, the running one first. */
  crawler:
    { available: true; tip: Tip | null; lagBlocks: number | null; rescans: RescanReport[] } | Unavailable;
  /** The relay's lag: events not yet published, and the age of the oldest. */
  outbox: { available: true; backlog: number; lagMs: number } | Unavailable;
  /**
   * The read side as the projector's own /status shows it (tip, streams, parked and
   * dead-letter counts, open gaps, stopped streams), plus lagBlocks: node tip height −
   * projection tip height (how far answers trail the chain).
   */
  projector: ({ available: true; lagBlocks: number | null } & ProjectionStatus) | Unavailable;
}

/**
 * Asks every source at once, each within `timeoutMs`; a component that fails or is too
 * slow shows as unavailable with the reason, and the others still answer.
 */
export async function readStatus(
  sources: StatusSources,
  timeoutMs: number,
  now = new Date(),
): Promise<Status> {
  const bounded = <T>(what: string, work: () => Promise<T>) => withTimeout(work, timeoutMs, what);
  const [node, crawler, outbox, projector] = await Promise.allSettled([
    bounded('the node', () => sources.nodeTip()),
    bounded('the crawler', () => sources.crawler()),
    bounded('the online database', () => sources.outboxBacklog()),
    bounded('the views database', () => sources.projection()),
  ]);
  const nodeHeight = node.status === 'fulfilled' ? node.value.height : undefined;
  const lag = (tip: Tip | null) => (nodeHeight === undefined ? null : nodeHeight - (tip?.height ?? -1));

  return {
    checkedAt: now.toISOString(),
    node: node.status === 'fulfilled' ? { available: true, tip: node.value } : unavailable(node.reason),
    crawler:
      crawler.status === 'fulfilled'
        ? {
            available: true,
            tip: crawler.value.tip,
            lagBlocks: lag(crawler.value.tip),
            rescans: crawler.value.rescans,
          }
        : unavailable(crawler.reason),
    outbox:
      outbox.status === 'fulfilled'
        ? {
            available: true,
            backlog: outbox.value.backlog,
            lagMs: outbox.value.oldestAgeMs ?? 0,
          }
        : unavailable(outbox.reason),
    projector:
      projector.status === 'fulfilled'
        ? { available: true, lagBlocks: lag(projector.value.tip), ...projector.value }
        : unavailable(projector.reason),
  };
}

function unavailable(reason: unknown): Unavailable {
  const message = reason instanceof Error ? reason.message : String(reason);
  return { available: false, reason: message.split('\n')[0]!.slice(0, 200) };
}

async function withTimeout<T>(work: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
