import type { Timescales } from '../policy/define-policy.js';

/** `1 day`, `28 days`: a count and its noun, singular for one, in figures as the guidance writes them. */
function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}

/** `6 to 8 weeks` for 42 and 56 days; in days when either is not a whole number of weeks. */
export function reviewWindowWords(timescales: Timescales): string {
  const { reviewWindowStartDays: start, reviewWindowEndDays: end } = timescales;
  if (start % 7 === 0 && end % 7 === 0) {
    return start === end ? count(start / 7, 'week') : `${start / 7} to ${count(end / 7, 'week')}`;
  }
  return start === end ? count(start, 'day') : `${start} to ${count(end, 'day')}`;
}

/** `the 6 to 8 week window`: the review window as an adjective, so singular ("6 to 8 week", "40 to 50 day"). */
export function reviewWindowAdjective(timescales: Timescales): string {
  return reviewWindowWords(timescales).replace(/ (week|day)s?$/, ' $1');
}

/**
 * The labels of the rules whose words name a timescale, written from the timescales of the policy
 * version that governs the case: a case judged by 3 working days never reads 5.
 */
export function timescaleRuleLabels(t: Timescales): Readonly<Record<string, string>> {
  return {
    'disagreement-resolution': `Disagreement resolved within ${count(t.disagreementResolutionWorkingDays, 'working day')}`,
    'first-meeting-date': `First family plan meeting set within ${count(t.firstMeetingDateDays, 'day')}`,
    'first-family-plan-meeting': `Initial family plan meeting within ${count(t.firstFamilyPlanMeetingDays, 'day')}`,
    'family-plan-review': `Family plan reviewed every ${reviewWindowWords(t)}`,
    'caf-twelve-months': `Reassessment if the plan is not met in ${count(t.cafMonths, 'month')}`,
  };
}

/** The breach labels of {@link timescaleRuleLabels}'s rules that name a timescale. */
export function timescaleBreachLabels(t: Timescales): Readonly<Record<string, string>> {
  return {
    'disagreement-resolution': `Disagreement not resolved within ${count(t.disagreementResolutionWorkingDays, 'working day')}`,
    'first-meeting-date': `First family plan meeting not set within ${count(t.firstMeetingDateDays, 'day')}`,
    'caf-twelve-months': `Plan not met within ${count(t.cafMonths, 'month')}`,
  };
}

/** The deadline kinds whose label names a timescale ("Plan's 12-month check"). */
export function timescaleDeadlineKindLabels(t: Timescales): Readonly<Record<string, string>> {
  return { 'caf-twelve-months': `Plan's ${t.cafMonths}-month check` };
}
