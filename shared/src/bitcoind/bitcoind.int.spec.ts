import { Subscriber } from 'zeromq';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegtestNode } from '../testing/regtestNode.js';
import { readStackEnv } from '../testing/stackEnv.js';

describe('bitcoind in regtest (smoke)', () => {
  const stack = readStackEnv();
  const node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
  const sub = new Subscriber();
  afterAll(() => sub.close());

  it('answers RPC on the regtest chain', async () => {
    const info = await node.rpc.getBlockchainInfo();
    expect(info.chain).toBe('regtest');
  });

  it('announces a mined block on the ZMQ sequence topic', async () => {
    sub.connect(stack.BITCOIND_ZMQ_SEQUENCE);
    sub.subscribe('sequence');
    // A ZMQ subscription takes a moment to reach the publisher: mine until one arrives.
    const received = (async () => {
      for await (const [topic, body] of sub) {
        // body: 32-byte hash (big-endian) + 1-byte label ('C' connected, 'D' disconnected, …)
        if (topic?.toString() === 'sequence' && body && String.fromCharCode(body[32]!) === 'C') {
          return body.subarray(0, 32).toString('hex');
        }
      }
      throw new Error('subscriber closed');
    })();
    const mined: string[] = [];
    const miner = setInterval(() => void node.mine(1).then((h) => mined.push(...h)), 300);
    try {
      const hash = await received;
      await expect.poll(() => mined, { timeout: 5_000 }).toContain(hash);
    } finally {
      clearInterval(miner);
    }
  });

  it('serves raw blocks over REST', async () => {
    const hash = await node.bestHash();
    const raw = await node.rpc.getRawBlock(hash);
    expect(raw.length).toBeGreaterThan(80);
  });
});
