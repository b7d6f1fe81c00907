import { DateTime } from 'luxon';
import type { RuleStage } from '../policy/rules.js';
import type { Timescales } from '../policy/define-policy.js';
import { deadlineLabel, deadlineStatusLabels, outcomeLabels, roleLabels, routeLabels } from '../labels/vocabulary.js';
import { eventLabel, eventLabels } from '../labels/events.js';
import { refusalLabel } from '../labels/refusals.js';
import type { ReportCorrection, ReportDeadline, ReportEvidence, ReportWithdrawnBreach, RuleStatus } from './types.js';

/**
 * The London calendar date of an ISO instant, `YYYY-MM-DD`; the text itself when it is not a
 * date-time (a renderer must not throw on a report read back from a file).
 */
export function londonDate(iso: string | null): string {
  if (iso === null || iso === '') return '—';
  const parsed = DateTime.fromISO(iso, { setZone: true });
  return parsed.isValid ? parsed.setZone('Europe/London').toFormat('yyyy-MM-dd') : iso;
}

/** The London date and time of an ISO instant, `YYYY-MM-DD HH:mm`: what a manager reads. */
export function londonDateTime(iso: string | null): string {
  if (iso === null || iso === '') return '—';
  const parsed = DateTime.fromISO(iso, { setZone: true });
  return parsed.isValid ? parsed.setZone('Europe/London').toFormat('yyyy-MM-dd HH:mm') : iso;
}

/** Labels of the statuses, as a manager reads them. */
export const statusLabels: Readonly<Record<RuleStatus, string>> = {
  met: 'Met',
  breached: 'Breached',
  pending: 'Pending',
  'not-applicable': 'Not applicable',
};

/** The catalogue's stages in policy order, with headings: the rule table is grouped by them. */
export const ruleStageOrder: readonly { readonly stage: RuleStage; readonly label: string }[] = [
  { stage: 'decision', label: '1. Decision' },
  { stage: 'preparation', label: '2. Preparation before the final meeting' },
  { stage: 'final-meeting', label: '3. Final meeting' },
  { stage: 'closure', label: '4. Closure and referral' },
  { stage: 'ehm', label: '5. Quality assurance in EHM' },
  { stage: 'early-help', label: '6. Early Help under the CAF' },
  { stage: 'any', label: 'Throughout the case' },
];

/**
 * A London date as GOV.UK writes it, "14 March 2024"; with `time`, "14 March 2024, 10:00". A dash
 * for none; the text itself when it is not a date-time.
 *
 * @example
 * ```ts
 * londonDay('2024-03-14T10:00:00Z', true); // => '14 March 2024, 10:00'
 * ```
 */
export function londonDay(iso: string | null, time = false): string {
  if (iso === null || iso === '') return '—';
  const parsed = DateTime.fromISO(iso, { setZone: true });
  return parsed.isValid ? parsed.setZone('Europe/London').toFormat(time ? 'd MMMM yyyy, HH:mm' : 'd MMMM yyyy') : iso;
}

/** A role as a job title; "Unknown role" for none, the value itself for a role this version does not know. */
export function roleName(role: string | null): string {
  if (role === null) return 'Unknown role';
  return (roleLabels as Readonly<Record<string, string>>)[role] ?? role;
}

/**
 * One evidence entry on a line, in words with its event type as a reference:
 * `Entry 8: Final meeting held, 14 March 2024, Social Worker, accepted (finalMeeting.held)`.
 *
 * @example
 * ```ts
 * evidenceLine({ seq: 22, type: 'clock.tick', at: '2024-04-22T07:00:00+01:00', role: 'system', accepted: true, code: null, bears: 'breached' });
 * // => 'Entry 22: Deadlines checked, 22 April 2024, Deadline check (automatic), breach recorded (clock.tick)'
 * ```
 */
export function evidenceLine(e: ReportEvidence): string {
  const outcome = e.accepted ? (e.bears === 'breached' ? 'breach recorded' : 'accepted') : `${refusalLabel(e.code).replace(/^Refused/, 'refused')} (${e.code ?? 'no code'})`;
  return `Entry ${e.seq}: ${eventLabel(e.type, e.whose)}, ${londonDay(e.at)}, ${roleName(e.role)}, ${outcome} (${e.type})`;
}

/**
 * A deadline's status as a manager reads it: the status, and for a step dated on time but recorded
 * after the deadline passed, how long after its date it was recorded.
 *
 * @example
 * ```ts
 * deadlineStatusText({ status: 'met', recordedLateDays: 6 }); // => 'Met, recorded 6 days after the date it happened'
 * deadlineStatusText({ status: 'met-late', recordedLateDays: null }); // => 'Met late'
 * ```
 */
