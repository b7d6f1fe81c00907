import { DateTime } from 'luxon';
import type { CaseView } from '../engine/engine.js';
import type { AuditEntry } from '../engine/store.js';
import { StepDownError } from '../errors.js';
import { caseFacts } from '../report/facts.js';

/** The instants a return reads from a case (ISO 8601 with offset, as events carry them): none of them personal data. */
export interface CaseDates {
  /** When the case closed to CSC (F step 8, `csc.closed`); null while it has not. */
  readonly cscClosedAt: string | null;
  /** When the case reached its outcome; null while it has none. */
  readonly outcomeAt: string | null;
}

/**
 * Reads the closure and outcome dates from the case's audit trail: the accepted, unvoided entries
 * that agree with the view (a void takes an entry out of the case, so a voided closure is no closure).
 */
export function caseDates(view: CaseView, history: readonly AuditEntry[]): CaseDates {
  const facts = caseFacts(view, history);
  const closed = facts.accepted('csc.closed').at(-1);
  const outcome = view.outcome === null ? undefined : facts.entered(view.outcome).at(-1);
  const at = (entry: AuditEntry | undefined) => entry?.at ?? null;
  if (view.outcome !== null && outcome === undefined) {
    // The view and the trail disagree (a trail read from another store, or cut short).
    throw new StepDownError('INVALID_ARGUMENT', `Case ${view.caseId}: its audit trail has no entry that reached the outcome ${view.outcome}; pass the case's own history (engine.history).`);
  }
  return { cscClosedAt: at(closed), outcomeAt: at(outcome) };
}

/**
 * Checks an id the host gives for a return against the form the return accepts; the message never
 * quotes the value, which may be free text typed in the wrong field.
 */
export function checkReturnId(name: string, value: unknown, accepts: (id: string) => boolean, form: string): void {
  if (typeof value !== 'string' || !accepts(value)) {
    throw new StepDownError('INVALID_ARGUMENT', `${name} is not an id the return accepts: ${form}.`);
  }
}

/**
 * An instant as London wall-clock time without an offset, `YYYY-MM-DDTHH:mm:ss`: the form a SQL
 * Server DATETIME column reads the same under every language setting (a bare `YYYY-MM-DD` is read
 * year-day-month under British English).
 */
export function londonDateTime(at: string): string {
  return DateTime.fromISO(at, { setZone: true }).setZone('Europe/London').toFormat("yyyy-LL-dd'T'HH:mm:ss");
}
