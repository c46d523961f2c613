import pg from 'pg';
import { createKafka } from '../../shared/src/kafka/createKafka.js';
import { runMain } from '../../shared/src/lifecycle/runMain.js';
import { createLogger } from '../../shared/src/logging/logger.js';
import { readStackEnv } from '../../shared/src/testing/stackEnv.js';
import { createRegtestNode } from './regtestNode.js';

/** `make demo`: on the running stack, mines 101 blocks and shows what each server runs. */
runMain(async () => {
  const stack = readStackEnv();
  const node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
  const before = await node.height();
  await node.mine(101);
  const after = await node.height();
  const balance = await node.walletCall<number>('getbalance');
  const { subversion } = await node.rpc.getNetworkInfo();

  const client = new pg.Client({ connectionString: stack.ONLINE_DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();

  const kafka = createKafka({
    brokers: stack.KAFKA_BROKERS.split(','),
    clientId: 'demo',
    log: createLogger('demo', 'error'),
  });
  const admin = kafka.admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  await admin.disconnect();

  console.log(`bitcoind   ${subversion}  regtest height ${before} -> ${after}, wallet ${balance} BTC`);
  console.log(`postgres   PostgreSQL ${rows[0]?.server_version}  ${new URL(stack.ONLINE_DATABASE_URL).host}`);
  console.log(
    `kafka      ${cluster.brokers.length} broker(s) at ${stack.KAFKA_BROKERS}, cluster ${cluster.clusterId}`,
  );
});
