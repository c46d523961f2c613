import { BIP32Factory } from 'bip32';
import { networks } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { btcToSats } from '#shared/bitcoin/btcSats.js';
import { seededRandom } from '#shared/testing/seededRandom.js';
import { waitFor } from '#shared/testing/waitFor.js';
import type { Balance, DescriptorView } from '../src/scenario/bffClient.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';

// A new wallet per run (DESCRIPTOR_SEED replays one): the node's watch-only wallet rescans
// the last two hours of blocks at import, which would count an earlier run's payments.
const SEED = Number(process.env.DESCRIPTOR_SEED ?? Date.now() % 2_147_483_647);
const GAP = 20;
const ROUNDS = 10;

/**
 * A wallet registered by its descriptor, and the same descriptor imported into a
 * watch-only wallet of the node (`importdescriptors`): after seeded random payments to
 * its addresses — beyond the first gap window too, reached through used indexes, several
 * new windows in one block — forkline's balance equals the node wallet's `getbalances`.
 */
describe('forkline end to end: a wallet registered by its descriptor', () => {
  const node = regtestFromStack();
  const random = seededRandom(SEED);
  const bip32 = BIP32Factory(ecc);
  const root = bip32.fromSeed(
    Buffer.from(Array.from({ length: 32 }, () => random.int(0, 255))),
    networks.regtest, // tpub/tprv: testnet's BIP-32 versions
  );
  const account = root.derivePath("m/84'/1'/0'").neutered();
  const fingerprint = Buffer.from(root.fingerprint).toString('hex');
  const given = `wpkh([${fingerprint}/84'/1'/0']${account.toBase58()}/<0;1>/*)`;
  const watchWallet = `watch-${SEED}-${Date.now()}`;
  let forkline: ForklineInstance;
  let view: DescriptorView;

  const watchCall = <T>(method: string, params: unknown[] = []) =>
    node.rpc.call<T>(method, params, { wallet: watchWallet });
  const addressAt = async (branch: 0 | 1, index: number) =>
    (
      await node.rpc.call<string[]>('deriveaddresses', [
        branch === 0 ? view.descriptor : view.changeDescriptor,
        [index, index],
      ])
    )[0]!;

  beforeAll(async () => {
    await node.ensureFunds(3);
    forkline = await startForkline('descriptors', (await node.height()) + 1);
    await forkline.bff.createUser('wallet-owner');
    const res = await forkline.bff.request<DescriptorView>('POST', '/v1/users/wallet-owner/descriptors', {
      descriptor: given,
      gapLimit: GAP,
    });
    expect(res.status).toBe(201);
    view = res.body;
    expect(view.receive).toEqual({ derived: GAP, highestUsed: -1 });
    await node.rpc.call('createwallet', [watchWallet, true, true, '', false, true, true]);
    const imported = await watchCall<{ success: boolean }[]>('importdescriptors', [
      [view.descriptor, view.changeDescriptor].map((desc, i) => ({
        desc,
        range: [0, 400],
        timestamp: 'now',
        internal: i === 1,
      })),
    ]);
    expect(imported.every((r) => r.success)).toBe(true);
  }, 180_000);

  afterAll(async () => {
    await node.rpc.call('unloadwallet', [watchWallet]).catch(() => undefined);
    await forkline?.stop();
  });

  it('registering it again answers the same wallet; a private key, a bad checksum are refused', async () => {
    const again = await forkline.bff.request<DescriptorView>('POST', '/v1/users/wallet-owner/descriptors', {
      descriptor: view.descriptor,
    });
    expect(again.status).toBe(200);
    expect(again.body.descriptorId).toBe(view.descriptorId);
    const refused = (descriptor: string) =>
      forkline.bff.request('POST', '/v1/users/wallet-owner/descriptors', { descriptor }).then(
        () => undefined,
        (err: { status: number; body: { code: string } }) => [err.status, err.body.code],
      );
    expect(await refused(`wpkh(${root.toBase58()}/0/*)`)).toEqual([400, 'PRIVATE_KEY_REFUSED']);
    const [text, checksum] = view.descriptor.split('#') as [string, string];
    const wrong = checksum.startsWith('q') ? `p${checksum.slice(1)}` : `q${checksum.slice(1)}`;
    expect(await refused(`${text}#${wrong}`)).toEqual([400, 'BAD_CHECKSUM']);
  });

  it(`after ${ROUNDS} rounds of random payments, beyond the first window too, equals the node wallet`, async () => {
    console.log(`descriptor wallet seed ${SEED} (DESCRIPTOR_SEED=${SEED} replays it)`);
    const used: [number, number] = [-1, -1];
    // One block pays index 5 and index 25 of a gap-20 window: 25 is found once 5 is used.
    const first: Record<string, number> = {
      [await addressAt(0, 5)]: 0.001,
      [await addressAt(0, 5 + GAP)]: 0.002,
    };
    used[0] = 5 + GAP;
    await node.sendMany(first);
    await node.mine(1);
    for (let round = 0; round < ROUNDS; round++) {
      const outputs: Record<string, number> = {};
      for (let n = random.int(1, 3); n > 0; n--) {
        const branch = random.next() < 0.75 ? 0 : 1;
        // Any index a wallet could have handed out: up to the gap beyond the highest used.
        const index = random.int(0, used[branch] + GAP);
        used[branch] = Math.max(used[branch], index);
        const address = await addressAt(branch, index);
        outputs[address] = (outputs[address] ?? 0) + random.int(1_000, 90_000) / 100_000_000;
      }
      await node.sendMany(outputs);
      await node.mine(1);
    }
    const height = await node.height();
    const nodeWallet = async () =>
      btcToSats((await watchCall<{ mine: { trusted: number } }>('getbalances')).mine.trusted);
    const settled = await waitFor(
      async () => {
        // The balance first: it waits for the last block, which moves the wallet's marks before.
        const balance = await forkline.bff.request<Balance>(
          'GET',
          `/v1/users/wallet-owner/balance?minHeight=${height}&waitMs=5000`,
        );
        const wallet = await forkline.bff.request<DescriptorView>(
          'GET',
          `/v1/users/wallet-owner/descriptors/${view.descriptorId}`,
        );
        return { balance, wallet: wallet.body, expected: await nodeWallet() };
      },
      (s) =>
        !s.wallet.rescanning &&
        s.balance.headers.get('forkline-rescanning') === 'false' &&
        s.balance.body.confirmedSats === s.expected,
      { what: "forkline's balance equal to the node wallet's", timeoutMs: 120_000 },
    );
    expect(settled.expected).toBeGreaterThan(0);
    expect(settled.wallet.receive.highestUsed).toBe(used[0]);
    expect(settled.wallet.change.highestUsed).toBe(used[1]);
    expect(settled.wallet.receive.derived).toBe(used[0] + 1 + GAP);

    const next = await forkline.bff.request<{ address: string; index: number }>(
      'GET',
      `/v1/users/wallet-owner/descriptors/${view.descriptorId}/next-address`,
    );
    expect(next.body).toEqual({
      descriptorId: view.descriptorId,
      index: used[0] + 1,
      branch: 0,
      address: await addressAt(0, used[0] + 1),
    });
  }, 300_000);
});
