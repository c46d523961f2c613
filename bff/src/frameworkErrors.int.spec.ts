import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './testing/expectProblem.js';
import { createTestApp, type TestApp } from './testing/testApp.js';

/** Sends raw bytes and returns everything the server wrote before closing. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
    socket.end(bytes);
  });
}

/** Errors Fastify or Node's HTTP parser answer themselves leave as our problems too. */
describe("the BFF's own errors from the framework and the HTTP parser", () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp('bff-fw-errors');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const problemsCounted = async (code: string): Promise<number> => {
    const text = (await t.app.inject({ url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`forkline_bff_problems_total{code="${code}",`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('a path parameter over 100 characters → 414 URI_TOO_LONG, without echoing the URL, counted', async () => {
    const long = 'a'.repeat(150);
    const before = await problemsCounted('URI_TOO_LONG');
    const res = await t.app.inject({ url: `/v1/users/${long}/balance` });
    const problem = expectProblem(res, 414, 'URI_TOO_LONG');
    expect(res.body).not.toContain(long);
    expect(problem).not.toHaveProperty('instance');
    expect(await problemsCounted('URI_TOO_LONG')).toBe(before + 1);
    expect((await t.app.inject({ url: '/metrics' })).body).toMatch(
      /forkline_bff_http_request_duration_seconds_count\{[^}]*method="GET",route="unmatched",status="414"/,
    );
  });

  it('an unknown path of any length → 404 whose body holds at most 200 characters of it', async () => {
    const long = `/v2/${'b'.repeat(5_000)}`;
    const res = await t.app.inject({ url: long });
    const problem = expectProblem(res, 404, 'NOT_FOUND');
    expect(problem).not.toHaveProperty('instance');
    expect(problem.detail).toBe('there is no route GET for this path (longer than 200 characters)');
    expect(res.body).not.toContain('b'.repeat(201));
  });

  it('a path that is not valid percent-encoding → 400 INVALID_REQUEST, counted', async () => {
    const before = await problemsCounted('INVALID_REQUEST');
    const res = await t.app.inject({ url: '/v1/users/%zzsecret/balance' });
    const problem = expectProblem(res, 400, 'INVALID_REQUEST');
    expect(problem.detail).toBe('the URL path is not valid percent-encoding');
    expect(res.body).not.toContain('secret');
    expect(await problemsCounted('INVALID_REQUEST')).toBe(before + 1);
  });

  it('a request the HTTP parser refuses (conflicting Content-Length) → 400 problem, counted', async () => {
    const before = await problemsCounted('INVALID_REQUEST');
    const answer = await rawRequest(
      port,
      'POST /v1/users/secret-path HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}',
    );
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(answer).not.toContain('secret-path');
    expect(await problemsCounted('INVALID_REQUEST')).toBe(before + 1);
  });

  it('headers over the limit → 431 HEADERS_TOO_LARGE problem, counted', async () => {
    const before = await problemsCounted('HEADERS_TOO_LARGE');
    const answer = await rawRequest(
      port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`,
    );
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
    expect(await problemsCounted('HEADERS_TOO_LARGE')).toBe(before + 1);
  });
});
