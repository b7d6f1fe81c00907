/**
 * `caf-step-down caseload`: a team's caseload as one self-contained HTML page (`caseloadToHtml`),
 * from the work-list index the store keeps and each listed case's breaches. Ids, dates and labels only.
 *
 * @module
 */
import { createCaseEngine } from '../engine/engine.js';
import { caseloadToHtml, type CaseloadBreach } from '../report/caseload.js';
import { exitCodes, output, usage, type CliIo, type CliOptions } from './shared.js';
import { openStore } from './store.js';
import { worklistRequest } from './worklist.js';

/**
 * `caseload --store <store> [--role <role>] [--out <file>]`: every open case of the store with its
 * stage, what it waits for, from whom, by when and its breaches, overdue first, as a GOV.UK-style
 * page filterable by role and by breach without a server. `--role` keeps only that role's steps.
 *
 * @example
 * ```ts
 * await caseloadCommand({ store: 'file:./cases', role: 'team-manager', out: 'caseload.html' }, io);
 * ```
 */
export async function caseloadCommand(options: CliOptions, io: CliIo): Promise<number> {
  if (options.store === undefined || options.store === 'memory') {
    throw usage('caseload needs --store file:<directory> or postgres:<url>: a new in-memory store holds no cases');
  }
  const now = new Date();
  // The same checks of --role as worklist, so the two commands take the same words.
  const { query } = worklistRequest({ ...(options.role !== undefined ? { role: options.role } : {}) }, now);
  const opened = await openStore(options.store);
  try {
    const engine = createCaseEngine({ store: opened.store });
    const items = await engine.worklist(query);
    const breaches: Record<string, readonly CaseloadBreach[]> = {};
    for (const caseId of new Set(items.map((i) => i.caseId))) breaches[caseId] = (await engine.get(caseId)).breaches;
    // No source on the page: a store's label can hold a directory path, and paths can hold names.
    const html = caseloadToHtml(items, {
      asOf: now,
      breaches,
      ...(options.role !== undefined ? { role: options.role } : {}),
    });
    await output(html, options, io);
    return exitCodes.OK;
  } finally {
    await opened.close().catch(() => undefined);
  }
}
