import { DateTime } from 'luxon';
import type { Relationship } from '../events/people.js';
import { citationText } from '../labels/citations.js';
import { eventLabel } from '../labels/events.js';
import { breachLabel, ruleLabel } from '../labels/rules.js';
import { refusalLabel } from '../labels/refusals.js';
import { deadlineLabel, outcomeLabels, roleLabels, routeLabels, stageLabels } from '../labels/vocabulary.js';
import type { Timescales } from '../policy/define-policy.js';
import { rules, type RuleId } from '../policy/rules.js';
import { reviewWindowAdjective } from '../labels/timescale-words.js';
import type { SimulationResult, TimelineBreach, TimelineDeadline, TimelineEntry } from './simulate.js';
import { wrapText } from './wrap-text.js';

const columns = { step: 3, date: 11, who: 30, what: 46 } as const;
const citationsOf = new Map<string, readonly string[]>(rules.map((r) => [r.id, r.citations.map(citationText)]));

/** `2024-12-27` as `27 Dec 2024`; anything else as it is. */
function day(date: string | null): string {
  if (date === null) return '—';
  const parsed = DateTime.fromISO(date);
  return parsed.isValid ? parsed.toFormat('d MMM yyyy') : date;
}

function lookup(table: Readonly<Record<string, string>>, key: string): string {
  return table[key] ?? key;
}

function stageText(entry: Pick<TimelineEntry, 'stage' | 'outcome'>): string {
  const stage = lookup(stageLabels, entry.stage);
  return entry.outcome ? `${stage} (${lookup(outcomeLabels, entry.outcome)})` : stage;
}

function deadlineText(d: TimelineDeadline, t: Timescales | undefined): string {
  return `${deadlineLabel(d.id, t)}, due ${day(d.dueDate)}`;
}

function breachName(rule: string, t: Timescales | undefined): string {
  return breachLabel(rule as RuleId, t);
}

const withdrawnText: Readonly<Record<TimelineEntry['breachesWithdrawn'][number]['reason'], string>> = {
  'met-on-time': 'the step was dated on time after all',
  'no-longer-needed': 'no longer needed by then',
  voided: 'the record it rested on was voided',
  'calendar-changed': 'a new bank-holiday calendar moved its deadline',
};

/** `t`: the timescales of the version governing the entry's case, so a label says the one it was judged by. */
function entryLines(entry: TimelineEntry, people: Readonly<Record<string, Relationship>>, t: Timescales | undefined): string[] {
  const about = entry.about.length > 0 ? ` (${entry.about.join(', ')})` : '';
  const whose = entry.about[0] === undefined ? undefined : people[entry.about[0]];
  const what = `${entry.case !== null ? `${entry.case}: ` : ''}${eventLabel(entry.what, whose)}${about}`;
  const after = entry.refusal ? 'unchanged' : entry.resent ? 'unchanged (sent again)' : stageText(entry);
  const head = `${String(entry.step).padStart(columns.step)}  ${day(entry.date).padEnd(columns.date)}  ${lookup(roleLabels, entry.who).padEnd(columns.who)}  ${what.padEnd(columns.what)}  ${after}`;
  const indent = ' '.repeat(columns.step + 2 + columns.date + 2 + columns.who + 2);
  const out = [head.trimEnd()];
  const line = (text: string) => out.push(`${indent}${text}`);
  if (entry.recordedOn !== entry.date) line(`Recorded on ${day(entry.recordedOn)}, though it happened on ${day(entry.date)}`);
  for (const v of entry.voided) line(`Voided as recorded in error: ${eventLabel(v.type)} (${v.eventId})`);
  for (const d of entry.deadlines.met) line(`${d.status === 'met-late' ? 'Deadline met late' : 'Deadline met'}: ${deadlineText(d, t)}`);
  for (const d of entry.deadlines.missed) line(`Deadline missed: ${deadlineText(d, t)}`);
  for (const d of entry.deadlines.cancelled) line(`Deadline no longer applies: ${deadlineText(d, t)}`);
  for (const d of entry.deadlines.reopened) line(`Deadline open again: ${deadlineText(d, t)}${windowText(d, t)}`);
  for (const d of entry.deadlines.opened) line(`Deadline set: ${deadlineText(d, t)}${windowText(d, t)}`);
  for (const b of entry.breaches) {
    line(`BREACH: ${breachText(b, t)}`);
    for (const c of citationsOf.get(b.rule) ?? [b.citation]) line(`  ${c}`);
  }
  for (const b of entry.breachesWithdrawn) line(`Breach withdrawn: ${breachName(b.rule, t)} (${withdrawnText[b.reason]})`);
  if (entry.refusal) {
    const reasons = entry.refusal.rules.map((r) => ruleLabel(r.rule as RuleId, t)).join('; ');
    const head = entry.refusal.expected ? 'Refused, as the scenario expects' : 'REFUSED';
    // The code stays as a reference after the words, as rule ids do beside their labels.
    const why = refusalLabel(entry.refusal.code).replace(/^Refused:?\s*/, '');
    line(`${head}${why ? `, ${why}` : ''} (${entry.refusal.code})${reasons ? `: ${reasons}` : ''}`);
    if (entry.refusal.eventIds?.length) line(`  Void these first: ${entry.refusal.eventIds.join(', ')}`);
    if (entry.refusal.cases?.length) {
      line(`  Refused by case ${entry.refusal.cases.map((c) => `${c.case ?? c.caseId} (${c.code})`).join(', ')}, so taken by none of the family`);
    }
  }
  for (const failure of entry.failures) line(`NOT AS EXPECTED: ${failure}`);
  return out;
}

