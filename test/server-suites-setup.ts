/**
 * Vitest global setup: at the end of a run, one line per suite that needs a server (PostgreSQL,
 * Chromium), saying whether it ran or was skipped and why. A plain `npm test` skips the PostgreSQL
 * server suites; this makes that visible instead of silent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { serverConditions, serverSuiteLines, type SuiteFile } from './servers.js';

const root = join(import.meta.dirname, '..');

function testFiles(directory: string): SuiteFile[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [{ path: relative(root, path), text: readFileSync(path, 'utf8') }] : [];
  });
}

export default function setup(project: TestProject): () => void {
  return () => {
    // Only the files of this run: `npx vitest run test/engine` says nothing of the PostgreSQL suites.
    const inRun = new Set(project.vitest.state.getFiles().map((file) => relative(root, file.filepath)));
    const lines = serverSuiteLines(testFiles(join(root, 'test')).filter((file) => inRun.has(file.path)), serverConditions());
    if (lines.length === 0) return;
    process.stdout.write(`\nServer-backed suites:\n${lines.map((line) => `  ${line}\n`).join('')}`);
  };
}
