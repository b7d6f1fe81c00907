import { StepDownError, isStepDownError } from '../errors.js';
import type { Calendar } from '../calendar/index.js';
import { resolveCalendar } from '../calendar/resolve-calendar.js';
import { isoDateTime } from '../events/common.js';
import type { EventInputOf } from '../events/index.js';
import { policyCalendar, workingDayDue } from '../machine/working-days.js';
import type { Policy } from '../policy/define-policy.js';
import type { CaseView } from './engine.js';
import type { CaseStore } from './store.js';

/**
 * What one `engine.updateCalendar` did: counts and ids only.
 *
 * @example
 * ```ts
 * const result = await engine.updateCalendar(calendarFromGovUk(feed, 'england-and-wales'));
 * if (result.failed.length > 0) console.warn('retry', result.failed.map((f) => f.code));
 * ```
 */
export interface CalendarUpdateResult {
  /** The version of the calendar now in force. */
  readonly calendarVersion: string;
  /** The version of the calendar it replaced. */
  readonly previousCalendarVersion: string;
  /** Cases whose deadlines moved: each took one `calendar.updated` entry. */
  readonly cases: number;
  /** Deadlines moved across them. */
  readonly deadlines: number;
  /** Breaches withdrawn because their deadline moved past the tick that found them. */
  readonly withdrawn: number;
  /** Cases that could not be updated, with the error code; run `updateCalendar` again with the same calendar to retry them. */
  readonly failed: readonly { readonly caseId: string; readonly code: string }[];
}

/** What the update needs of the engine: its store, its policy, and its one path for an event. */
export interface CalendarUpdateDeps {
  readonly store: CaseStore;
  readonly policy: () => Policy;
  /** The version (with the calendar now in force) that governs a case: each counts by its own timescales. */
  readonly policyOf: (view: CaseView) => Policy;
  /** Puts the new calendar in force, in every policy version, for every later event and tick. */
  readonly useCalendar: (calendar: Calendar) => void;
  readonly get: (caseId: string) => Promise<CaseView>;
  readonly send: (caseId: string, event: EventInputOf<'calendar.updated'>, options: { expectedVersion: number }) => Promise<CaseView>;
  readonly now: () => Date;
}

const systemActor = { id: 'system', role: 'system' } as const;
const retries = 5;

/** The dates one calendar has and the other has not. */
function datesOnlyIn(a: Calendar, b: Calendar): string[] {
  const other = new Set(b.holidays.map((h) => h.date));
  return a.holidays.map((h) => h.date).filter((date) => !other.has(date));
}

/**
 * Every case that may hold an unmet deadline, from the indexes the stores keep (never a scan of the
 * cases): those with an open deadline (the next-due index) and those with a missed one (the
 * work-list's breached steps). Each asked for in full, the limit doubled until the answer falls short of it.
 */
async function candidateCases(store: CaseStore): Promise<string[]> {
  const all = async <T>(fetch: (limit: number) => Promise<T[]>): Promise<T[]> => {
    for (let limit = 500; ; limit *= 2) {
      const rows = await fetch(limit);
      if (rows.length < limit) return rows;
    }
  };
  const open = await all((limit) => store.dueCases(Number.MAX_SAFE_INTEGER, limit));
  const missed = await all((limit) => store.worklist({ breached: true, limit }));
  return [...new Set([...open, ...missed.map((item) => item.caseId)])].sort();
}

/** The unmet deadlines of a case the calendar moves, with their new due instants. */
function movesOf(view: CaseView, policy: Policy, calendar: Calendar): { deadlineId: string; due: string }[] {
  const moves: { deadlineId: string; due: string }[] = [];
  for (const deadline of view.deadlines) {
    if (deadline.status !== 'open' && deadline.status !== 'missed') continue;
    const recomputed = workingDayDue(deadline.rule, deadline.opensAt, policy, calendar);
    if (recomputed !== null && recomputed.due !== deadline.due) moves.push({ deadlineId: deadline.id, due: recomputed.due });
  }
  return moves;
}

/**
 * `engine.updateCalendar`: puts `calendar` in force, then gives every case whose unmet working-day
 * deadlines it moves one `calendar.updated` entry through the engine's one path (validated,
 * authorised as the system, transitioned, saved atomically with its notifications, delivered by the
 * relay). A case it moves nothing in gets no entry. One case's fault is reported and never stops the
 * others; running it again with the same calendar retries them (a case already moved has nothing left to move).
 */
export async function updateCalendar(
  deps: CalendarUpdateDeps,
  input: Calendar,
  options: { readonly at?: string } = {},
): Promise<CalendarUpdateResult> {
  const calendar = resolveCalendar({ calendar: input });
  const policy = deps.policy();
  const previous = policyCalendar(policy);
  if (calendar.division !== previous.division) {
    throw new StepDownError(
      'INVALID_ARGUMENT',
      `calendar: expected a calendar of ${previous.division}, the division the engine's policy counts in, not ${calendar.division}.`,
      { field: 'calendar' },
    );
  }
  let at = deps.now().toISOString();
  if (options.at !== undefined) {
    const parsed = isoDateTime.safeParse(options.at);
    if (!parsed.success) throw new StepDownError('INVALID_INPUT', 'at: expected an ISO 8601 date-time with an offset.', { issues: ['at: not a date-time'] });
    at = parsed.data;
  }
  deps.useCalendar(calendar);
  const result = { cases: 0, deadlines: 0, withdrawn: 0, failed: [] as { caseId: string; code: string }[] };
  const versions = { calendarVersion: calendar.version, previousCalendarVersion: previous.version };
  if (calendar.version === previous.version) return { ...versions, ...result };
  const added = datesOnlyIn(calendar, previous);
  const removed = datesOnlyIn(previous, calendar);

  for (const caseId of await candidateCases(deps.store)) {
    try {
      for (let attempt = 0; ; attempt += 1) {
        const before = await deps.get(caseId);
        if (before.outcome !== null) break;
        const moves = movesOf(before, deps.policyOf(before), calendar);
        if (moves.length === 0) break;
        try {
          const after = await deps.send(
            caseId,
            { type: 'calendar.updated', at, actor: systemActor, ...versions, added, removed, deadlines: moves },
            { expectedVersion: before.version },
          );
          result.cases += 1;
          result.deadlines += moves.length;
          result.withdrawn += after.withdrawnBreaches.length - before.withdrawnBreaches.length;
          break;
        } catch (error) {
          // Another writer got there first: read the case again and recompute its moves.
          if (!isStepDownError(error, 'VERSION_CONFLICT') || attempt >= retries) throw error;
        }
      }
    } catch (error) {
      result.failed.push({ caseId, code: isStepDownError(error) ? error.code : 'STORE_FAILURE' });
    }
  }
  return { ...versions, ...result };
}
