// Unit tests of the console's pure helpers (data shaping, routing, formatting). They need no
// browser: run with `npx vitest run --config dashboard/vitest.config.ts`. The browser tests of
// the whole console live in test/e2e and run from the root configuration.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['src/lib/**/*.test.ts'],
    environment: 'node',
  },
});
