import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ForklineError } from '../errors/catalogue.js';
import { freePort } from '../testing/freePort.js';
import { createRpcClient, RpcError } from './rpcClient.js';

/**
 * The client's HTTP behaviour against a local HTTP server speaking bitcoind's JSON-RPC and
 * REST shapes: what bitcoind answers is covered by the integration specs; here, what the
 * client does with kept-alive connections, errors, timeouts and fallbacks.
 */
describe('bitcoind RPC client over HTTP', () => {
  type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
  let handler: Handler;
  let server: http.Server;
  let port: number;
  const sockets = new Set<Socket>();
  const seen: { method: string; url: string; auth: string | undefined; body: string; socket: Socket }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method!,
          url: req.url!,
          auth: req.headers.authorization,
          body,
          socket: req.socket,
        });
        handler(req, body, res);
      });
    });
    server.on('connection', (s: Socket) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => {
    seen.length = 0;
    for (const s of sockets) s.destroy();
    sockets.clear();
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const rpcAnswer =
    (result: unknown): Handler =>
    (_req, body, res) => {
      const { id } = JSON.parse(body) as { id: number };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ result, error: null, id }));
    };
  const client = (timeoutMs?: number) =>
    createRpcClient({ url: `http://us%40r:p%3Ass@127.0.0.1:${port}`, timeoutMs });

  it('sends the credentials of the URL and a JSON-RPC body, and returns the result', async () => {
    handler = rpcAnswer('00ab');
    const rpc = client();
    expect(await rpc.getBlockHash(7)).toBe('00ab');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/',
      auth: `Basic ${Buffer.from('us@r:p:ss').toString('base64')}`,
    });
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ method: 'getblockhash', params: [7] });
    rpc.close();
  });

  it('keeps the connection alive between calls', async () => {
    handler = rpcAnswer(1);
    const rpc = client();
    for (let i = 0; i < 5; i++) await rpc.call('getblockcount');
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    rpc.close();
  });

  it('sends a call again on a fresh connection when the node closed the kept-alive one', async () => {
    const rpc = client();
    handler = rpcAnswer(1);
    await rpc.call('getblockcount');
    // The node drops the idle connection as the next request arrives on it, unanswered.
    const first = seen[0]!.socket;
    handler = (req, body, res) => {
      if (req.socket === first) req.socket.destroy();
      else rpcAnswer(2)(req, body, res);
    };
    expect(await rpc.call('getblockcount')).toBe(2);
    expect(seen.at(-1)!.socket).not.toBe(first);
    rpc.close();
  });

  it('turns an RPC error into RpcError with its code', async () => {
    handler = (_req, body, res) =>
      res.end(
        JSON.stringify({ result: null, error: { code: -8, message: 'Block height out of range' }, id: 1 }),
      );
    const err = await client()
      .getBlockHash(99)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ rpcCode: -8, method: 'getblockhash' });
  });

  it('says so when the credentials are refused, and when the answer is not JSON', async () => {
    handler = (_req, _body, res) => {
      res.statusCode = 401;
      res.end();
    };
    await expect(client().call('getblockcount')).rejects.toThrow(/authentication failed/);
    handler = (_req, _body, res) => {
      res.statusCode = 503;
      res.end('<html>busy</html>');
    };
    await expect(client().call('getblockcount')).rejects.toThrow(
      /unexpected answer \(HTTP 503\): <html>busy/,
    );
  });

  it('fails retriably when nothing answers within the timeout, or nothing listens', async () => {
    handler = () => undefined; // never answers
    const slow = await client(200)
      .call('getblockcount')
      .catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(ForklineError);
    expect(slow).toMatchObject({ code: 'NODE_RPC', retriable: true });
    expect((slow as Error).message).toMatch(/unreachable .*no answer within 200 ms/);

    const closedPort = await freePort();
    const refused = await createRpcClient({ url: `http://u:p@127.0.0.1:${closedPort}` })
      .call('getblockcount')
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'NODE_RPC', retriable: true });
    expect((refused as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('reads raw blocks over REST, and through getblock when REST is off', async () => {
    const bytes = Buffer.from('0100000000ff', 'hex');
    handler = (req, _body, res) => {
      res.end(bytes);
    };
    const rpc = client();
    expect(Buffer.compare(await rpc.getRawBlock('ab'.repeat(32)), bytes)).toBe(0);
    expect(seen[0]).toMatchObject({ method: 'GET', url: `/rest/block/${'ab'.repeat(32)}.bin` });

    handler = (req, body, res) => {
      if (req.method === 'GET') {
        res.statusCode = 404;
        res.end('REST is disabled');
      } else rpcAnswer(bytes.toString('hex'))(req, body, res);
    };
    expect(Buffer.compare(await rpc.getRawBlock('cd'.repeat(32)), bytes)).toBe(0);
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({ method: 'getblock', params: ['cd'.repeat(32), 0] });
    rpc.close();
  });

  it('calls a wallet at its own path', async () => {
    handler = rpcAnswer(0.5);
    expect(await client().call('getbalance', [], { wallet: 'forkline users' })).toBe(0.5);
    expect(seen[0]!.url).toBe('/wallet/forkline%20users');
  });
});
