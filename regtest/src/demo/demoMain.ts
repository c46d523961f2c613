import { runMain } from '#shared/lifecycle/runMain.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { createUserTokens } from '../../../bff/src/auth/userTokens.js';
import { btcToSats, satsToBtc } from '#shared/bitcoin/btcSats.js';
import { createRegtestNode, type RegtestNode } from '#shared/testing/regtestNode.js';
import { createBffClient, HttpError, type BffClient } from '../scenario/bffClient.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { fundHouse } from '../scenario/houseWallet.js';
import { createWalletUsers } from '../scenario/walletUsers.js';
import { report } from './report.js';

/**
 * `make demo`: with the stack and forkline's processes running, creates users with
 * addresses of several types, pays them (pending at once, confirmed by a block), replaces
 * a pending payment by a fee bump, and forces reorgs — one that returns a payment to
 * pending and one where a double-spend confirms instead — then trades: a Bid and an Ask
 * that fill as the house price moves, their settlements confirming inside the Buy and the
 * Sell, leaving the chain in a reorg and confirming again — showing after each step what
 * forkline says beside what bitcoind says.
 */
runMain(async () => {
  const stack = readStackEnv();
  const node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
  const bff = createBffClient(stack.BFF_URL, stack.FORKLINE_ADMIN_TOKEN);
  const users = createWalletUsers(node, bff);
  await node.ensureFunds(10);
  // The trading service pays buys from the house wallet.
  await fundHouse(node, 5);

  // Fresh names on every run: alice, alice2, alice3, …
  const suffix = await freeSuffix(bff);
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => `${n}${suffix}`) as [
    string,
    string,
    string,
  ];
  await users.register(alice, ['bech32', 'legacy']);
  await users.register(bob, ['p2sh-segwit', 'bech32m']);
  await users.register(carol, ['bech32']);
  console.log(`registered ${alice} (P2WPKH, P2PKH), ${bob} (P2SH-P2WPKH, P2TR) and ${carol} (P2WPKH)`);

  await node.send(users.addressesOf(alice)[0]!, 1.5);
  await node.send(users.addressesOf(bob)[1]!, 0.8);
  await report(
    `1. the node pays ${alice} 1.5 BTC and ${bob} 0.8 BTC: pending, not mined yet`,
    node,
    bff,
    users,
  );
  await node.mine(1);
  await report(`2. one block mined: both payments confirmed`, node, bff, users);

  await users.pay(alice, { [users.addressesOf(bob)[0]!]: 0.3, [users.addressesOf(carol)[0]!]: 0.2 });
  await node.mine(1);
  await report(
    `3. ${alice} pays ${bob} 0.3 and ${carol} 0.2 in one transaction (change back to ${alice}); mined`,
    node,
    bff,
    users,
  );

  const dropped = await users.pay(bob, { [users.addressesOf(carol)[0]!]: 0.1 });
  await node.mine(1);
  await report(`4. ${bob} pays ${carol} 0.1 BTC; mined`, node, bff, users);
  await node.reorg(1, { dropTxs: true });
  await report(
    `5. reorg of depth 1: a longer branch without ${bob}'s payment ${dropped?.slice(0, 12)}…, which the node puts back into its mempool: pending again`,
    node,
    bff,
    users,
  );
  await node.mine(1);
  await report(`6. the next block confirms it again`, node, bff, users);

  const slow = await node.send(users.addressesOf(carol)[0]!, 0.25);
  await report(`7. the node pays ${carol} 0.25 BTC: pending`, node, bff, users);
  const bumped = await node.bumpFee(slow);
  await report(
    `8. fee bump (RBF): ${slow.slice(0, 12)}… replaced by ${bumped.slice(0, 12)}…, pending`,
    node,
    bff,
    users,
  );
  await node.mine(1);
  await report(`9. mined: the replacement confirmed`, node, bff, users);

  const doubleSpent = await node.send(users.addressesOf(carol)[0]!, 0.25);
  await node.mine(1);
  await report(`10. the node pays ${carol} 0.25 BTC; mined`, node, bff, users);
  await node.reorg(2, { doubleSpend: doubleSpent });
  await report(`11. reorg of depth 2: a double-spend of that payment confirms instead`, node, bff, users);

  // Trading: orders are activities from the moment they are placed; each settlement shows
  // inside its Buy or Sell, pending then confirmed, and follows the chain through a reorg.
  await bff.setPrice(60_000);
  const bid = await bff.placeOrder(alice, {
    side: 'buy',
    amountSats: 20_000_000,
    limitPriceEurCents: 5_800_000,
  });
  const ask = await bff.placeOrder(bob, {
    side: 'sell',
    amountSats: 10_000_000,
    limitPriceEurCents: 6_200_000,
  });
  await report(
    `12. house price €60,000: ${alice} bids €58,000 for 0.2 BTC, ${bob} asks €62,000 for 0.1 BTC: both open`,
    node,
    bff,
    users,
  );
  await bff.setPrice(57_500);
  await broadcast(bff, alice, bid.orderId);
  await report(
    `13. price €57,500: the Bid fills — a Buy; the house pays ${alice} on chain: settlement pending`,
    node,
    bff,
    users,
  );
  await bff.setPrice(62_500);
  await broadcast(bff, bob, ask.orderId);
  await report(
    `14. price €62,500: the Ask fills — a Sell; ${bob}'s coins pay the house: settlement pending`,
    node,
    bff,
    users,
  );
  await node.mine(1);
  await report(`15. mined: both settlements confirmed, inside their Buy and Sell`, node, bff, users);
  await node.reorg(1, { dropTxs: true });
  await report(`16. reorg of depth 1: both settlements leave the chain: pending again`, node, bff, users);
  await node.mine(1);
  await report(`17. the next block confirms them again`, node, bff, users);

  await showDescriptorWallet(node, bff, `dave${suffix}`, `demo-wallet${suffix}`);

  const token = createUserTokens(stack.FORKLINE_JWT_SECRET).sign(alice, 24 * 3600);
  console.log(`
forkline keeps running (crawler, relay, projector, bff, trading, trading-relay; log in .run/forkline.log).
  BFF:          ${stack.BFF_URL}
  admin token:  FORKLINE_ADMIN_TOKEN in .run/stack.env
  ${alice}'s token (24 h, may read only ${alice}'s routes):
    TOKEN=${token}
    curl -s -H "Authorization: Bearer $TOKEN" ${stack.BFF_URL}/v1/users/${alice}/balance
  ${alice}'s wallet page:  npx forkline open ${alice}    (the operator page: npx forkline open --ops)
  API documentation:  ${stack.BFF_URL}/docs
Go on:
  npx forkline send <address> 0.1     pay an address: pending until mined
  npx forkline bump <txid>            replace a pending payment with a higher fee (RBF)
  npx forkline mine 3                 mine blocks
  npx forkline fund ${alice} 0.5        pay a user and mine
  npx forkline reorg 2 --drop-txs     replace the last 2 blocks with an empty, longer branch
  npx forkline users                  every user's balance beside bitcoind's
  npx forkline watch carol2 '<descriptor>'   watch a wallet by its descriptor (--rescan-from <height>)
  npx forkline price 61000            set the house price (EUR per BTC)
  npx forkline buy ${alice} 0.1         a market buy, paid on chain by the house
  npx forkline sell ${bob} 0.05 --limit 65000   an Ask until the price reaches €65,000
  make down                           stop everything`);
});

