import { escapeHtml as esc } from './escape.js';
import {
  correctionOutcome,
  correctionReason,
  correctionTarget,
  deadlineStatusText,
  evidenceLine,
  londonDate,
  londonDateTime,
  ruleStageOrder,
  stageLabels,
  statusLabels,
  withdrawnBecauseLabels,
} from './format.js';
import { stageColours, timelineSvg } from './timeline-svg.js';
import { ruleStatuses, type ComplianceReport, type RuleReport, type RuleStatus } from './types.js';

/**
 * The page's stylesheet, inline: the page is one file a manager can open, mail or archive, with no
 * assets to fetch. Status is always written out as well as coloured, so it survives print and
 * colour blindness.
 */
const css = `
:root { color-scheme: light; --ink: #24292f; --muted: #57606a; --line: #d0d7de; --met: #1a7f37; --breached: #cf222e; --pending: #9a6700; --na: #6e7781; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fa; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 8px; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px 24px; margin: 0; }
dl.facts div { border-left: 3px solid var(--line); padding-left: 8px; }
dl.facts dt { font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
ul.totals { list-style: none; display: flex; flex-wrap: wrap; gap: 12px; padding: 0; margin: 0 0 16px; }
ul.totals li { border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; min-width: 140px; }
ul.totals .count { display: block; font-size: 1.6rem; font-weight: 700; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.status-met { color: var(--met); background: #dafbe1; }
.status-breached { color: #fff; background: var(--breached); border-color: var(--breached); }
.status-pending { color: var(--pending); background: #fff8c5; }
.status-not-applicable { color: var(--na); background: #f6f8fa; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: #f6f8fa; font-weight: 600; }
tr.row-breached td { background: #ffebe9; }
tr.row-pending td { background: #fffbdd; }
td.rule code { font-weight: 600; }
td.rule p { margin: 2px 0 0; color: var(--muted); }
td.citation { color: var(--muted); font-size: 0.85rem; }
table.rules { table-layout: fixed; }
table.rules col.rule { width: 23%; } table.rules col.kind { width: 7%; } table.rules col.status { width: 12%; }
table.rules col.why { width: 26%; } table.rules col.evidence { width: 14%; } table.rules col.citation { width: 18%; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; overflow-wrap: anywhere; }
details summary { cursor: pointer; color: var(--muted); }
details ol { margin: 4px 0 0; padding-left: 18px; }
details li.refused { color: var(--breached); }
details li.breach { color: var(--breached); font-weight: 600; }
.timeline-wrap { border: 1px solid var(--line); border-radius: 8px; padding: 8px; overflow-x: auto; }
svg.timeline { display: block; min-width: 760px; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 0; margin: 8px 0 0; font-size: 0.85rem; color: var(--muted); }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; border: 1px solid #57606a; }
.diamond { display: inline-block; width: 10px; height: 10px; background: var(--breached); transform: rotate(45deg); margin-right: 6px; }
.diamond.withdrawn { background: #fff; border: 2px solid var(--na); width: 9px; height: 9px; }
tr.row-voided td { color: var(--muted); }
tr.row-voided td.voided-entry { text-decoration: line-through; }
p.note { color: var(--muted); font-size: 0.9rem; margin: 0 0 8px; }
.none { color: var(--muted); }
.nowrap { white-space: nowrap; }
footer { margin-top: 32px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }
.ok { color: var(--met); font-weight: 600; }
.bad { color: var(--breached); font-weight: 600; }
@media print { body { background: #fff; } main { padding: 0; } details { break-inside: avoid; } tr { break-inside: avoid; } }
`;

/** Escapes text and keeps each date on one line: a browser would otherwise break `2024-03-\n04` at a hyphen. */
function text(value: string): string {
  return esc(value).replace(/\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?/g, (date) => `<span class="nowrap">${date}</span>`);
}

function badge(status: RuleStatus): string {
  return `<span class="badge status-${status}">${esc(statusLabels[status])}</span>`;
}

