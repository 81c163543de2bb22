import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'common/src/**/*.test.ts',
            'server/src/**/*.test.ts',
            'main/**/*.test.ts',
            'scripts/**/*.test.ts',
            'renderer/src/**/*.test.ts',
            'console/src/**/*.test.ts',
          ],
          environment: 'node',
          // A backstop for a test that hangs, far above what a loaded machine needs: tests wait for
          // events, never for a time limit (a busy 2-core CI must not turn slowness into failures).
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The hub's integration suite again, on Postgres: one throwaway cluster for the run
        // (server/src/test-support/store.setup.ts), one database per hub data folder (server/src/test-support/store.ts).
        test: {
          name: 'hub-postgres',
          include: ['server/src/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['server/src/test-support/store.setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
