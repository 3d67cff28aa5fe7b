import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // Only to stop a hung test: generous, because the machine is shared and nothing may depend on its speed.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
