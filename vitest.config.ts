import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CDK synth tests bundle Lambdas with esbuild; two workers match the 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
