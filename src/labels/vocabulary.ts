import type { DeadlineStatus, Outcome, Route } from '../machine/context.js';
import type { Stage } from '../machine/notifications.js';
import type { Timescales } from '../policy/define-policy.js';
import type { Role } from '../policy/roles.js';
import type { RuleId } from '../policy/rules.js';
import { timescaleDeadlineKindLabels } from './timescale-words.js';

/**
 * The stages a case goes through, as managers name them.
 *
 * @example
 * ```ts
 * stageLabels['early-help']; // => 'Early Help under the CAF'
 * ```
 */
export const stageLabels: Readonly<Record<Stage, string>> = {
  decision: 'Decision',
  preparation: 'Preparation',
  closure: 'Closure and referral',
  'early-help': 'Early Help under the CAF',
  closed: 'Closed',
};

/**
 * How a case ends, in words.
 *
 * @example
 * ```ts
 * outcomeLabels['remains-with-csc']; // => "Stays with Children's Social Care"
 * ```
 */
export const outcomeLabels: Readonly<Record<Outcome, string>> = {
  'caf-closed': 'CAF closed: plan met',
  'universal-services': 'Stepped down to universal services',
  'remains-with-csc': "Stays with Children's Social Care",
  'stepped-up': "Stepped back up to Children's Social Care",
  'consent-withdrawn': 'CAF closed: consent withdrawn',
  'transferred-out': 'Transferred to another authority',
};

/**
 * The decision a case entered step down from.
 *
 * @example
 * ```ts
 * routeLabels['ten-day-checkpoint']; // => '10-day checkpoint decision'
 * ```
 */
export const routeLabels: Readonly<Record<Route, string>> = {
  'cin-outcome': 'Child in Need (CIN) outcome',
  'cp-outcome': 'Child Protection (CP) outcome',
  'ten-day-checkpoint': '10-day checkpoint decision',
};

/**
 * The roles of the policy, as job titles.
 *
 * @example
 * ```ts
 * roleLabels['early-help-manager']; // => 'Early Help and Support Manager'
 * ```
 */
export const roleLabels: Readonly<Record<Role, string>> = {
  'social-worker': 'Social Worker',
  'team-manager': 'Team Manager',
  'caf-link-worker': 'CAF Link Worker',
  'lead-professional': 'Lead Professional',
  'early-help-manager': 'Early Help and Support Manager',
  system: 'Deadline check (automatic)',
};

/**
 * Where a deadline stands, in words.
 *
 * @example
 * ```ts
 * deadlineStatusLabels['met-late']; // => 'Met late'
 * ```
 */
export const deadlineStatusLabels: Readonly<Record<DeadlineStatus, string>> = {
  open: 'Open',
  met: 'Met',
  'met-late': 'Met late',
  missed: 'Missed',
  cancelled: 'No longer applies',
};

/** The rules that set deadlines: a deadline's kind is its rule. */
export type DeadlineKind = Extract<
  RuleId,
  'disagreement-resolution' | 'first-meeting-date' | 'clw-contacts-lead-professional' | 'first-family-plan-meeting' | 'family-plan-review' | 'caf-twelve-months'
>;

/**
 * Each kind of deadline as the step it waits for. A deadline's id is its kind, then `:` and a
 * number or the disagreement's id where a case can have several.
 *
 * @example
 * ```ts
 * deadlineKindLabels['family-plan-review']; // => 'Family plan review'
 * ```
 */
export const deadlineKindLabels: Readonly<Record<DeadlineKind, string>> = {
  'disagreement-resolution': 'Disagreement resolved',
  'first-meeting-date': 'First family plan meeting date set',
  'clw-contacts-lead-professional': 'Lead Professional contacted',
  'first-family-plan-meeting': 'Initial family plan meeting',
  'family-plan-review': 'Family plan review',
  'caf-twelve-months': "Plan's 12-month check",
};

/**
 * A deadline by its id, in words: its kind's label, then which one ("Family plan review 3",
 * "Disagreement resolved (D-1)"). An id of no known kind is shown as it is. With `timescales`, a
 * kind that names one says the governing version's ("Plan's 18-month check"); without, the guidance's.
 *
 * @example
 * ```ts
 * deadlineLabel('family-plan-review:3'); // => 'Family plan review 3'
 * deadlineLabel('disagreement-resolution:D-1'); // => 'Disagreement resolved (D-1)'
 * deadlineLabel('caf-twelve-months', { ...defaultTimescales, cafMonths: 18 }); // => "Plan's 18-month check"
 * ```
 */
export function deadlineLabel(id: string, timescales?: Timescales): string {
  const [kind = id, which] = splitOnce(id);
  const label = (timescales ? timescaleDeadlineKindLabels(timescales)[kind] : undefined) ?? (deadlineKindLabels as Readonly<Record<string, string>>)[kind];
  if (label === undefined) return id;
  if (which === undefined) return label;
  return /^\d+$/.test(which) ? `${label} ${which}` : `${label} (${which})`;
}

function splitOnce(id: string): [string, string?] {
  const at = id.indexOf(':');
  return at === -1 ? [id] : [id.slice(0, at), id.slice(at + 1)];
}