/**
 * A wallet registered by its descriptor: a wallet of the node's own makes the keys, forkline
 * gets its public receive descriptor, derives the addresses and follows the gap; the
 * node's wallet pays itself, and its getbalances is the oracle.
 */
async function showDescriptorWallet(node: RegtestNode, bff: BffClient, userId: string, wallet: string) {
  await node.ensureWallet(wallet);
  const inWallet = <T>(method: string, params: unknown[] = []) =>
    node.rpc.call<T>(method, params, { wallet });
  const { descriptors } = await inWallet<{
    descriptors: { desc: string; active: boolean; internal: boolean }[];
  }>('listdescriptors');
  const receive = descriptors.find((d) => d.active && !d.internal && d.desc.startsWith('wpkh('))!.desc;
  await bff.createUser(userId);
  const registered = await bff.request<{ descriptorId: string; descriptor: string }>(
    'POST',
    `/v1/users/${userId}/descriptors`,
    { descriptor: receive, gapLimit: 10 },
  );
  const paid: Record<string, number> = {};
  for (const btc of [0.11, 0.12, 0.13]) paid[await inWallet<string>('getnewaddress', ['', 'bech32'])] = btc;
  await node.sendMany(paid);
  await node.mine(1);
  const height = await node.height();
  const truth = btcToSats((await inWallet<{ mine: { trusted: number } }>('getbalances')).mine.trusted);
  const shown = await waitFor(
    () => bff.balance(userId, height, 2_000),
    (b) => b.confirmedSats === truth,
    { timeoutMs: 60_000, what: `${userId}'s wallet counted` },
  );
  console.log(`
== 18. ${userId} registers a wallet by its descriptor (${registered.body.descriptor.slice(0, 40)}…, gap limit 10);
   the node's wallet ${wallet} pays three of its addresses; mined
   ${userId}: forkline ${satsToBtc(shown.confirmedSats)} BTC, the node's wallet (getbalances) ${satsToBtc(truth)} BTC`);
}

/** Waits until the trading service has broadcast the order's settlement. */
async function broadcast(bff: BffClient, userId: string, orderId: string): Promise<void> {
  await waitFor(
    () => bff.order(userId, orderId),
    (o) => o.settlement?.state === 'broadcast',
    { timeoutMs: 60_000, what: `the settlement of order ${orderId}` },
  );
}

async function freeSuffix(bff: ReturnType<typeof createBffClient>): Promise<string> {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : String(n);
    try {
      await bff.balance(`alice${suffix}`);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return suffix;
      throw err;
    }
  }
}
