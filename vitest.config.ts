import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Prints which server-backed suites ran and which were skipped, and why, at the end of the run.
    globalSetup: ['test/server-suites-setup.ts'],
  },
});
