import type { CalendarOptions } from '../../calendar/index.js';
import type { Policy } from '../../policy/define-policy.js';

/** The calendar options a policy implies: the host's own calendar, or the shipped data for its division. */
export function calendarOptions(policy: Policy): CalendarOptions {
  return policy.calendar ? { calendar: policy.calendar } : { division: policy.division };
}
