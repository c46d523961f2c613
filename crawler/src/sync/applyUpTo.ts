import { prepareBlock } from '../chain/prepareBlock.js';
import type { BlockToApply } from '../db/applyBlock.js';
import { applyBlocks } from '../db/applyBlocks.js';
import type { StoredBlock } from '../db/selectTip.js';
import { outpointKey, type OwnedOutput } from '../matching/types.js';
import type { ChainTip, NodeTip } from '../node/chainSource.js';
import { parseBlock, type ParsedBlock } from '../node/parseBlock.js';
import { createBlockPrefetcher } from './blockPrefetcher.js';
import { blockWork } from './blockWork.js';
import { NodeMoved } from './nodeMoved.js';
import { createRawBlockFetcher } from './rawBlockFetcher.js';
import type { SyncDeps, SyncResult } from './syncToNode.js';

/**
 * Applies the node's blocks above our tip up to its best block, each checked to extend
 * the one before (NodeMoved when one does not). Blocks at least `catchUp.behindBlocks`
 * below the node's tip are applied in groups of up to `catchUp.groupBlocks`, a group per
 * SQL transaction (a transaction per block cost more than the block's rows while catching
 * up); those closer to the tip one per transaction, so a live block is written as soon as
 * it is matched.
 *
 * Pipelined: the next group is matched while the previous one's statement runs (a block
 * waits for that commit only when it spends an output of ours created before the group
 * being built); statements still run one at a time, in order, each checking the tip it
 * extends. A group that is not committed — a failure, the node moving — is discarded
 * whole, and the in-memory mirrors that moved past it are reset.
 */
export async function applyUpTo(
  deps: SyncDeps,
  tip: StoredBlock | undefined,
  node: NodeTip,
  result: SyncResult,
) {
  const { source, log, signal, catchUp } = deps;
  const from = tip ? tip.height + 1 : deps.startHeight;
  if (from > node.height) return;
  if (node.height - from > 10) log.info({ from, to: node.height }, 'catching up');
  const fetchRaw = createRawBlockFetcher(source, { from, to: node.height });
  const prefetcher = createBlockPrefetcher<ParsedBlock>({
    from,
    to: node.height,
    concurrency: deps.fetchConcurrency,
    fetch: async (height) => {
      const got = await fetchRaw(height);
      if (!got) throw new NodeMoved(`the node has no block at height ${height} any more`);
      return parseBlock(got.raw, got.hash);
    },
  });
  let current: ChainTip | undefined = tip; // the block last matched
  let stored: ChainTip | undefined = tip; // the tip once the statements sent so far commit
  // Its chainwork: each block adds its own work. Asked of the node for the first block
  // when the parent's is unknown (no parent yet, or stored before chainwork was).
  let chainwork = tip?.chainwork;
  let committing: Promise<void> | undefined; // the statement in flight
  let group: BlockToApply[] = [];
  let groupMs = 0; // matching time of the group's blocks
  // Our outputs created by the group's blocks and not spent by them: not in the database
  // yet, so a later block of the group spending one finds it here.
  let groupOutputs = new Map<string, OwnedOutput>();

  const send = async () => {
    if (group.length === 0) return;
    const blocks = group;
    const expected = stored;
    const preparedMs = groupMs;
    group = [];
    groupMs = 0;
    groupOutputs = new Map();
    await committing;
    committing = commit(deps, blocks, expected, node, result, preparedMs);
    // Awaited before the next statement or on the way out; until then a rejection must
    // not count as unhandled.
    committing.catch(() => undefined);
    stored = blocks.at(-1)!;
  };

  try {
    for (let height = from; height <= node.height && !signal.aborted; height++) {
      const block = await prefetcher.next();
      if (current && block.prevHash !== current.hash) {
        throw new NodeMoved(`block ${block.hash} at height ${height} does not extend ${current.hash}`);
      }
      const grouped = catchUp.groupBlocks > 1 && node.height - height >= catchUp.behindBlocks;
      if (!grouped) await send();
      chainwork =
        chainwork === undefined ? await source.chainworkOf(block.hash) : chainwork + blockWork(block.bits);
      const started = performance.now();
      const prepared = await prepareBlock({
        db: deps.pool,
        block,
        height,
        chainwork,
        parent: current,
        watch: deps.watch,
        unspent: deps.unspent,
        pending: deps.pending,
        parentCommitted: committing,
        unsentOutputs: groupOutputs,
      });
      groupMs += performance.now() - started;
      if (prepared.kind === 'tip-moved') {
        await committing;
        throw new NodeMoved('our tip changed while applying');
      }
      for (const o of prepared.block.created) groupOutputs.set(outpointKey(o.txid, o.vout), o);
      for (const s of prepared.block.spent) groupOutputs.delete(outpointKey(s.txid, s.vout));
      group.push(prepared.block);
      current = { hash: block.hash, height };
      if (!grouped || group.length >= catchUp.groupBlocks) await send();
    }
    await send(); // what was matched before an abort: a whole group, committed
    await committing;
  } catch (err) {
    await committing?.catch(() => undefined);
    // The mirrors may have moved past blocks that did not commit: reload them next time.
    deps.unspent.reset();
    deps.pending.markStale();
    throw err;
  } finally {
    prefetcher.close();
  }
}

async function commit(
  deps: SyncDeps,
  blocks: BlockToApply[],
  parent: ChainTip | undefined,
  node: NodeTip,
  result: SyncResult,
  preparedMs: number,
): Promise<void> {
  const { pool, log, metrics } = deps;
  const started = performance.now();
  const outcome = await applyBlocks(pool, blocks, parent);
  if (outcome.kind === 'tip-moved') throw new NodeMoved('our tip changed while applying');
  // Matching and writing, shared out over the group; not the wait for the previous commit.
  const seconds = (preparedMs + performance.now() - started) / 1000 / blocks.length;
  for (const block of blocks) {
    metrics.blocksApplied.inc();
    metrics.walletTxs.inc(block.walletTxs.length);
    metrics.blockSeconds.observe(seconds);
    const level = block.walletTxs.length > 0 ? 'info' : 'debug';
    log[level](
      {
        height: block.height,
        hash: block.hash,
        walletTxs: block.walletTxs.length,
        ms: Math.round(seconds * 1000),
      },
      'block applied',
    );
  }
  const last = blocks.at(-1)!;
  metrics.tipHeight.set(last.height);
  result.applied += blocks.length;
  result.tip = { hash: last.hash, height: last.height };
  deps.onTip?.({ ...result.tip, chainwork: last.chainwork }, node);
}
