import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{platform,pilots,simulators,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dashboard/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
