import { ForklineError } from '../errors/catalogue.js';
import { createHttpRequester, type HttpAnswer } from './httpRequester.js';
import type {
  RpcBlockchainInfo,
  RpcBlockHeader,
  RpcMempoolEntry,
  RpcMempoolInfo,
  RpcNetworkInfo,
  RpcRawMempoolSequence,
  RpcSpendingPrevout,
} from './rpcTypes.js';

export interface RpcClientOptions {
  /** http://user:password@host:port[/wallet/<name>] */
  url: string;
  timeoutMs?: number;
}

interface RpcResponse {
  result: unknown;
  error: { code: number; message: string } | null;
  id: number;
}

// What bitcoind answers getblockhash above its tip.
const RPC_INVALID_PARAMETER = -8;

export class RpcError extends ForklineError {
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    message: string,
  ) {
    super('NODE_RPC', `bitcoind ${method}: ${message} (code ${rpcCode})`);
  }
}

/**
 * A small JSON-RPC client for bitcoind over kept-alive HTTP connections: credentials
 * from the URL, a timeout per call, errors carrying the RPC code. Network failures
 * surface as retriable.
 */
export function createRpcClient({ url, timeoutMs = 30_000 }: RpcClientOptions) {
  const parsed = new URL(url);
  const headers = {
    authorization:
      'Basic ' +
      Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString(
        'base64',
      ),
    'content-type': 'application/json',
  };
  const baseUrl = `${parsed.protocol}//${parsed.host}`;
  const endpoint = parsed.pathname === '' ? '/' : parsed.pathname;
  const http = createHttpRequester(parsed, timeoutMs);
  let nextId = 1;

  async function send(method: 'GET' | 'POST', path: string, body?: string): Promise<HttpAnswer> {
    try {
      return await http.request(method, path, headers, body);
    } catch (err) {
      throw new ForklineError('NODE_RPC', `bitcoind unreachable at ${baseUrl}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async function call<T>(
    method: string,
    params: unknown[] = [],
    options: { wallet?: string } = {},
  ): Promise<T> {
    const path = options.wallet ? `/wallet/${encodeURIComponent(options.wallet)}` : endpoint;
    const res = await send('POST', path, JSON.stringify({ jsonrpc: '1.0', id: nextId++, method, params }));
    if (res.status === 401)
      throw new RpcError(method, 401, 'authentication failed: check the RPC user and password');
    const text = res.body.toString('utf8');
    let body: RpcResponse;
    try {
      body = JSON.parse(text) as RpcResponse;
    } catch {
      throw new RpcError(method, res.status, `unexpected answer (HTTP ${res.status}): ${text.slice(0, 200)}`);
    }
    if (body.error) throw new RpcError(method, body.error.code, body.error.message);
    return body.result as T;
  }

  /**
   * The hashes of the main-chain blocks at heights from, from + 1, … (at most `count`), in
   * one JSON-RPC batch request: one getblockhash request per block cost the crawler
   * catching up as much CPU as the block's own fetch. Stops short at the node's tip.
   */
  async function getBlockHashes(from: number, count: number): Promise<string[]> {
    if (count <= 0) return [];
    const first = nextId;
    nextId += count;
    const batch = Array.from({ length: count }, (_, i) => ({
      jsonrpc: '1.0',
      id: first + i,
      method: 'getblockhash',
      params: [from + i],
    }));
    const res = await send('POST', endpoint, JSON.stringify(batch));
    if (res.status === 401)
      throw new RpcError('getblockhash', 401, 'authentication failed: check the RPC user and password');
    let answers: RpcResponse[];
    try {
      answers = JSON.parse(res.body.toString('utf8')) as RpcResponse[];
      if (!Array.isArray(answers)) throw new Error('not a batch answer');
    } catch {
      throw new RpcError('getblockhash', res.status, `unexpected batch answer (HTTP ${res.status})`);
    }
    // A batch's answers may come in any order: by id.
    const byId = new Map(answers.map((a) => [a.id, a]));
    const hashes: string[] = [];
    for (let i = 0; i < count; i++) {
      const a = byId.get(first + i);
      if (!a) throw new RpcError('getblockhash', res.status, `no answer for height ${from + i} in the batch`);
      if (a.error) {
        if (a.error.code === RPC_INVALID_PARAMETER) break; // above the tip
        throw new RpcError('getblockhash', a.error.code, a.error.message);
      }
      hashes.push(a.result as string);
    }
    return hashes;
  }

  /** Fetches a block's raw bytes over REST (needs -rest), falling back to `getblock <hash> 0`. */
  async function getRawBlock(hash: string): Promise<Buffer> {
    const res = await send('GET', `/rest/block/${hash}.bin`).catch(() => undefined);
    if (res?.status === 200) return res.body;
    return Buffer.from(await call<string>('getblock', [hash, 0]), 'hex');
  }

  return {
    call,
    getRawBlock,
    getBlockchainInfo: () => call<RpcBlockchainInfo>('getblockchaininfo'),
    getBestBlockHash: () => call<string>('getbestblockhash'),
    getBlockHash: (height: number) => call<string>('getblockhash', [height]),
    getBlockHashes,
    getBlockHeader: (hash: string) => call<RpcBlockHeader>('getblockheader', [hash, true]),
    getNetworkInfo: () => call<RpcNetworkInfo>('getnetworkinfo'),
    /** Every mempool txid and the mempool sequence number the list reflects. */
    getRawMempoolSequence: () => call<RpcRawMempoolSequence>('getrawmempool', [false, true]),
    /** A transaction's hex: from the mempool, or (with -txindex) from a block. */
    getRawTransactionHex: (txid: string) => call<string>('getrawtransaction', [txid, 0]),
    getMempoolEntry: (txid: string) => call<RpcMempoolEntry>('getmempoolentry', [txid]),
    getMempoolInfo: () => call<RpcMempoolInfo>('getmempoolinfo'),
    getTxSpendingPrevout: (outpoints: { txid: string; vout: number }[]) =>
      call<RpcSpendingPrevout[]>('gettxspendingprevout', [outpoints]),
    /** Closes idle connections (they do not keep the process alive meanwhile). */
    close: () => http.close(),
  };
}

export type RpcClient = ReturnType<typeof createRpcClient>;