function anchor(rule: string): string {
  return `rule-${rule.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function table(head: readonly string[], rows: readonly string[], className = '', cols: readonly string[] = []): string {
  const cls = className ? ` class="${esc(className)}"` : '';
  // Fixed column widths for the long rule tables, so the citations do not collapse into a sliver.
  const colgroup = cols.length > 0 ? `<colgroup>${cols.map((c) => `<col class="${esc(c)}">`).join('')}</colgroup>` : '';
  return `<table${cls}>${colgroup}<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function evidenceCell(r: RuleReport): string {
  if (r.evidence.length === 0) return '<span class="none">none</span>';
  const items = r.evidence
    .map((e) => {
      const cls = e.bears === 'breached' ? ' class="breach"' : e.accepted ? '' : ' class="refused"';
      return `<li${cls} title="${esc(e.at ?? '')}">${text(evidenceLine(e))}</li>`;
    })
    .join('');
  return `<details><summary>${r.evidence.length} audit ${r.evidence.length === 1 ? 'entry' : 'entries'}</summary><ol>${items}</ol></details>`;
}

function ruleRow(r: RuleReport): string {
  return (
    `<tr id="${esc(anchor(r.rule))}" class="row-${esc(r.status)}" data-rule="${esc(r.rule)}" data-status="${esc(r.status)}">` +
    `<td class="rule"><code>${esc(r.rule)}</code><p>${esc(r.summary)}</p></td>` +
    `<td>${esc(r.kind)}</td>` +
    `<td>${badge(r.status)}</td>` +
    `<td>${text(r.basis)}</td>` +
    `<td>${evidenceCell(r)}</td>` +
    `<td class="citation">${esc(r.citation)}</td>` +
    '</tr>'
  );
}

/**
 * The report as one self-contained HTML page for a team manager: the case at a glance, the counts
 * by status, breaches (standing and withdrawn) and what the case waits for, the corrections (each
 * voided entry with the void that voided it, and where its reason is kept), a timeline of stages,
 * events, deadlines and breaches on a date axis (inline SVG), a table of deadlines (a step recorded
 * late says so), and every rule grouped by stage with a status badge, the reason, the evidence
 * (folded) and the citation. Inline CSS only; no scripts, fonts or images to
 * fetch, and a Content-Security-Policy that forbids them. Every value is escaped.
 *
 * @example
 * ```ts
 * await writeFile('C-1.html', reportToHtml(await complianceReport(engine, 'C-1')));
 * ```
 */
export function reportToHtml(report: ComplianceReport): string {
  const facts: [string, string][] = [
    ['Case', report.caseId],
    ['Route', report.route],
    ['Stage', stageLabels[report.stage]],
    ['Outcome', report.outcome ?? 'open'],
    ['Opened', londonDate(report.openedAt)],
    ['As of', londonDate(report.asOf)],
    ['Version', String(report.version)],
  ];
  const factList = facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('');

  const totals = ruleStatuses
    .map((s) => `<li data-total="${esc(s)}"><span class="count">${report.totals[s]}</span>${badge(s)}</li>`)
    .join('');

  const breaches =
    report.breaches.length === 0
      ? '<p class="none">No breaches.</p>'
      : table(
          ['Rule', 'Deadline', 'Due', 'Found', 'Citation'],
          report.breaches.map(
            (b) =>
              `<tr><td><a href="#${esc(anchor(b.rule))}"><code>${esc(b.rule)}</code></a></td><td>${esc(b.deadlineId ?? '—')}</td>` +
              `<td>${text(londonDateTime(b.due))}</td><td>${text(londonDateTime(b.detectedAt))}</td><td class="citation">${esc(b.citation)}</td></tr>`,
          ),
          'breaches',
        );

  const withdrawn =
    report.withdrawnBreaches.length === 0
      ? '<p class="none">No breaches withdrawn.</p>'
      : '<p class="note">Breaches a tick recorded and a later record took back. They do not count against the rule.</p>' +
        table(
          ['Rule', 'Deadline', 'Due', 'Found', 'Withdrawn', 'Why', 'Citation'],
          report.withdrawnBreaches.map(
            (b) =>
              `<tr data-withdrawn-breach="${esc(b.deadlineId ?? b.rule)}" data-because="${esc(b.withdrawnBecause)}"><td><a href="#${esc(anchor(b.rule))}"><code>${esc(b.rule)}</code></a></td><td>${esc(b.deadlineId ?? '—')}</td>` +
              `<td>${text(londonDateTime(b.due))}</td><td>${text(londonDateTime(b.detectedAt))}</td><td>${text(londonDateTime(b.withdrawnAt))}</td>` +
              `<td>${esc(withdrawnBecauseLabels[b.withdrawnBecause])}</td><td class="citation">${esc(b.citation)}</td></tr>`,
          ),
          'withdrawn-breaches',
        );

  const corrections =
    report.corrections.length === 0
      ? '<p class="none">None: no entry was voided.</p>'
      : '<p class="note">Entries voided as recorded in error. The case was recomputed without them, so they are evidence for no rule; the trail keeps them. ' +
        'A reason is free text: it is kept in the audit entry named, not copied here.</p>' +
        table(
          ['Void', 'Date', 'By', 'Outcome', 'Voided entry', 'Reason'],
          report.corrections.map(
            (c) =>
              `<tr${c.accepted && c.voidedBy === null ? ' class="row-voided"' : ''} data-correction="${c.seq}" data-voids="${c.voids?.seq ?? ''}" data-accepted="${c.accepted}">` +
              `<td>#${c.seq}</td><td>${text(londonDateTime(c.at))}</td><td>${esc(c.role ?? 'unknown role')}</td><td>${esc(correctionOutcome(c))}</td>` +
              `<td class="voided-entry">${text(correctionTarget(c))}</td><td>${esc(correctionReason(c))}</td></tr>`,
          ),
          'corrections',
        );

  const deadlineTable =
    report.deadlines.length === 0
      ? '<p class="none">None opened.</p>'
      : table(
          ['Deadline', 'Rule', 'Opened', 'Due', 'Status', 'Closed'],
          report.deadlines.map(
            (d) =>
              `<tr data-deadline-row="${esc(d.id)}"${d.recordedLateDays === null ? '' : ` data-recorded-late="${d.recordedLateDays}"`}><td><code>${esc(d.id)}</code></td>` +
              `<td><a href="#${esc(anchor(d.rule))}"><code>${esc(d.rule)}</code></a></td><td>${text(londonDate(d.opensAt))}</td><td>${text(londonDateTime(d.due))}</td>` +
              `<td>${esc(deadlineStatusText(d))}</td><td>${text(londonDate(d.closedAt))}</td></tr>`,
          ),
          'deadlines',
        );

  const waiting =
    report.pending.length === 0
      ? `<p class="none">${esc(report.outcome === null ? 'Nothing.' : `Nothing: the case has ended (${report.outcome}).`)}</p>`
      : table(
          ['Step', 'From', 'Rule', 'Detail'],
          report.pending.map(
            (p) =>
              `<tr><td><code>${esc(p.step)}</code></td><td>${esc(p.role)}</td><td><a href="#${esc(anchor(p.rule))}"><code>${esc(p.rule)}</code></a></td><td>${esc(p.detail ?? '—')}</td></tr>`,
          ),
        );

  const legend = [
    ...report.stages
      .filter((s, i, all) => all.findIndex((o) => o.stage === s.stage) === i)
      .map((s) => `<li><span class="swatch" style="background:${stageColours[s.stage]}"></span>${esc(stageLabels[s.stage])}</li>`),
    '<li><span class="swatch" style="background:#f5d90a"></span>deadline open</li>',
    '<li><span class="swatch" style="background:#8ddb8c"></span>deadline met</li>',
    '<li><span class="swatch" style="background:#ff8182"></span>deadline missed or met late</li>',
    '<li><span class="swatch" style="background:#d0d7de"></span>cancelled by the outcome</li>',
    '<li><span class="diamond"></span>breach found</li>',
    '<li><span class="diamond withdrawn"></span>breach withdrawn</li>',
    '<li>● event &nbsp; ○ refused event &nbsp; ⊗ voided event &nbsp; | due</li>',
  ].join('');

  const groups = ruleStageOrder
    .map(({ stage, label }) => {
      const group = report.rules.filter((r) => r.stage === stage);
      if (group.length === 0) return '';
      const counts = ruleStatuses
        .filter((s) => group.some((r) => r.status === s))
        .map((s) => `${group.filter((r) => r.status === s).length} ${statusLabels[s].toLowerCase()}`)
        .join(', ');
      return (
        `<section class="rule-group" data-stage-group="${esc(stage)}"><h3>${esc(label)} <small class="none">(${esc(counts)})</small></h3>` +
        table(['Rule', 'Kind', 'Status', 'Why', 'Evidence', 'Citation'], group.map(ruleRow), 'rules', ['rule', 'kind', 'status', 'why', 'evidence', 'citation']) +
        '</section>'
      );
    })
    .join('');

  const trail = report.auditTrail.verified
    ? `<span class="ok">hash chain verified</span>`
    : `<span class="bad">NOT verified: ${esc(report.auditTrail.problem ?? 'unknown problem')}</span>`;

  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(`Compliance report — case ${report.caseId}`)}</title>
<style>${css}</style>
</head>
<body>
<main>
<header>
<h1>Step down to CAF: compliance report</h1>
<p class="subtitle">Each rule of the council's step-down policy, judged against this case from its audit trail.</p>
<dl class="facts">${factList}</dl>
</header>
<section id="summary">
<h2>Summary</h2>
<ul class="totals">${totals}</ul>
<h3>Breaches</h3>
${breaches}
<h3>Breaches withdrawn</h3>
${withdrawn}
<h3>Waiting for</h3>
${waiting}
</section>
<section id="corrections">
<h2>Corrections</h2>
${corrections}
</section>
<section id="timeline">
<h2>Timeline</h2>
<div class="timeline-wrap">${timelineSvg(report)}</div>
<ul class="legend">${legend}</ul>
<h3>Deadlines</h3>
${deadlineTable}
</section>
<section id="rules">
<h2>Rules by stage</h2>
${groups}
</section>
<footer>
<p>Audit trail: ${report.auditTrail.entries} entries read up to version ${report.version}, ${trail}${report.auditTrail.lastHash ? ` (last hash <code>${esc(report.auditTrail.lastHash)}</code>)` : ''}.</p>
<p>Dates are London dates. This report holds ids, rule ids, event types, roles, dates, codes and citations only: no personal data.</p>
</footer>
</main>
</body>
</html>
`;
}
