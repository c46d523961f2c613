import { defineConfig } from 'vitest/config';

// Two projects: fast pure unit specs, and integration/e2e specs against the real
// stack (bitcoind, PostgreSQL, Kafka), which the global setup brings up once per run.
export default defineConfig({
  test: {
    // The regtest node's chain is shared by every spec, so files that mine or reorg
    // would disturb each other: spec files run one at a time (unit files take ms).
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.unit.spec.ts'],
          exclude: ['node_modules/**', '.run*/**', '.scratch-*/**'],
        },
      },
      {
        test: {
          name: 'int',
          // Fault specs (servers killed and restarted under load) too: in this project's
          // one-file-at-a-time queue, never beside a spec that shares those servers.
          include: ['**/*.int.spec.ts', '**/*.e2e.spec.ts', '**/*.fault.spec.ts'],
          exclude: ['node_modules/**', '.run*/**', '.scratch-*/**'],
          globalSetup: ['shared/src/testing/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
