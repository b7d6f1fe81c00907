import type { Relationship } from '../events/people.js';
import type { SimulationResult, TimelineBreach, TimelineDeadline, TimelineEntry } from './simulate.js';
import { formatPlainTimeline } from './plain-timeline.js';
import { wrapText } from './wrap-text.js';

const columns = { step: 3, date: 10, who: 18, what: 34 } as const;

/** How {@link formatTimeline} writes the timeline. */
export interface TimelineFormat {
  /** The developer's view: event types, rule ids and deadline ids, as the engine names them. */
  readonly ids?: boolean;
  /**
   * The relationship of each person id (child, parent/carer, …), so the plain timeline can say whose
   * view was recorded ("Parent/carer's view recorded"); {@link scenarioPeople} gives a scenario's.
   */
  readonly people?: Readonly<Record<string, Relationship>>;
}

/**
 * The timeline as a person reads it. By default in plain English for practitioners and managers:
 * one line per step (number, date, who by role, what happened and about whom by id, the stage
 * after), lines under it for when it was recorded if later, the entries it voided, the deadlines it
 * set, met, missed or cancelled, the breaches it found (with the policy's citations written out) or
 * withdrew and any refusal, then the outcome and whether the run went as the scenario expected.
 * With `ids`, the developer's view: the same in event types, rule ids and deadline ids. Plain text
 * without colour, so it reads the same in a terminal, a log and a CI report.
 *
 * @example
 * ```ts
 * console.log(formatTimeline(await simulate(scenario)));
 * //   #  date         who                  what happened                              stage after
 * //   0  1 Jul 2024   Team Manager         Step down case opened                      Decision
 * // …
 * console.log(formatTimeline(await simulate(scenario), { ids: true }));
 * //   #  date        who                 what                                stage
 * //   0  2024-07-01  team-manager        case.opened                         decision
 * ```
 */
export function formatTimeline(result: SimulationResult, format: TimelineFormat = {}): string {
  if (!format.ids) return formatPlainTimeline(result, format.people ?? {});
  const { scenario } = result;
  const lines = [
    ...wrapText(`Scenario ${scenario.name}: ${scenario.description}`, 100),
    scenario.familyId === null
      ? `Case ${scenario.caseId} · route ${scenario.route} · bank holidays of ${scenario.division}`
      : `Family ${scenario.familyId}: ${scenario.cases.map((c) => `${c.key} (case ${c.caseId})`).join(', ')} · route ${scenario.route} · bank holidays of ${scenario.division}`,
    '',
    `${'#'.padStart(columns.step)}  ${'date'.padEnd(columns.date)}  ${'who'.padEnd(columns.who)}  ${'what'.padEnd(columns.what)}  stage`,
  ];
  for (const entry of result.timeline) lines.push(...formatEntry(entry));
  lines.push('', ...formatSummary(result));
  return `${lines.join('\n')}\n`;
}

