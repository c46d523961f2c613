import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regtestAddress } from '../testing/addresses.js';
import { expectProblem } from '../testing/expectProblem.js';
import { createTestApp, type TestApp } from '../testing/testApp.js';

/**
 * The commands take their input by the same rules as the reads: a JSON object or nothing,
 * no unknown query fields, no content coding, and no value coerced (a padded address is
 * refused, not trimmed). Each refusal writes nothing.
 */
describe('command input rules (inject)', () => {
  let t: TestApp;
  const outboxRows = async () =>
    (await t.dbs.online.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;

  beforeAll(async () => {
    t = await createTestApp('bff-command-rules');
    await t.app.inject({ method: 'POST', url: '/v1/users', headers: t.admin, payload: { userId: 'erin' } });
  });
  afterAll(() => t.close());

  it.each([
    [
      'the JSON body null',
      { url: '/v1/users', payload: 'null', headers: { 'content-type': 'application/json' } },
      400,
      /must be a JSON object/,
    ],
    ['an unknown query field on POST /v1/users', { url: '/v1/users?x=1', payload: {} }, 400, /unknown .*"x"/],
    [
      'an unknown query field on POST …/addresses',
      { url: '/v1/users/erin/addresses?dryRun=1', payload: { address: regtestAddress() } },
      400,
      /unknown .*"dryRun"/,
    ],
    [
      'a gzip Content-Encoding',
      {
        url: '/v1/users',
        payload: '{"userId":"zed"}',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      },
      415,
      /Content-Encoding/,
    ],
    [
      'a padded address',
      { url: '/v1/users/erin/addresses', payload: { address: ` ${regtestAddress()} ` } },
      400,
      /field "address"/,
    ],
  ])('refuses %s and writes nothing', async (_name, request, status, detail) => {
    const before = await outboxRows();
    const res = await t.app.inject({
      method: 'POST',
      url: request.url,
      payload: request.payload,
      headers: { ...t.admin, ...('headers' in request ? request.headers : {}) },
    });
    const code = status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_REQUEST';
    expect(expectProblem(res, status, code).detail).toMatch(detail);
    expect(await outboxRows()).toBe(before);
  });
});
