import { describe, it } from 'vitest';
import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { expectSameAsBitcoinjs } from '../testing/expectSameAsBitcoinjs.js';

describe('parseBlock on the regtest node’s blocks', () => {
  it('reads every block bitcoinjs-lib reads the same way (the latest 300: wallet txs of every address type)', async () => {
    const rpc = createRpcClient({ url: readStackEnv().BITCOIND_RPC_URL });
    const tip = (await rpc.getBlockchainInfo()).blocks;
    for (let h = Math.max(0, tip - 299); h <= tip; h++) {
      expectSameAsBitcoinjs(await rpc.getRawBlock(await rpc.getBlockHash(h)));
    }
  });
});
