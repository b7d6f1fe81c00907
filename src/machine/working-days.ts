import { addWorkingDays, endOfDay, type Calendar } from '../calendar/index.js';
import { resolveCalendar } from '../calendar/resolve-calendar.js';
import type { Policy, Timescales } from '../policy/define-policy.js';
import type { RuleId } from '../policy/rules.js';
import { calendarOptions } from './actions/calendar-options.js';

/**
 * The deadlines counted in working days, by rule, with their length under a policy: the only ones a
 * bank-holiday calendar moves. Calendar-day deadlines ("within 4 weeks", "12 months") do not consult it.
 */
export const workingDayRules: Partial<Record<RuleId, (timescales: Timescales) => number>> = {
  // G "Decision made to step down from CSC to CAF" ¶3–4: resolved within 5 working days.
  'disagreement-resolution': (timescales) => timescales.disagreementResolutionWorkingDays,
};

/** The calendar a policy counts working days with: the host's own, or the shipped data of its division. */
export function policyCalendar(policy: Policy): Calendar {
  return resolveCalendar(calendarOptions(policy));
}

/**
 * The due instant of a working-day deadline of `rule` opened at `opensAt`, computed with `calendar`
 * (the policy's by default), and the calendar's version for the deadline to record; null for a rule
 * counted in calendar days.
 */
export function workingDayDue(
  rule: RuleId,
  opensAt: string,
  policy: Policy,
  calendar: Calendar = policyCalendar(policy),
): { due: string; calendarVersion: string } | null {
  const length = workingDayRules[rule];
  if (length === undefined) return null;
  return { due: endOfDay(addWorkingDays(opensAt, length(policy.timescales), { calendar })), calendarVersion: calendar.version };
}
