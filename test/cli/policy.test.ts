import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

const root = join(import.meta.dirname, '..', '..');

async function run(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const coverage = 'caf-step-down: 39 of 42 paragraphs cited: 28 of 31 in the practice guidance, 11 of 11 flowchart steps.\n';

describe('caf-step-down policy', () => {
  it('prints docs/policy.md, and the coverage on standard error', async () => {
    const result = await run(['policy']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(root, 'docs', 'policy.md'), 'utf8'));
    expect(result.stderr).toBe(coverage);
  });

  it('writes the HTML page to --out, confirming the file and the coverage on standard error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-'));
    try {
      const out = join(dir, 'policy.html');
      const result = await run(['policy', '--format', 'html', '--out', out]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`caf-step-down: wrote ${out}\n${coverage}`);
      const html = await readFile(out, 'utf8');
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('<h3 id="f-step-5">F step 5: Referral to e-CAF: summary CAF transfer form sections 1-12</h3>');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses another format, or an argument, as a usage error naming the formats', async () => {
    const pdf = await run(['policy', '--format', 'pdf']);
    expect(pdf).toEqual({ code: 2, stdout: '', stderr: 'caf-step-down: policy --format takes md, html, not pdf; see caf-step-down --help.\n' });
    expect((await run(['policy', 'extra'])).stderr).toBe('caf-step-down: policy takes no arguments; see caf-step-down --help.\n');
    expect((await run(['policy', '--store', 'memory'])).code).toBe(2);
  });

  it('has its own help page', async () => {
    const help = await run(['help', 'policy']);
    expect(help.stdout).toMatch(/^Usage: caf-step-down policy \[--format md\|html\] \[--out <file>\]/);
    expect((await run(['--help'])).stdout).toContain('caf-step-down policy [--format md|html] [--out <file>]');
  });
});
