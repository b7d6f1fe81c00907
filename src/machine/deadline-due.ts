import { addDays, addMonths, endOfDay, toLondonDate } from '../calendar/index.js';
import type { Policy } from '../policy/define-policy.js';
import type { RuleId } from '../policy/rules.js';
import { workingDayDue } from './working-days.js';

/** When a deadline of a timescale rule falls due, and (for a review) when its window opens. */
export interface DeadlineDue {
  readonly due: string;
  readonly windowOpens?: string;
  /** For a deadline counted in working days: the version of the calendar it was counted with. */
  readonly calendarVersion?: string;
}

/**
 * The due instant of a deadline of `rule` that started at `opensAt`, by the policy's timescales: the
 * one place each timescale is turned into a date, so a deadline opened by the machine and one
 * recomputed when a case adopts a newer policy version (docs/decisions.md "Policy versions") agree.
 * Null for a rule whose deadline is not counted from its start (`first-meeting-date` is judged at once).
 */
export function deadlineDue(rule: RuleId, opensAt: string, policy: Policy): DeadlineDue | null {
  const { timescales } = policy;
  const from = toLondonDate(opensAt);
  switch (rule) {
    // G "Decision made to step down from CSC to CAF" ¶3–4.
    case 'disagreement-resolution':
      return workingDayDue(rule, opensAt, policy);
    // G "Initial Family Planning Meeting" ¶1; G "Role of the CAF Link Worker" ¶3 falls due with it.
    case 'first-family-plan-meeting':
    case 'clw-contacts-lead-professional':
      return { due: endOfDay(addDays(from, timescales.firstFamilyPlanMeetingDays)) };
    // G "Role of the Lead Professional" ¶2.
    case 'family-plan-review':
      return {
        due: endOfDay(addDays(from, timescales.reviewWindowEndDays)),
        windowOpens: addDays(from, timescales.reviewWindowStartDays),
      };
    // G "Role of the Lead Professional" ¶4.
    case 'caf-twelve-months':
      return { due: endOfDay(addMonths(from, timescales.cafMonths)) };
    default:
      return null;
  }
}

/** {@link deadlineDue} for a rule that always has one: the machine's own deadlines. */
export function dueOf(rule: RuleId, opensAt: string, policy: Policy): DeadlineDue {
  const found = deadlineDue(rule, opensAt, policy);
  if (found === null) throw new Error(`rule ${rule} has no timescale counted from its start`);
  return found;
}
