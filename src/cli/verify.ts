/**
 * `caf-step-down verify`: sweeps every case of a store (`engine.verifyAll`), for a nightly job, and
 * reports each broken case by id and code. Ids, codes and counts only.
 *
 * @module
 */
import { createCaseEngine } from '../engine/engine.js';
import type { VerifyAllResult } from '../engine/heads-verify.js';
import { exitCodes, usage, type CliIo, type CliOptions } from './shared.js';
import { openStore } from './store.js';

/** How often (in cases) the progress line is printed. */
const progressEvery = 100;

/**
 * `verify --store <store>`: every case's trail checked (chain, case ids, head, version, replay), a
 * progress line on standard error every 100 cases, then a summary (or, with `--json`, the result)
 * on standard output. Exit code 1 when any case is broken. Head signatures are checked by a host's
 * own `engine.verifyAll` with its key: the command line holds no key.
 *
 * @example
 * ```ts
 * const code = await verifyCommand({ store: 'file:./cases' }, io); // 0: every case verified
 * ```
 */
export async function verifyCommand(options: CliOptions, io: CliIo): Promise<number> {
  if (options.store === undefined || options.store === 'memory') {
    throw usage('verify needs --store file:<directory> or postgres:<url>: a new in-memory store holds no cases');
  }
  const opened = await openStore(options.store);
  try {
    const result = await createCaseEngine({ store: opened.store }).verifyAll({
      onProgress: (p) => {
        if (p.cases % progressEvery === 0) io.stderr(`verified ${p.cases} cases, ${p.entries} entries, ${p.broken} broken\n`);
      },
    });
    io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerification(result, opened.label));
    return result.broken.length === 0 ? exitCodes.OK : exitCodes.NOT_AS_EXPECTED;
  } finally {
    await opened.close().catch(() => undefined);
  }
}

/**
 * The summary of a sweep: how many cases and entries, and each broken case's id, code, problem and
 * sequence number.
 *
 * @example
 * ```ts
 * formatVerification({ cases: 2, entries: 50, broken: [] }, 'file:./cases');
 * // "Verified file:./cases: 2 cases, 50 audit entries, none broken.\n"
 * ```
 */
export function formatVerification(result: VerifyAllResult, label: string): string {
  const head = `Verified ${label}: ${result.cases} case${result.cases === 1 ? '' : 's'}, ${result.entries} audit entr${result.entries === 1 ? 'y' : 'ies'}, `;
  if (result.broken.length === 0) return `${head}none broken.\n`;
  const lines = result.broken.map(
    (b) => `  ${b.caseId}  ${b.code}${b.problem ? ` (${b.problem}${b.seq !== null ? ` at entry ${b.seq}` : ''})` : ''}`,
  );
  return `${head}${result.broken.length} broken:\n${lines.join('\n')}\n`;
}
