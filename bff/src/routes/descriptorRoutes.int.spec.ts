import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAddresses } from '#shared/bitcoin/descriptors/deriveAddresses.js';
import { parseDescriptor } from '#shared/bitcoin/descriptors/parseDescriptor.js';
import { expectProblem } from '../testing/expectProblem.js';
import { createTestApp, json, type TestApp } from '../testing/testApp.js';

// Bitcoin Core's wallet_listdescriptors.py wallet: the account tpub with its origin.
const ACCOUNT =
  'tpubDCMVLhErorrAGfApiJSJzEKwqeaf2z3NrkVMxgYQjZLzMjXMBeRw2muGNYbvaekAE8rUFLftyEar4LdrG2wXyyTJQZ26zptmeTEjPTaATts';
const CANONICAL = `wpkh([80002067/84h/1h/0h]${ACCOUNT}/0/*)#hn4rxqvd`;
const TPRV =
  'tprv8ZgxMBicQKsPeuVhWwi6wuMQGfPKi9Li5GtX35jVNknACgqe3CY4g5xgkfDDJcmtF7o1QnxWDRYw4H5P26PXq7sbcUkEqeR4fg3Kxp2tigg';
const XPUB =
  'xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V';

interface View {
  descriptorId: string;
  descriptor: string;
  gapLimit: number;
  fromHeight: number;
  rescanning: boolean;
  receive: { derived: number; highestUsed: number };
}

describe('descriptor routes (inject)', () => {
  let t: TestApp;
  const post = (userId: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/v1/users/${userId}/descriptors`, headers: t.admin, payload });
  const counts = async () =>
    (
      await t.dbs.online.query<{ d: number; w: number; o: number }>(
        `SELECT (SELECT count(*) FROM descriptors)::int AS d, (SELECT count(*) FROM watched_addresses)::int AS w,
                (SELECT count(*) FROM outbox)::int AS o`,
      )
    ).rows[0]!;

  beforeAll(async () => {
    t = await createTestApp('bff-descriptors');
    for (const userId of ['wally', 'other']) {
      await t.app.inject({ method: 'POST', url: '/v1/users', headers: t.admin, payload: { userId } });
    }
  });
  afterAll(() => t.close());

  it('registers a wallet: the first gapLimit addresses of each branch watched, each with its AddressAdded', async () => {
    const res = await post('wally', {
      descriptor: `wpkh([80002067/84'/1'/0']${ACCOUNT}/<0;1>/*)`,
      gapLimit: 5,
    });
    expect(res.statusCode).toBe(201);
    const view = json<View>(res);
    expect(view).toMatchObject({
      userId: 'wally',
      descriptor: CANONICAL,
      gapLimit: 5,
      fromHeight: 0,
      rescanning: true, // not placed by a crawler yet
      receive: { derived: 5, highestUsed: -1 },
      change: { derived: 5, highestUsed: -1 },
    });
    const wallet = parseDescriptor(CANONICAL, 'regtest');
    if (!wallet.ok) throw new Error(wallet.message);
    const { rows } = await t.dbs.online.query<{ address: string; branch: number; derivation_index: number }>(
      'SELECT address, branch, derivation_index FROM watched_addresses WHERE descriptor_id = $1 ORDER BY branch, derivation_index',
      [view.descriptorId],
    );
    expect(rows).toEqual(
      ([0, 1] as const).flatMap((branch) =>
        deriveAddresses(wallet.descriptor, branch, 0, 5).map((d) => ({
          address: d.address,
          branch,
          derivation_index: d.index,
        })),
      ),
    );
    const { rows: events } = await t.dbs.online.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE stream = 'user:wally' AND type = 'AddressAdded'`,
    );
    expect(events[0]!.n).toBe(10);

    const next = await t.app.inject({
      url: `/v1/users/wally/descriptors/${view.descriptorId}/next-address`,
      headers: t.userAuth('wally'),
    });
    expect(json(next)).toEqual({
      descriptorId: view.descriptorId,
      address: rows[0]!.address,
      index: 0,
      branch: 0,
    });
    const read = await t.app.inject({
      url: `/v1/users/wally/descriptors/${view.descriptorId}`,
      headers: t.userAuth('wally'),
    });
    expect(json(read)).toEqual(view);
  });

  it('the same wallet again: 200 and nothing written; for another user: 409', async () => {
    const before = await counts();
    const again = await post('wally', { descriptor: CANONICAL });
    expect(again.statusCode).toBe(200);
    expectProblem(await post('other', { descriptor: CANONICAL }), 409, 'ADDRESS_TAKEN');
    expect(await counts()).toEqual(before);
  });

  it.each([
    [`wpkh(${TPRV}/0/*)`, 'PRIVATE_KEY_REFUSED'],
    [`wpkh(${XPUB}/0/*)`, 'WRONG_NETWORK'],
    [`${CANONICAL.slice(0, -8)}aaaaaaaa`, 'BAD_CHECKSUM'],
    [`wpkh(${ACCOUNT}/0/*')`, 'HARDENED_DERIVATION'],
    [`wsh(pkh(${ACCOUNT}/0/*))`, 'UNSUPPORTED_DESCRIPTOR'],
    [`wpkh(${ACCOUNT}/7/*)`, 'UNSUPPORTED_DESCRIPTOR'],
  ])('400 for %s (%s), and nothing stored', async (descriptor, code) => {
    const before = await counts();
    const res = await post('other', { descriptor });
    const problem = expectProblem(res, 400, code);
    expect(problem.detail).not.toContain('tprv8');
    expect(await counts()).toEqual(before);
  });

  it('400 for a gap limit out of range, 404 for an unknown user or descriptor, 403 for another user', async () => {
    for (const gapLimit of [0, 1001, 2.5]) {
      expectProblem(await post('other', { descriptor: CANONICAL, gapLimit }), 400, 'INVALID_REQUEST');
    }
    expectProblem(await post('nobody', { descriptor: `pkh(${ACCOUNT}/0/*)` }), 404, 'NOT_FOUND');
    const unknown = await t.app.inject({
      url: '/v1/users/wally/descriptors/00000000-0000-4000-8000-000000000000/next-address',
      headers: t.userAuth('wally'),
    });
    expectProblem(unknown, 404, 'NOT_FOUND');
    const { rows } = await t.dbs.online.query<{ descriptor_id: string }>(
      'SELECT descriptor_id FROM descriptors',
    );
    const foreign = await t.app.inject({
      url: `/v1/users/wally/descriptors/${rows[0]!.descriptor_id}`,
      headers: t.userAuth('other'),
    });
    expect(foreign.statusCode).toBe(403);
  });
});
