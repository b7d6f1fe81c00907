import { DateTime } from 'luxon';
import type { Stage } from '../machine/notifications.js';
import type { RuleStage } from '../policy/rules.js';
import type { ReportEvidence, RuleStatus } from './types.js';

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

/** Labels of the case's stages (the machine's `Stage`). */
export const stageLabels: Readonly<Record<Stage, string>> = {
  decision: 'Decision',
  preparation: 'Preparation',
  closure: 'Closure and referral',
  'early-help': 'Early Help under CAF',
  closed: 'Closed',
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
