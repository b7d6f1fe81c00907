import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromiumPath, serverConditions, serverSuiteLines, type ServerProbe } from './servers.js';

const none: ServerProbe = { env: {}, exists: () => false };
const both: ServerProbe = { env: { DATABASE_URL: 'postgres://127.0.0.1:5432/x' }, exists: (path) => path === chromiumPath };

const files = [
  { path: 'test/report/browser.test.ts', text: "import { chromiumPath, hasChromium } from '../servers.js';" },
  { path: 'test/adapters/postgres.test.ts', text: "import {\n  postgresServerUrl,\n} from '../servers.js';" },
  { path: 'test/engine/engine.test.ts', text: "import { memoryStore } from '../../adapters/memory.js';" },
  // Naming the variable without importing the condition is not needing the server.
  { path: 'test/cli/other.test.ts', text: 'const postgresServerUrl = process.env.X;' },
];

describe('the server-backed suites line', () => {
  it('says each suite that reads a server condition was skipped, and why, when the server is missing', () => {
    expect(serverSuiteLines(files, serverConditions(none))).toEqual([
      'test/adapters/postgres.test.ts [PostgreSQL server]: skipped (DATABASE_URL is not set (.ci/run starts a throwaway server; or source .ci/services/postgres.sh))',
      "test/report/browser.test.ts [Chromium]: skipped (no Chromium at /usr/bin/chromium (install Debian's chromium, or run .ci/run))",
    ]);
  });

  it('says they ran when DATABASE_URL is set and Chromium is there', () => {
    expect(serverSuiteLines(files, serverConditions(both))).toEqual([
      'test/adapters/postgres.test.ts [PostgreSQL server]: ran',
      'test/report/browser.test.ts [Chromium]: ran',
    ]);
  });

  it('an empty DATABASE_URL is no server', () => {
    expect(serverConditions({ env: { DATABASE_URL: '' }, exists: () => true })[0]!.missing).toMatch(/DATABASE_URL is not set/);
  });

  it("lists every suite of the project that skips without a server: each reads its condition from servers.ts", () => {
    const read = (path: string) => ({ path, text: readFileSync(new URL(`../${path}`, import.meta.url), 'utf8') });
    const lines = serverSuiteLines(
      ['test/adapters/postgres.test.ts', 'test/adapters/concurrency.test.ts', 'test/adapters/tamper.test.ts', 'test/adapters/family-and-worklist.test.ts', 'test/adapters/graphile-worker.test.ts', 'test/cli/cli.test.ts', 'test/report/browser.test.ts'].map(read),
      serverConditions(none),
    );
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'test/adapters/concurrency.test.ts [PostgreSQL server]',
      'test/adapters/family-and-worklist.test.ts [PostgreSQL server]',
      'test/adapters/graphile-worker.test.ts [PostgreSQL server]',
      'test/adapters/postgres.test.ts [PostgreSQL server]',
      'test/adapters/tamper.test.ts [PostgreSQL server]',
      'test/cli/cli.test.ts [PostgreSQL server]',
      'test/report/browser.test.ts [Chromium]',
    ]);
  });
});
