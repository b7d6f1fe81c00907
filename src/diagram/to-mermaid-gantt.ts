import { addDays } from '../calendar/add-days.js';
import { toLondonDate } from '../calendar/to-london-date.js';
import type { CaseDescription, DeadlineView } from '../machine/describe.js';
import type { Stage } from '../machine/notifications.js';

/** A stage the case went through, from the event that moved it there to the one that moved it on. */
export interface GanttStage {
  readonly stage: Stage;
  /** When the case entered the stage (ISO date-time with offset). */
  readonly from: string;
  /** When it left, or null while it is still there (and for `closed`). */
  readonly to: string | null;
}

/**
 * What {@link toMermaidGantt} reads of a case: {@link describeCase}'s view, or the engine's `get`;
 * with `stages` (a compliance report's, for one) the chart opens with the stages on the same axis.
 */
export type GanttCase = Pick<CaseDescription, 'caseId' | 'stage' | 'outcome' | 'deadlines' | 'breaches'> & {
  readonly stages?: readonly GanttStage[];
};

const statusWords: Readonly<Record<DeadlineView['status'], string>> = {
  open: 'open',
  met: 'met',
  'met-late': 'met late',
  missed: 'missed',
  cancelled: 'cancelled',
};

/**
 * One case's deadlines as a Mermaid Gantt chart: a bar per deadline from the day it opened to the
 * day it fell due, grouped by rule, in London dates (the policy's calendar, so a deadline due at
 * 23:59 BST is drawn on that day, not the next UTC one).
 *
 * - A breached deadline (missed, met late, or with a breach recorded against it) is `crit`, so it
 *   stands out red, met late or not; an open one is `active`; a met or cancelled one is `done`
 *   (greyed: it no longer runs), its label saying which.
 * - A breach of a record rule, which has no deadline, is a `crit` milestone on the day it was found.
 * - The chart has no "today" line: it shows the case as recorded, the same whenever it is drawn.
 *
 * @example
 * ```ts
 * import { toMermaidGantt } from 'caf-step-down';
 *
 * const chart = toMermaidGantt(await engine.get('C-1'));
 * // gantt
 * //   title Case C-1 deadlines (stage closed, outcome caf-closed)
 * //   …
 * //   section first-family-plan-meeting
 * //   first-family-plan-meeting (met late, breach) :crit, 2024-03-21, 2024-04-19
 * ```
 */
export function toMermaidGantt(view: GanttCase): string {
  const outcome = view.outcome ? `, outcome ${view.outcome}` : '';
  const lines = [
    'gantt',
    `  title Case ${text(view.caseId)} deadlines (stage ${view.stage}${outcome})`,
    '  dateFormat YYYY-MM-DD',
    '  axisFormat %d %b %Y',
    '  todayMarker off',
  ];
  if (view.stages && view.stages.length > 0) {
    lines.push('  section stages');
    for (const span of view.stages) lines.push(`  ${stageTask(span)}`);
  }
  const byRule = new Map<string, DeadlineView[]>();
  for (const deadline of view.deadlines) {
    byRule.set(deadline.rule, [...(byRule.get(deadline.rule) ?? []), deadline]);
  }
  for (const [rule, deadlines] of byRule) {
    lines.push(`  section ${text(rule)}`);
    for (const deadline of deadlines) lines.push(`  ${task(deadline, view)}`);
  }
  const recordBreaches = view.breaches.filter((b) => b.deadlineId === null);
  if (recordBreaches.length > 0) {
    lines.push('  section breaches of record rules');
    for (const breach of recordBreaches) {
      lines.push(`  ${text(breach.rule)} (breach) :crit, milestone, ${toLondonDate(breach.detectedAt)}, 0d`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A stage's bar, from the London day it was entered to the day it was left (a milestone for `closed`). */
function stageTask(span: GanttStage): string {
  const from = toLondonDate(span.from);
  if (span.stage === 'closed') return `closed :milestone, ${from}, 0d`;
  if (span.to === null) return `${span.stage} (current) :active, ${from}, 1d`;
  const to = toLondonDate(span.to);
  // Mermaid's end is exclusive: a stage left on a day is drawn through that day.
  return `${span.stage} :done, ${from}, ${addDays(to < from ? from : to, 1)}`;
}

function task(deadline: DeadlineView, view: GanttCase): string {
  const breached =
    deadline.status === 'missed' ||
    deadline.status === 'met-late' ||
    view.breaches.some((b) => b.deadlineId === deadline.id);
  // A breach is drawn red (`crit`) even once met late: Mermaid greys a `crit, done` bar, and the
  // breach is what a manager reading the chart has to see.
  // A cancelled deadline no longer runs: greyed like a met one, its label saying which it is.
  const tags = breached ? ['crit'] : deadline.status === 'open' ? ['active'] : ['done'];
  const start = toLondonDate(deadline.opensAt);
  const due = toLondonDate(deadline.due);
  // Mermaid's end date is exclusive; the deadline runs to the end of its due day, so the bar ends
  // the day after. A deadline judged against a date before it opened is drawn as its opening day.
  const end = addDays(due < start ? start : due, 1);
  const name = `${text(deadline.id)} (${statusWords[deadline.status]}${breached ? ', breach' : ''})`;
  return `${name} :${[...tags, start, end].join(', ')}`;
}

/**
 * Text safe in a Gantt line: Mermaid reads `:` as the start of a task's data, `#` as a comment and
 * `;` as a line end, so each becomes a space (a deadline id such as family-plan-review:2 reads
 * family-plan-review 2).
 */
function text(value: string): string {
  return value.replace(/[:#;]/g, ' ').replace(/\s+/g, ' ').trim();
}