function windowText(d: TimelineDeadline, t: Timescales | undefined): string {
  return d.windowOpens ? ` (the ${t ? reviewWindowAdjective(t) : '6 to 8 week'} window opens ${day(d.windowOpens)})` : '';
}

function breachText(b: TimelineBreach, t: Timescales | undefined): string {
  return `${breachName(b.rule, t)}${b.dueDate ? `, due ${day(b.dueDate)}` : ''}, found ${day(b.detectedOn)}`;
}

function summaryLines(result: SimulationResult): string[] {
  const out: string[] = [];
  const family = result.scenario.familyId !== null;
  for (const { key, caseId, final } of result.cases) {
    const t = timescalesOf(result, final.policyVersion);
    const indent = family ? '  ' : '';
    if (family) out.push(`Case ${key} (${caseId}):`);
    out.push(`${indent}Outcome: ${final.outcome ? lookup(outcomeLabels, final.outcome) : 'none yet (the case is open)'} · stage ${lookup(stageLabels, final.stage)}`);
    out.push(
      indent + (final.breaches.length === 0 ? 'Breaches: none' : `Breaches: ${final.breaches.length} — ${final.breaches.map((b) => breachText(b, t)).join('; ')}`),
    );
    const open = final.deadlines.filter((d) => d.status === 'open');
    if (open.length > 0) out.push(`${indent}Open deadlines: ${open.map((d) => deadlineText(d, t)).join('; ')}`);
    if (final.voided.length > 0) out.push(`${indent}Voided: ${final.voided.map((v) => `${eventLabel(v.type)} (${v.eventId}, by ${v.voidedBy})`).join('; ')}`);
  }
  if (!result.completed) out.push('Stopped: a step was refused that the scenario did not expect to be.');
  if (result.passed) out.push('Result: as the scenario expects.');
  else {
    out.push(`Result: NOT as the scenario expects (${result.failures.length} problem${result.failures.length === 1 ? '' : 's'}):`);
    for (const failure of result.failures) out.push(`  - ${failure.message}`);
  }
  return out;
}

/** The timescales of a version of the run; none (the guidance's words) for a result read back from before versions. */
function timescalesOf(result: SimulationResult, version: string | null | undefined): Timescales | undefined {
  return version == null ? undefined : result.scenario.timescales?.[version];
}

/** The plain-English timeline of {@link formatTimeline}: roles, labels, dates in words, citations in full. */
export function formatPlainTimeline(result: SimulationResult, people: Readonly<Record<string, Relationship>>): string {
  const { scenario } = result;
  const route = lookup(routeLabels, scenario.route);
  const lines = [
    ...wrapText(`Scenario ${scenario.name}: ${scenario.description}`, 100),
    scenario.familyId === null
      ? `Case ${scenario.caseId} · started from a ${route} · bank holidays of ${scenario.division}`
      : `Family ${scenario.familyId}: ${scenario.cases.map((c) => `${c.key} (case ${c.caseId})`).join(', ')} · started from a ${route} · bank holidays of ${scenario.division}`,
    '',
    `${'#'.padStart(columns.step)}  ${'date'.padEnd(columns.date)}  ${'who'.padEnd(columns.who)}  ${'what happened'.padEnd(columns.what)}  stage after`,
  ];
  for (const entry of result.timeline) lines.push(...entryLines(entry, people, timescalesOf(result, entry.policyVersion)));
  lines.push('', ...summaryLines(result));
  return `${lines.join('\n')}\n`;
}
