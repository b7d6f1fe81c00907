import { DateTime } from 'luxon';
import type { RuleStage } from '../policy/rules.js';
import { deadlineLabel, outcomeLabels, routeLabels } from '../labels/vocabulary.js';
import { eventLabels } from '../labels/events.js';
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

/** One evidence entry on a line: `#8 finalMeeting.held 2024-03-14 social-worker accepted`. */
export function evidenceLine(e: ReportEvidence): string {
  const outcome = e.accepted ? 'accepted' : `refused ${e.code ?? ''}`.trim();
  const bears = e.bears === 'breached' ? ' (breach recorded)' : '';
  return `#${e.seq} ${e.type} ${londonDate(e.at)} ${e.role ?? 'unknown role'} ${outcome}${bears}`;
}

/**
 * A deadline's status as a manager reads it: the status, and for a step dated on time but recorded
 * after the deadline passed, how long after its date it was recorded.
 *
 * @example
 * ```ts
 * deadlineStatusText({ status: 'met', recordedLateDays: 6 }); // => 'met, recorded 6 days after its date'
 * deadlineStatusText({ status: 'open', recordedLateDays: null }); // => 'open'
 * ```
 */
export function deadlineStatusText(d: Pick<ReportDeadline, 'status' | 'recordedLateDays'>): string {
  if (d.recordedLateDays === null) return d.status;
  return `${d.status}, recorded ${d.recordedLateDays} day${d.recordedLateDays === 1 ? '' : 's'} after its date`;
}

/** Why a breach was withdrawn, as a manager reads it. */
export const withdrawnBecauseLabels: Readonly<Record<ReportWithdrawnBreach['withdrawnBecause'], string>> = {
  'met-on-time': 'met on time: the step was dated by its due date',
  'no-longer-needed': 'no longer needed: the case had left that path before it fell due',
  'calendar-changed': 'a new bank-holiday calendar moved the deadline past the check that found it',
};

/**
 * A void's outcome: `accepted`, `accepted, itself voided by #16`, or `refused VOID_CONFLICT`.
 *
 * @example
 * ```ts
 * correctionOutcome({ accepted: false, code: 'VOID_CONFLICT', voidedBy: null }); // => 'refused VOID_CONFLICT'
 * ```
 */
export function correctionOutcome(c: Pick<ReportCorrection, 'accepted' | 'code' | 'voidedBy'>): string {
  if (!c.accepted) return `refused ${c.code ?? ''}`.trim();
  return c.voidedBy === null ? 'accepted' : `accepted, itself voided by #${c.voidedBy}`;
}

/**
 * Where a void's reason is: `given, kept in audit entry #14`, or `none given`. Never the reason:
 * it is free text the host wrote, and the report carries ids, dates and codes only.
 *
 * @example
 * ```ts
 * correctionReason({ reasonKeptIn: 14 }); // => 'given, kept in audit entry #14'
 * ```
 */
export function correctionReason(c: Pick<ReportCorrection, 'reasonKeptIn'>): string {
  return c.reasonKeptIn === null ? 'none given' : `given, kept in audit entry #${c.reasonKeptIn}`;
}

/**
 * The entry a void names, on a line: `#10 consent.given 2024-03-07 social-worker`, or a note that
 * the trail read holds no entry with that event id.
 *
 * @example
 * ```ts
 * correctionTarget(report.corrections[0]!); // => '#10 consent.given 2024-03-07 social-worker'
 * ```
 */
export function correctionTarget(c: Pick<ReportCorrection, 'voids'>): string {
  if (c.voids === null) return 'no entry of the trail holds the event id it names';
  return `#${c.voids.seq} ${c.voids.type} ${londonDate(c.voids.at)} ${c.voids.role ?? 'unknown role'}`;
}

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
export function plainBasis(basis: string): string {
  return basis
    .replace(/\b(?:[a-z]+[A-Za-z]*\.[a-z][A-Za-z]*)\b/g, (type) => {
      const label = (eventLabels as Readonly<Record<string, string>>)[type];
      return label === undefined ? type : `'${label}'`;
    })
    .replace(/#(\d+)/g, 'entry $1')
    .replace(/\b([a-z]+(?:-[a-z]+)+)(?::[A-Za-z0-9._-]+)?\b/g, (id) => {
      const words = { ...routeLabels, ...outcomeLabels } as Readonly<Record<string, string>>;
      const label = deadlineLabel(id);
      if (label !== id) return `'${label}'`;
      return words[id] ?? id;
    });
}
