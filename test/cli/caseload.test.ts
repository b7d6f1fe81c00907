import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStore } from '../../adapters/file.js';
import { runCli } from '../../src/cli/run.js';
import { teamCaseload } from '../report/caseload-journeys.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caf-cli-caseload-'));
  const store = fileStore({ directory: dir });
  await teamCaseload(store);
  await store.close?.();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const rows = (html: string, section: string) => {
  const start = html.indexOf(`id="${section}"`);
  return [...html.slice(start, html.indexOf('</section>', start)).matchAll(/data-case="([^"]+)"/g)].map((m) => m[1]);
};

describe('caf-step-down caseload', () => {
  it('writes the store’s caseload to --out: every open case, overdue first, with a section per role', async () => {
    const out = join(dir, 'caseload.html');
    const run = await cli(['caseload', '--store', `file:${dir}`, '--out', out]);
    expect(run).toEqual({ code: 0, stdout: '', stderr: `caf-step-down: wrote ${out}\n` });
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(rows(html, 'all-cases')).toEqual(['P-1', 'E-1', 'D-1', 'P-2']);
    expect(rows(html, 'cases-in-breach')).toEqual(['P-1', 'E-1']);
    expect(rows(html, 'role-lead-professional')).toEqual(['E-1']);
    expect(html).toContain('Disagreement not resolved within 5 working days');
    // The store's directory is not on the page: a path can hold a name.
    expect(html).not.toContain(dir);
  });

  it('--role keeps only that role’s steps; the page goes to standard output without --out', async () => {
    const run = await cli(['caseload', '--store', `file:${dir}`, '--role', 'team-manager']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<h1 class="govuk-heading-xl">Caseload: Team Manager</h1>');
    expect(rows(run.stdout, 'all-cases')).toEqual(['P-1', 'D-1']);
  });

  it('refuses a role that is not one, an in-memory store, and arguments, each in one line', async () => {
    const role = await cli(['caseload', '--store', `file:${dir}`, '--role', 'manager']);
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/^caf-step-down: --role takes one of social-worker, .* not manager; see caf-step-down --help\.\n$/);
    const memory = await cli(['caseload']);
    expect(memory.code).toBe(2);
    expect(memory.stderr).toContain('caseload needs --store');
    const extra = await cli(['caseload', 'C-1', '--store', `file:${dir}`]);
    expect(extra.stderr).toBe('caf-step-down: caseload takes no arguments; see caf-step-down --help.\n');
    const person = await cli(['caseload', '--store', `file:${dir}`, '--person', 'lp-1']);
    expect(person.stderr).toBe('caf-step-down: caseload does not take --person; see caf-step-down --help.\n');
  });
});
