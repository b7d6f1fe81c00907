import { policySentence } from './policy-version.js';
import { stageLabels } from '../labels/vocabulary.js';
import { escapeMarkdown as md } from './escape.js';
import {
  correctionOutcome,
  correctionReason,
  correctionTarget,
  deadlineStatusText,
  evidenceLine,
  londonDate,
  londonDateTime,
  ruleStageOrder,
  statusLabels,
  withdrawnBecauseLabels,
} from './format.js';
import { ruleStatuses, type ComplianceReport, type RuleReport } from './types.js';

/** A table row: each cell escaped, so no value can add a column or a block. */
function row(cells: readonly string[]): string {
  return `| ${cells.map(md).join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(head), `| ${head.map(() => '---').join(' | ')} |`, ...rows.map(row)];
}

/**
 * The report as Markdown: summary, breaches (standing, then withdrawn), pending steps, corrections
 * (voided entries with the void of each), the stages and deadlines of the case, then every rule
 * grouped by stage with its status, basis and citation, and each rule's evidence.
 * Every value is escaped ({@link escapeMarkdown}), so the page renders as written whatever the ids hold.
 *
 * @example
 * ```ts
 * await writeFile('C-1.md', reportToMarkdown(await complianceReport(engine, 'C-1')));
 * ```
 */
export function reportToMarkdown(report: ComplianceReport): string {
  const lines: string[] = [];
  lines.push(`# Compliance report: case ${md(report.caseId)}`, '');
  lines.push(
    ...table(
      ['Route', 'Stage', 'Outcome', 'Opened', 'As of', 'Version'],
      [[report.route, stageLabels[report.stage], report.outcome ?? 'open', londonDate(report.openedAt), londonDate(report.asOf), String(report.version)]],
    ),
    '',
  );

  lines.push(md(policySentence(report.policy, londonDate)), '');
  lines.push('## Summary', '');
  for (const status of ruleStatuses) lines.push(`- ${md(statusLabels[status])}: ${report.totals[status]}`);
  const voided = report.entries.filter((e) => e.voidedBy !== null).length;
  lines.push(
    `- Breaches withdrawn: ${report.withdrawnBreaches.length}`,
    `- Corrections: ${report.corrections.length} void(s), ${voided} entr${voided === 1 ? 'y' : 'ies'} voided`,
    `- Audit trail: ${report.auditTrail.entries} entries, ${report.auditTrail.verified ? 'hash chain verified' : md(`NOT verified: ${report.auditTrail.problem ?? 'unknown problem'}`)}`,
    '',
  );

  lines.push('## Breaches', '');
  if (report.breaches.length === 0) lines.push('None.', '');
  else {
    lines.push(
      ...table(
        ['Rule', 'Deadline', 'Due', 'Found', 'Citation'],
        report.breaches.map((b) => [b.rule, b.deadlineId ?? '—', londonDateTime(b.due), londonDateTime(b.detectedAt), b.citation]),
      ),
      '',
    );
  }

  lines.push('## Breaches withdrawn', '');
  if (report.withdrawnBreaches.length === 0) lines.push('None.', '');
  else {
    lines.push(
      'Breaches a tick recorded and a later record took back. They do not count against the rule.',
      '',
      ...table(
        ['Rule', 'Deadline', 'Due', 'Found', 'Withdrawn', 'Why', 'Citation'],
        report.withdrawnBreaches.map((b) => [
          b.rule, b.deadlineId ?? '—', londonDateTime(b.due), londonDateTime(b.detectedAt), londonDateTime(b.withdrawnAt),
          withdrawnBecauseLabels[b.withdrawnBecause], b.citation,
        ]),
      ),
      '',
    );
  }

  lines.push('## Waiting for', '');
  if (report.pending.length === 0) lines.push(report.outcome === null ? 'Nothing.' : `Nothing: the case has ended (${md(report.outcome)}).`, '');
  else lines.push(...table(['Step', 'From', 'Rule', 'Detail'], report.pending.map((p) => [p.step, p.role, p.rule, p.detail ?? '—'])), '');

  lines.push('## Corrections', '');
  if (report.corrections.length === 0) lines.push('None: no entry was voided.', '');
  else {
    lines.push(
      'Entries voided as recorded in error. The case was recomputed without them, so they are evidence for no rule; the trail keeps them. ' +
        'A reason is free text: it is kept in the audit entry named, not copied here.',
      '',
      ...table(
        ['Void', 'Date', 'By', 'Outcome', 'Voided entry', 'Reason'],
        report.corrections.map((c) => [`#${c.seq}`, londonDateTime(c.at), c.role ?? 'unknown role', correctionOutcome(c), correctionTarget(c), correctionReason(c)]),
      ),
      '',
    );
  }

  lines.push('## Timeline', '', '### Stages', '');
  lines.push(
    ...table(
      ['Stage', 'From', 'To', 'Audit entry'],
      report.stages.map((s) => [stageLabels[s.stage], londonDateTime(s.from), s.to === null ? (s.stage === 'closed' ? '—' : 'now') : londonDateTime(s.to), `#${s.seq}`]),
    ),
    '',
  );
  lines.push('### Deadlines', '');
  if (report.deadlines.length === 0) lines.push('None opened.', '');
  else {
    lines.push(
      ...table(
        ['Deadline', 'Rule', 'Opened', 'Due', 'Status', 'Closed'],
        report.deadlines.map((d) => [d.id, d.rule, londonDate(d.opensAt), londonDateTime(d.due), deadlineStatusText(d), londonDate(d.closedAt)]),
      ),
      '',
    );
  }

  lines.push('## Rules', '');
  for (const { stage, label } of ruleStageOrder) {
    const group = report.rules.filter((r) => r.stage === stage);
    if (group.length === 0) continue;
    lines.push(`### ${md(label)}`, '');
    lines.push(
      ...table(
        ['Rule', 'Kind', 'Status', 'Basis', 'Citation'],
        group.map((r) => [r.rule, r.kind, statusLabels[r.status], r.basis, r.citation]),
      ),
      '',
    );
  }

  lines.push(
    '## Evidence',
    '',
    'Audit entries bearing on each rule (seq, event, London date, role, accepted or refused with code). Voided entries are left out.',
    '',
  );
  for (const r of report.rules) lines.push(...evidenceBlock(r));
  lines.push('', '_Ids, rule ids, event types, roles, dates, codes and citations only: no personal data._', '');
  return lines.join('\n');
}

function evidenceBlock(r: RuleReport): string[] {
  const head = `- **${md(r.rule)}** (${md(statusLabels[r.status])})`;
  if (r.evidence.length === 0) return [`${head}: none`];
  return [`${head}:`, ...r.evidence.map((e) => `  - ${md(evidenceLine(e))}`)];
}