export function deadlineStatusText(d: Pick<ReportDeadline, 'status' | 'recordedLateDays'>): string {
  const status = deadlineStatusLabels[d.status] ?? d.status;
  if (d.recordedLateDays === null) return status;
  return `${status}, recorded ${d.recordedLateDays} day${d.recordedLateDays === 1 ? '' : 's'} after the date it happened`;
}

/** Why a breach was withdrawn, as a manager reads it. */
export const withdrawnBecauseLabels: Readonly<Record<ReportWithdrawnBreach['withdrawnBecause'], string>> = {
  'met-on-time': 'Met on time: the step was dated by its due date',
  'no-longer-needed': 'No longer needed: the case had left that path before it fell due',
  'calendar-changed': 'A new bank-holiday calendar moved the deadline past the check that found it',
};

/**
 * A void's outcome in words: `Voided`, `Voided, then undone by entry 16`, `Accepted, but no entry
 * voided` (the trail read holds no entry with the event id it names), or why it was refused with its code.
 *
 * @example
 * ```ts
 * correctionOutcome({ accepted: false, code: 'VOID_CONFLICT', voidedBy: null });
 * // => 'Refused: later records rest on that entry, so correct those first (VOID_CONFLICT)'
 * ```
 */
export function correctionOutcome(c: Pick<ReportCorrection, 'accepted' | 'code' | 'voidedBy'> & { readonly voids?: ReportCorrection['voids'] }): string {
  if (!c.accepted) return `${refusalLabel(c.code)}${c.code ? ` (${c.code})` : ''}`;
  if (c.voids === null) return 'Accepted, but no entry voided';
  return c.voidedBy === null ? 'Voided' : `Voided, then undone by entry ${c.voidedBy}`;
}

/**
 * Where a void's reason is: `Given, kept in audit entry 14`, or `None given`. Never the reason:
 * it is free text the host wrote, and the report carries ids, dates and codes only.
 *
 * @example
 * ```ts
 * correctionReason({ reasonKeptIn: 14 }); // => 'Given, kept in audit entry 14'
 * ```
 */
export function correctionReason(c: Pick<ReportCorrection, 'reasonKeptIn'>): string {
  return c.reasonKeptIn === null ? 'None given' : `Given, kept in audit entry ${c.reasonKeptIn}`;
}

/**
 * The entry a void names, in words: `Entry 10: Consent to the CAF given, 7 March 2024, Social
 * Worker (consent.given)`, or a note that the trail read holds no entry with that event id.
 *
 * @example
 * ```ts
 * correctionTarget(report.corrections[0]!); // => 'Entry 10: Consent to the CAF given, 7 March 2024, Social Worker (consent.given)'
 * ```
 */
export function correctionTarget(c: Pick<ReportCorrection, 'voids'>): string {
  if (c.voids === null) return 'No entry of the trail holds the event id it names';
  return `Entry ${c.voids.seq}: ${eventLabel(c.voids.type, c.voids.whose)}, ${londonDay(c.voids.at)}, ${roleName(c.voids.role)} (${c.voids.type})`;
}

/** The final meeting's kinds as a basis sentence names them ("held as final CIN", "a final CIN or core group meeting"). */
const finalMeetingKindWords: Readonly<Record<string, string>> = { 'final-cin': 'final CIN', 'core-group': 'core group' };

/** GOV.UK tag colours of the statuses: red needs attention, yellow is waiting, green is done. */
export const statusColours: Readonly<Record<RuleStatus, 'red' | 'yellow' | 'green' | 'grey'>> = {
  met: 'green',
  breached: 'red',
  pending: 'yellow',
  'not-applicable': 'grey',
};

/**
 * A basis sentence as a practitioner reads it: each event type it names becomes its label in
 * quotes, each audit entry `#8` becomes "entry 8", each deadline id its label, routes and outcomes their words. The rest (dates,
 * counts, codes) is already words.
 *
 * @example
 * ```ts
 * plainBasis('Met when finalMeeting.held (#8, 2024-03-14) was accepted.');
 * // => "Met when 'Final meeting held' (entry 8, 2024-03-14) was accepted."
 * ```
 */
export function plainBasis(basis: string, timescales?: Timescales): string {
  return basis
    .replace(/\b(?:[a-z]+[A-Za-z]*\.[a-z][A-Za-z]*)\b/g, (type) => {
      const label = (eventLabels as Readonly<Record<string, string>>)[type];
      return label === undefined ? type : `'${label}'`;
    })
    .replace(/#(\d+)/g, 'entry $1')
    .replace(/\b([a-z]+(?:-[a-z]+)+)(?::[A-Za-z0-9._-]+)?\b/g, (id) => {
      const words = { ...routeLabels, ...outcomeLabels, ...finalMeetingKindWords } as Readonly<Record<string, string>>;
      const label = deadlineLabel(id, timescales);
      if (label !== id) return `'${label}'`;
      return words[id] ?? id;
    });
}
