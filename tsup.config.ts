import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    simulator: 'src/simulator/index.ts',
    'cli/main': 'src/cli/main.ts',
    'adapters/memory': 'adapters/memory.ts',
    'adapters/file': 'adapters/file.ts',
    'adapters/postgres': 'adapters/postgres.ts',
    'adapters/graphile-worker': 'adapters/graphile-worker.ts',
    'adapters/webhook': 'adapters/webhook.ts',
    server: 'src/server/index.ts',
    'store-kit': 'src/store-kit.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Shared code (StepDownError above all) lives in one chunk, so `instanceof` holds across subpaths.
  splitting: true,
  treeshake: true,
});
