import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Property tests run thousands of cases: on a shared 2-core machine 5 s is not a limit, a coin toss.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One real control plane (started once, see global-setup.ts) serves every file.
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          // A cold machine builds the control plane from source first (tens of minutes on 2 cores).
          hookTimeout: 3_600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
