import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Checks the integration tier's servers once: fails under CI=true if one is missing (test/integration/servers.ts).
    globalSetup: ['test/integration/global-setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CDK synth tests bundle Lambdas with esbuild; two workers match the 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
