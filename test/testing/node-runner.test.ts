import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the testing kit under node’s own test runner', () => {
  // A child node process that loads TypeScript through tsx: seconds, more on a busy machine.
  it('passes test/testing/node-runner.ts with `node --test`', { timeout: 60_000 }, () => {
    const root = join(import.meta.dirname, '..', '..');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', 'test/testing/node-runner.ts'],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr + run.stdout).not.toMatch(/^not ok/m);
    expect(run.stdout).toMatch(/^# pass 3$/m);
    expect(run.stdout).toMatch(/^# fail 0$/m);
    expect(run.status).toBe(0);
  });
});
