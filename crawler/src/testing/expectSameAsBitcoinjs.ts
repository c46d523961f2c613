import { Block } from 'bitcoinjs-lib';
import { expect } from 'vitest';
import { bytesTag, txidTag } from '../matching/tags.js';
import { parseBlock } from '../node/parseBlock.js';

/** What bitcoinjs-lib decodes from a block, in the shape of the lean parser's view. */
function viaBitcoinjs(raw: Uint8Array) {
  const block = Block.fromBuffer(raw);
  return {
    hash: block.getId(),
    prevHash: Buffer.from(block.prevHash!).reverse().toString('hex'),
    time: block.timestamp,
    txs: block.transactions!.map((tx) => ({
      txid: tx.getId(),
      coinbase: tx.isCoinbase(),
      ins: tx.ins.map((i) => {
        const txid = Buffer.from(i.hash).reverse().toString('hex');
        return { txid, vout: i.index, tag: txidTag(txid) };
      }),
      outs: tx.outs.map((o) => ({
        script: Buffer.from(o.script).toString('hex'),
        value: Number(o.value),
        tag: bytesTag(o.script, 0, o.script.length),
      })),
    })),
  };
}

function viaParseBlock(raw: Uint8Array) {
  const { hash, prevHash, time, txs } = parseBlock(raw);
  return {
    hash,
    prevHash,
    time,
    txs: Array.from({ length: txs.count }, (_, t) => ({
      txid: txs.txid(t),
      coinbase: txs.isCoinbase(t),
      ins: Array.from({ length: txs.inputStart[t + 1]! - txs.inputStart[t]! }, (_, k) => ({
        txid: txs.prevoutTxid(txs.inputStart[t]! + k),
        vout: txs.prevoutVout(txs.inputStart[t]! + k),
        tag: txs.prevoutTxidTags[txs.inputStart[t]! + k],
      })),
      outs: Array.from({ length: txs.outputStart[t + 1]! - txs.outputStart[t]! }, (_, k) => ({
        script: txs.outputScriptHex(txs.outputStart[t]! + k),
        value: txs.outputValue(txs.outputStart[t]! + k),
        tag: txs.outputScriptTags[txs.outputStart[t]! + k],
      })),
    })),
  };
}

/** parseBlock reads from raw block bytes exactly what bitcoinjs-lib decodes, tags included. */
export function expectSameAsBitcoinjs(raw: Uint8Array): void {
  expect(viaParseBlock(raw)).toEqual(viaBitcoinjs(raw));
}
