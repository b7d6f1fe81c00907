/**
 * The step-down deadlines of an example case, computed with the working-day calendar the state
 * machine uses. Run with `npm run example`.
 *
 * Each deadline ends at the end of its last day, London time, whatever the clocks are doing.
 */
import { addDays, addMonths, addWorkingDays, endOfDay, toLondonDate } from '../src/calendar/index.js';

interface Deadline {
  readonly what: string;
  readonly from: string;
  readonly due: string;
  readonly note?: string;
  readonly citation: string;
}

const disagreement = 'G "Decision made to step down from CSC to CAF" ¶3';
const initialMeeting = 'G "Initial Family Planning Meeting" ¶1';
const leadProfessional = (paragraph: number) => `G "Role of the Lead Professional" ¶${paragraph}`;

// The case: a parent disagrees with the step down on Friday 20 December 2024 (another disagreement is
// raised on Monday 23 December); the case closes to CSC on Sunday 10 March 2024, the CAF starting
// then; the initial family plan meeting is held on Thursday 4 April 2024.
const raisedFriday = '2024-12-20T15:30:00Z';
const raisedMonday = '2024-12-23T09:15:00Z';
const closedToCsc = '2024-03-10T11:00:00Z';
const initialMeetingHeld = '2024-04-04T10:00:00+01:00';

const deadlines: Deadline[] = [
  {
    what: 'Resolve the disagreement: within 5 working days',
    from: raisedFriday,
    due: endOfDay(addWorkingDays(raisedFriday, 5)),
    note: 'Christmas Day and Boxing Day are not working days',
    citation: disagreement,
  },
  {
    what: 'Resolve the disagreement: within 5 working days',
    from: raisedMonday,
    due: endOfDay(addWorkingDays(raisedMonday, 5)),
    note: `New Year's Day skipped too; in Scotland ${addWorkingDays(raisedMonday, 5, { division: 'scotland' })} (2nd January)`,
    citation: disagreement,
  },
  {
    what: 'Initial family plan meeting: within 4 weeks of closing to CSC',
    from: closedToCsc,
    due: endOfDay(addDays(closedToCsc, 28)),
    note: 'the clocks went forward on 31 March, so the day ends at 23:59:59.999 BST',
    citation: `${initialMeeting}; ${leadProfessional(2)}`,
  },
  {
    what: 'Next family plan review: every 6–8 weeks',
    from: initialMeetingHeld,
    due: endOfDay(addDays(initialMeetingHeld, 56)),
    note: `window opens on day 42, ${addDays(initialMeetingHeld, 42)}, and closes at the end of day 56`,
    citation: leadProfessional(2),
  },
  {
    what: 'Family plan met, or a reassessment: within 12 months of the CAF starting',
    from: closedToCsc,
    due: endOfDay(addMonths(closedToCsc, 12)),
    note: 'back on GMT, so the offset is +00:00',
    citation: leadProfessional(4),
  },
];

console.log('Step-down deadlines for an example case (England and Wales bank holidays, Europe/London time)\n');
for (const deadline of deadlines) {
  console.log(deadline.what);
  console.log(`  from  ${deadline.from} (London date ${toLondonDate(deadline.from)})`);
  console.log(`  due   ${deadline.due}`);
  if (deadline.note) console.log(`  note  ${deadline.note}`);
  console.log(`  rule  ${deadline.citation}\n`);
}
