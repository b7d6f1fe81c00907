/**
 * The servers some suites need beyond Node: a PostgreSQL server (DATABASE_URL) and Chromium. Each
 * suite that needs one reads its condition from here, and `test/server-suites-setup.ts` prints at
 * the end of `npm test` which of them ran and which were skipped, and why, from the same
 * conditions: a suite that skips says so instead of passing silently.
 */
import { existsSync } from 'node:fs';

/** Where the browser test finds Chromium: Debian's package (Playwright's own download does not work here). */
export const chromiumPath = '/usr/bin/chromium';

/** One server a suite may need, and whether this run has it. */
export interface ServerCondition {
  /** What the suite's line calls it. */
  readonly label: string;
  /** The name a suite imports from this file to read the condition: how the summary finds the suites that need it. */
  readonly marker: string;
  /** Null when the server is there; otherwise why the suites that need it skip, and how to run them. */
  readonly missing: string | null;
}

/** What the conditions are read from: this process's environment and file system, or a test's own. */
export interface ServerProbe {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly exists: (path: string) => boolean;
}

const here: ServerProbe = { env: process.env, exists: existsSync };

/** The conditions of every server, read from `probe`. */
export function serverConditions(probe: ServerProbe = here): readonly ServerCondition[] {
  const url = probe.env['DATABASE_URL'];
  return [
    {
      label: 'PostgreSQL server',
      marker: 'postgresServerUrl',
      missing: url ? null : 'DATABASE_URL is not set (.ci/run starts a throwaway server; or source .ci/services/postgres.sh)',
    },
    {
      label: 'Chromium',
      marker: 'hasChromium',
      missing: probe.exists(chromiumPath) ? null : `no Chromium at ${chromiumPath} (install Debian's chromium, or run .ci/run)`,
    },
  ];
}

const present = (marker: string) => serverConditions().find((c) => c.marker === marker)?.missing === null;

/** The PostgreSQL server's URL when DATABASE_URL is set: the server suites run only then. */
export const postgresServerUrl: string | undefined = present('postgresServerUrl') ? process.env['DATABASE_URL'] : undefined;

/** Whether Chromium is there for the browser test. */
export const hasChromium: boolean = present('hasChromium');

/** A test file's path (relative to the project) and its text. */
export interface SuiteFile {
  readonly path: string;
  readonly text: string;
}

/**
 * One line per suite that needs a server: `ran` or `skipped (why)`. A suite needs a server when it
 * imports that server's marker from `servers.js`, so a new server-backed suite is listed as soon as
 * it reads its condition here. `ran` means the condition held, so its server tests ran in this run.
 */
export function serverSuiteLines(files: readonly SuiteFile[], conditions: readonly ServerCondition[]): string[] {
  const lines: string[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const imported = /import\s*\{([^}]*)\}\s*from\s*['"][./]*\/servers\.js['"]/.exec(file.text)?.[1] ?? '';
    const names = new Set(imported.split(',').map((name) => name.trim()));
    for (const condition of conditions) {
      if (!names.has(condition.marker)) continue;
      const outcome = condition.missing === null ? 'ran' : `skipped (${condition.missing})`;
      lines.push(`${file.path} [${condition.label}]: ${outcome}`);
    }
  }
  return lines;
}