function formatEntry(entry: TimelineEntry): string[] {
  const stage = entry.outcome ? `${entry.stage} (${entry.outcome})` : entry.stage;
  // The ids the event names (a person, a disagreement, a voided event): never a name. In a family
  // scenario, the case's key first: a shared step has a line for each child's case.
  const what = [...(entry.case !== null ? [`${entry.case}:`] : []), entry.what, ...entry.about].join(' ');
  const after = entry.refusal ? 'unchanged' : entry.resent ? 'unchanged (a resend)' : stage;
  const head = `${String(entry.step).padStart(columns.step)}  ${entry.date.padEnd(columns.date)}  ${entry.who.padEnd(columns.who)}  ${what.padEnd(columns.what)}  ${after}`;
  const indent = ' '.repeat(columns.step + 2 + columns.date + 2);
  const detail = (label: string, text: string) => `${indent}${label.padEnd(columns.who)}  ${text}`;
  const out = [head];
  if (entry.recordedOn !== entry.date) out.push(detail('recorded', `${entry.recordedOn} (dated ${entry.date})`));
  for (const v of entry.voided) out.push(detail('voided', `${v.eventId} (${v.type})`));
  // What the step closed comes before what it opened: a meeting meets one review, then opens the next.
  for (const d of entry.deadlines.met) out.push(detail(d.status === 'met-late' ? 'met late' : 'met', `${d.id} due ${d.dueDate}`));
  for (const d of entry.deadlines.missed) out.push(detail('missed', `${d.id} due ${d.dueDate}`));
  for (const d of entry.deadlines.cancelled) out.push(detail('cancelled', `${d.id} due ${d.dueDate} (no longer applies)`));
  for (const d of entry.deadlines.reopened) out.push(detail('open again', `${d.id} due ${d.dueDate}${windowText(d)}`));
  for (const d of entry.deadlines.opened) out.push(detail('opened', `${d.id} due ${d.dueDate}${windowText(d)}`));
  for (const b of entry.breaches) out.push(detail('BREACH', breachText(b)));
  for (const b of entry.breachesWithdrawn) out.push(detail('breach withdrawn', `${b.rule} (${withdrawnText[b.reason]})`));
  if (entry.refusal) {
    // Rule ids only: a refusal's citations can run to every step of the flowchart; --json has them.
    const rules = entry.refusal.rules.map((r) => r.rule).join(', ');
    const events = entry.refusal.eventIds?.length ? `; void first: ${entry.refusal.eventIds.join(', ')}` : '';
    // A shared step refused by one child's case is taken by none of them: say which refused.
    const refusedBy = entry.refusal.cases?.length
      ? `; refused by case ${entry.refusal.cases.map((c) => `${c.case ?? c.caseId} (${c.code})`).join(', ')}, so taken by none of the family`
      : '';
    out.push(detail(entry.refusal.expected ? 'refused, expected' : 'REFUSED', `${entry.refusal.code}${rules ? `: ${rules}` : ''}${events}${refusedBy}`));
  }
  for (const failure of entry.failures) out.push(detail('NOT AS EXPECTED', failure));
  return out;
}

const withdrawnText: Readonly<Record<TimelineEntry['breachesWithdrawn'][number]['reason'], string>> = {
  'met-on-time': 'the step was dated on time',
  'no-longer-needed': 'no longer needed by then',
  voided: 'the record it rested on was voided',
  'calendar-changed': 'a new bank-holiday calendar moved its deadline',
};

function windowText(d: TimelineDeadline): string {
  return d.windowOpens ? ` (window opens ${d.windowOpens})` : '';
}

function breachText(b: TimelineBreach): string {
  const due = b.dueDate ? `due ${b.dueDate}, ` : '';
  return `${b.rule}: ${due}found ${b.detectedOn} — ${b.citation}`;
}

function formatSummary(result: SimulationResult): string[] {
  const out: string[] = [];
  const family = result.scenario.familyId !== null;
  for (const { key, caseId, final } of result.cases) {
    // A family's summary has a block per child's case, each with its own deadlines and breaches.
    const indent = family ? '  ' : '';
    if (family) out.push(`Case ${key} (${caseId}):`);
    out.push(`${indent}Outcome: ${final.outcome ?? 'none yet (the case is open)'} · stage ${final.stage}`);
    out.push(
      indent +
        (final.breaches.length === 0
          ? 'Breaches: none'
          : `Breaches: ${final.breaches.length} — ${final.breaches.map((b) => `${b.rule}${b.dueDate ? ` (due ${b.dueDate}, found ${b.detectedOn})` : ` (found ${b.detectedOn})`}`).join('; ')}`),
    );
    const open = final.deadlines.filter((d) => d.status === 'open');
    if (open.length > 0) out.push(`${indent}Open deadlines: ${open.map((d) => `${d.id} due ${d.dueDate}`).join('; ')}`);
    if (final.voided.length > 0) out.push(`${indent}Voided: ${final.voided.map((v) => `${v.eventId} (${v.type}, by ${v.voidedBy})`).join('; ')}`);
  }
  if (!result.completed) out.push('Stopped: a step was refused that the scenario did not expect to be.');
  if (result.passed) {
    out.push('Result: as the scenario expects.');
  } else {
    out.push(`Result: NOT as the scenario expects (${result.failures.length} problem${result.failures.length === 1 ? '' : 's'}):`);
    for (const failure of result.failures) out.push(`  - ${failure.message}`);
  }
  return out;
}

export { wrapText } from './wrap-text.js';
