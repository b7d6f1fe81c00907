/**
 * `caf-step-down worklist`: the steps waiting across every case of a store, soonest due first, from
 * the work-list index the store keeps (`engine.worklist`). Ids, roles, rule ids and dates only.
 *
 * @module
 */
import { addDays } from '../calendar/add-days.js';
import { addWorkingDays } from '../calendar/add-working-days.js';
import { endOfDay } from '../calendar/end-of-day.js';
import { toLondonDate } from '../calendar/to-london-date.js';
import { createCaseEngine, type WorklistInput } from '../engine/engine.js';
import type { WorkItem } from '../engine/store.js';
import { isoDate } from '../events/common.js';
import { isId } from '../ids/id.js';
import { calendarOptions } from '../machine/actions/calendar-options.js';
import { defaultPolicy } from '../policy/define-policy.js';
import { roles, type Role } from '../policy/roles.js';
import { londonWallClock } from '../testing/clock.js';
import { exitCodes, printable, usage, type CliIo, type CliOptions } from './shared.js';
import { openStore } from './store.js';

/** The most steps one listing shows: the engine's own limit. */
const worklistLimit = 1000;

/** The query a `worklist` command line asks for, and what `--due-within` came to, for the heading. */
export interface WorklistRequest {
  readonly query: WorklistInput;
  /** With `--due-within`: the London date counted from, the number of working days and the last day. */
  readonly window: { readonly today: string; readonly workingDays: number; readonly lastDay: string; readonly endsAt: string } | null;
}

/**
 * Reads the `worklist` options into an `engine.worklist` query. `--due-within <N>wd` is "due by
 * the end of the Nth working day after today" (London, bank holidays of England and Wales
 * skipped): `addWorkingDays(today, N)`, then `endOfDay` of that day, every step due up to that
 * instant included. `--today` moves today, for a list as it stood on a date.
 *
 * @throws UsageError for a role that is not one, a person that is not an id, a window that is not
 *   `<N>wd`, or a date that is not `YYYY-MM-DD`
 *
 * @example
 * ```ts
 * worklistRequest({ role: 'team-manager', 'due-within': '5wd', today: '2024-04-03' }, new Date());
 * // { query: { role: 'team-manager', dueBefore: '2024-04-11T00:00:00+01:00', limit: 1000 },
 * //   window: { today: '2024-04-03', workingDays: 5, lastDay: '2024-04-10', endsAt: '2024-04-10T23:59:59.999+01:00' } }
 * ```
 */
export function worklistRequest(options: CliOptions, now: Date): WorklistRequest {
  const role = options.role;
  if (role !== undefined && !(roles as readonly string[]).includes(role)) {
    throw usage(`--role takes one of ${roles.filter((r) => r !== 'system').join(', ')}, not ${printable(role)}`);
  }
  const person = options.person;
  if (person !== undefined && !isId(person)) {
    throw usage('--person takes a person id (letters, digits and . _ : - only), never a name');
  }
  if (options.today !== undefined && options['due-within'] === undefined) throw usage('--today goes with --due-within');
  let window: WorklistRequest['window'] = null;
  if (options['due-within'] !== undefined) {
    const match = /^(\d{1,3})wd$/.exec(options['due-within']);
    if (!match) throw usage(`--due-within takes a number of working days, e.g. 5wd, not ${printable(options['due-within'])}`);
    if (options.today !== undefined && !isoDate.safeParse(options.today).success) {
      throw usage(`--today takes a date YYYY-MM-DD, not ${printable(options.today)}`);
    }
    const today = options.today ?? toLondonDate(now.toISOString());
    const workingDays = Number(match[1]);
    const lastDay = addWorkingDays(today, workingDays, calendarOptions(defaultPolicy));
    window = { today, workingDays, lastDay, endsAt: endOfDay(lastDay) };
  }
  const query: WorklistInput = {
    ...(role !== undefined ? { role: role as Role } : {}),
    ...(person !== undefined ? { personId: person } : {}),
    // Up to and including the last instant of the last day: everything due before the next day starts.
    ...(window ? { dueBefore: londonWallClock(addDays(window.lastDay, 1), '00:00:00') } : {}),
    ...(options.breached ? { breached: true } : {}),
    limit: worklistLimit,
  };
  return { query, window };
}

/**
 * `worklist --store <store>`: the steps waiting across the store's cases, soonest due first
 * (undated last), filtered by `--role`, `--person`, `--due-within <N>wd` and `--breached`; as a
 * table of ids and dates, or (`--json`) as the work items. Never a name: a person is their id.
 *
 * @example
 * ```ts
 * await worklistCommand({ store: 'file:./cases', role: 'team-manager', 'due-within': '5wd' }, io);
 * ```
 */
export async function worklistCommand(options: CliOptions, io: CliIo): Promise<number> {
  if (options.store === undefined || options.store === 'memory') {
    throw usage('worklist needs --store file:<directory> or postgres:<url>: a new in-memory store holds no cases');
  }
  const request = worklistRequest(options, new Date());
  const opened = await openStore(options.store);
  try {
    const items = await createCaseEngine({ store: opened.store }).worklist(request.query);
    if (options.json) {
      io.stdout(`${JSON.stringify(items, null, 2)}\n`);
      return exitCodes.OK;
    }
    io.stdout(formatWorklist(items, request, opened.label));
    return exitCodes.OK;
  } finally {
    await opened.close().catch(() => undefined);
  }
}

/**
 * A work list as a table: due date, case, family, stage, step, detail, role, person, user and
 * whether the deadline is already missed. Ids, roles and dates only.
 *
 * @example
 * ```ts
 * io.stdout(formatWorklist(items, request, 'file:./cases'));
 * ```
 */
export function formatWorklist(items: readonly WorkItem[], request: WorklistRequest, label: string): string {
  const filters = [
    request.query.role && `role ${request.query.role}`,
    request.query.personId && `person ${request.query.personId}`,
    request.window &&
      `due within ${request.window.workingDays} working day${request.window.workingDays === 1 ? '' : 's'} of ${request.window.today} (by the end of ${request.window.lastDay})`,
    request.query.breached && 'deadline already missed',
  ].filter(Boolean);
  const count = `${items.length} step${items.length === 1 ? '' : 's'}${items.length >= worklistLimit ? ` (the first ${worklistLimit})` : ''}`;
  const lines = [`Work list of ${label}: ${count}${filters.length > 0 ? `, ${filters.join(', ')}` : ''}, soonest due first.`];
  if (items.length === 0) return `${lines.join('\n')}\n`;
  const header = ['due', 'case', 'family', 'stage', 'step', 'detail', 'role', 'person', 'user', ''];
  const rows = items.map((w) => [
    w.due ? toLondonDate(w.due) : '-',
    w.caseId,
    w.familyId ?? '-',
    w.stage,
    w.step,
    w.detail ?? '-',
    w.role,
    w.personId ?? '-',
    w.actorId ?? '-',
    w.breached ? 'MISSED' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: readonly string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  lines.push('', format(header), ...rows.map(format));
  return `${lines.join('\n')}\n`;
}
