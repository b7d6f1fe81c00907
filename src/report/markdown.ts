import { eventLabel } from '../labels/events.js';
import { citationText } from '../labels/citations.js';
import { breachLabel, ruleLabel } from '../labels/rules.js';
import { pendingStepLabel, pendingStepReference } from '../labels/steps.js';
import { refusalLabel } from '../labels/refusals.js';
import { deadlineLabel, outcomeLabels, routeLabels, stageLabels } from '../labels/vocabulary.js';
import type { Timescales } from '../policy/define-policy.js';
import { rules as catalogue, type RuleId } from '../policy/rules.js';
import { policySentence } from './policy-version.js';
import { escapeMarkdown as md } from './escape.js';
import {
  correctionOutcome,
  correctionReason,
  correctionTarget,
  deadlineStatusText,
  evidenceLine,
  londonDay,
  plainBasis,
  roleName,
  ruleStageOrder,
  statusLabels,
  withdrawnBecauseLabels,
} from './format.js';
import { ruleStatuses, type ComplianceReport, type ReportEntry, type RuleReport } from './types.js';

const citationsById = new Map<string, readonly string[]>(catalogue.map((r) => [r.id, r.citations.map(citationText)]));

/** A table row: each cell escaped, so no value can add a column or a block. */
function row(cells: readonly string[]): string {
  return `| ${cells.map(md).join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(head), `| ${head.map(() => '---').join(' | ')} |`, ...rows.map(row)];
}

function lookup(table: Readonly<Record<string, string>>, key: string): string {
  return table[key] ?? key;
}

/** A rule's name in words, with the governing version's timescales `t`; a rule this version does not know keeps its id. */
function ruleName(rule: string, t: Timescales | undefined): string {
  return ruleLabel(rule as RuleId, t);
}

/** A rule's citations written out in full; the house form as it came when the catalogue lacks the rule. */
function policy(rule: string, fallback: string): string {
  return (citationsById.get(rule) ?? [fallback]).join('; ');
}

/** A deadline by its id in words, the id itself when it is of no known kind. */
function deadlineName(id: string | null, t: Timescales | undefined): string {
  return id === null ? 'None' : deadlineLabel(id, t);
}

/**
 * The report as Markdown, in the same plain English as the HTML page: the case at a glance, the
 * counts by status, the breaches standing and withdrawn, what the case waits for, the corrections
 * (voided entries with the void of each), the stages, deadlines (a step recorded late says so) and
 * every entry of the trail (voided and refused ones marked), then every rule grouped by stage with
 * its status, why, and its citations written out in full, and each rule's evidence. Rule ids,
 * event types and deadline ids stay in a last column or in brackets, as references for developers.
 * Every value is escaped (Markdown metacharacters become literal), so the page renders as written whatever the ids hold.
 *
 * @example
 * ```ts
 * await writeFile('C-1.md', reportToMarkdown(await complianceReport(engine, 'C-1')));
 * ```
 */
export function reportToMarkdown(report: ComplianceReport): string {
  const lines: string[] = [];
  const t = report.policy.timescales;
  const outcome = report.outcome === null ? 'Open' : lookup(outcomeLabels, report.outcome);
  lines.push(`# Compliance report: case ${md(report.caseId)}`, '', 'Step down to CAF. Dates are London dates.', '');
  lines.push(
    ...table(
      ['Case', report.caseId],
      [
        ['Started from', lookup(routeLabels, report.route)],
        ['Stage now', lookup(stageLabels, report.stage)],
        ['Outcome', outcome],
        ['Opened', londonDay(report.openedAt)],
        ['Latest date on the case', londonDay(report.asOf)],
      ],
    ),
    '',
  );

  lines.push(md(policySentence(report.policy, (iso) => londonDay(iso))), '');
  lines.push('## Summary', '');
  for (const status of ruleStatuses) lines.push(`- ${md(statusLabels[status])}: ${report.totals[status]}`);
  const voided = report.entries.filter((e) => e.voidedBy !== null).length;
  const voids = report.corrections.length;
  lines.push(
    `- Breaches withdrawn: ${report.withdrawnBreaches.length}`,
    `- Corrections: ${voids} ${voids === 1 ? 'void' : 'voids'}, ${voided} ${voided === 1 ? 'entry' : 'entries'} voided`,
    `- Audit trail: ${report.auditTrail.entries} entries read, ${
      report.auditTrail.verified ? 'checked: nothing was changed after it was written' : md(`NOT verified: ${report.auditTrail.problem ?? 'unknown problem'}`)
    }`,
    '',
  );

  lines.push('## Breaches', '');
  if (report.breaches.length === 0) lines.push('None.', '');
  else {
    lines.push(
      ...table(
        ['What went wrong', 'Deadline', 'Due', 'Found', 'Policy', 'Rule id'],
        report.breaches.map((b) => [breachLabel(b.rule, t), deadlineName(b.deadlineId, t), londonDay(b.due, true), londonDay(b.detectedAt, true), policy(b.rule, b.citation), b.rule]),
      ),
      '',
    );
  }

  lines.push('## Breaches withdrawn', '');
  if (report.withdrawnBreaches.length === 0) lines.push('None.', '');
  else {
    lines.push(
      'Breaches found by a deadline check and taken back by a later record. They do not count against the rule.',
      '',
      ...table(
        ['Breach', 'Deadline', 'Due', 'Found', 'Withdrawn', 'Why', 'Policy', 'Rule id'],
        report.withdrawnBreaches.map((b) => [
          breachLabel(b.rule, t), deadlineName(b.deadlineId, t), londonDay(b.due, true), londonDay(b.detectedAt, true), londonDay(b.withdrawnAt, true),
          withdrawnBecauseLabels[b.withdrawnBecause], policy(b.rule, b.citation), b.rule,
        ]),
      ),
      '',
    );
  }

  lines.push('## Waiting for', '');
  if (report.pending.length === 0) lines.push(report.outcome === null ? 'Nothing.' : `Nothing: the case has ended (${md(outcome)}).`, '');
  else {
    lines.push(
      ...table(
        ['Next step', 'About', 'Who', 'Due', 'Rule', 'Rule id'],
        report.pending.map((p) => {
          const reference = pendingStepReference(p.step, p.detail);
          return [pendingStepLabel(p.step, p.detail), reference ? `${reference.noun} ${reference.id}` : '—', roleName(p.role), londonDay(p.due ?? null), ruleName(p.rule, t), p.rule];
        }),
      ),
      '',
    );
  }

  lines.push('## Corrections', '');
  if (report.corrections.length === 0) lines.push('None: no entry was voided.', '');
  else {
    lines.push(
      'Entries voided as recorded in error. The case was worked out again without them, so they are evidence for no rule; the audit trail keeps them. ' +
        'A reason is free text: it is kept in the audit entry named, not copied here.',
      '',
      ...table(
        ['Void', 'Date', 'By', 'Outcome', 'Entry voided', 'Reason'],
        report.corrections.map((c) => [`Entry ${c.seq}`, londonDay(c.at, true), roleName(c.role), correctionOutcome(c), correctionTarget(c), correctionReason(c)]),
      ),
      '',
    );
  }

  lines.push('## History', '', '### Stages', '');
  lines.push(
    ...table(
      ['Stage', 'From', 'To', 'Audit entry'],
      report.stages.map((s) => [lookup(stageLabels, s.stage), londonDay(s.from, true), s.to === null ? (s.stage === 'closed' ? '—' : 'Now') : londonDay(s.to, true), `Entry ${s.seq}`]),
    ),
    '',
  );
  lines.push('### Deadlines', '');
  if (report.deadlines.length === 0) lines.push('None opened.', '');
  else {
    lines.push(
      ...table(
        ['Deadline', 'Opened', 'Due', 'Status', 'Closed', 'Deadline id'],
        report.deadlines.map((d) => [deadlineName(d.id, t), londonDay(d.opensAt), londonDay(d.due, true), deadlineStatusText(d), londonDay(d.closedAt), d.id]),
      ),
      '',
    );
  }
  lines.push('### What happened', '', 'Every entry of the audit trail, oldest first.', '');
  lines.push(...table(['Entry', 'Date', 'What happened', 'By', 'Notes', 'Entry type'], report.entries.map(entryRow)), '');

  lines.push('## Rules by stage', '');
  for (const { stage, label } of ruleStageOrder) {
    const group = report.rules.filter((r) => r.stage === stage);
    if (group.length === 0) continue;
    lines.push(`### ${md(label)}`, '');
    lines.push(
      ...table(
        ['Rule', 'Status', 'Why', 'Policy', 'Rule id'],
        group.map((r) => [ruleName(r.rule, t), statusLabels[r.status], plainBasis(r.basis, t), policy(r.rule, r.citation), `${r.rule} (${r.kind})`]),
      ),
      '',
    );
  }

  lines.push(
    '## Evidence',
    '',
    'The audit entries bearing on each rule: what happened, when, by whom, and whether it was accepted. Voided entries are left out.',
    '',
  );
  for (const r of report.rules) lines.push(...evidenceBlock(r, t));
  lines.push('', '_Case references, person ids, dates, roles and the policy\'s words only: no personal data._', '');
  return lines.join('\n');
}

function entryRow(e: ReportEntry): string[] {
  const notes = [
    ...(e.accepted ? [] : [`${refusalLabel(e.code)}${e.code ? ` (${e.code})` : ''}`]),
    ...(e.voidedBy === null ? [] : [`Voided by entry ${e.voidedBy}: recorded in error, the case was worked out again without it`]),
  ];
  return [String(e.seq), londonDay(e.at, true), eventLabel(e.type, e.whose), roleName(e.role), notes.join('. ') || '—', e.type];
}

function evidenceBlock(r: RuleReport, t: Timescales | undefined): string[] {
  const head = `- **${md(ruleName(r.rule, t))}** (${md(statusLabels[r.status])}; rule id ${md(r.rule)})`;
  if (r.evidence.length === 0) return [`${head}: none`];
  return [`${head}:`, ...r.evidence.map((e) => `  - ${md(evidenceLine(e))}`)];
}
