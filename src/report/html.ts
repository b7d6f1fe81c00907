import { eventLabel } from '../labels/events.js';
import { breachLabel, ruleLabel, ruleStageLabels } from '../labels/rules.js';
import { deadlineLabel, deadlineStatusLabels, outcomeLabels, roleLabels, routeLabels, stageLabels } from '../labels/vocabulary.js';
import { citationText } from '../labels/citations.js';
import { pendingStepLabel, pendingStepReference } from '../labels/steps.js';
import { refusalLabel } from '../labels/refusals.js';
import type { Timescales } from '../policy/define-policy.js';
import { rules as catalogue, type RuleId } from '../policy/rules.js';
import { escapeHtml as esc } from './escape.js';
import { correctionReason, plainBasis, roleName as role, ruleStageOrder, statusColours, statusLabels, withdrawnBecauseLabels } from './format.js';
import { policySentence } from './policy-version.js';
import { govukDate, govukPage, govukTable, summaryList, tag, type TableRow } from './page.js';
import { stageColours, timelineSvg } from './timeline-svg.js';
import { ruleStatuses, type ComplianceReport, type ReportDeadline, type ReportEntry, type RuleReport } from './types.js';

const citationsById = new Map<string, readonly string[]>(catalogue.map((r) => [r.id, r.citations.map(citationText)]));

/**
 * A rule's name, with its id below as a reference for developers. A rule the catalogue lacks keeps its id.
 * `t`: the timescales of the version governing the case, so a timescale says the one it is judged by.
 */
function ruleName(rule: string, t: Timescales | undefined, link = true): string {
  const label = ruleLabel(rule as RuleId, t);
  const name = link ? `<a class="govuk-link" href="#${esc(anchor(rule))}">${esc(label)}</a>` : esc(label);
  return `${name}<span class="app-secondary">Rule <code>${esc(rule)}</code></span>`;
}

/** A rule's citations in full, one a line; the house form as it came when the catalogue lacks the rule. */
function citations(rule: string, fallback: string): string {
  const full = citationsById.get(rule);
  if (full === undefined) return esc(fallback);
  return full.map(esc).join('<br>');
}

function anchor(rule: string): string {
  return `rule-${rule.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** A step waited for, in words, with the person or disagreement it is about and its event type below as references. */
function pendingStepName(step: string, detail: string | undefined): string {
  const reference = pendingStepReference(step, detail);
  const about = reference ? `<span class="app-secondary">${esc(reference.noun)} <code>${esc(reference.id)}</code></span>` : '';
  return `${esc(pendingStepLabel(step, detail))}${about}<span class="app-secondary">Entry type <code>${esc(step)}</code></span>`;
}

/** A refusal: a red tag, why in words, and its error code as a reference. */
function refusal(code: string | null): string {
  const why = refusalLabel(code).replace(/^Refused:? ?/, '');
  return `${tag('Refused', 'red')}${why ? ` ${esc(why[0]!.toUpperCase() + why.slice(1))}.` : ''}${code ? ` <span class="app-ref">${esc(code)}</span>` : ''}`;
}

function deadlineName(id: string, t: Timescales | undefined): string {
  const label = deadlineLabel(id, t);
  return label === id ? `<code>${esc(id)}</code>` : `${esc(label)}<span class="app-secondary">Deadline <code>${esc(id)}</code></span>`;
}

function deadlineStatus(d: ReportDeadline): string {
  const colours = { open: 'yellow', met: 'green', 'met-late': 'red', missed: 'red', cancelled: 'grey' } as const;
  const status = tag(deadlineStatusLabels[d.status], colours[d.status]);
  if (d.recordedLateDays === null) return status;
  const days = `${d.recordedLateDays} day${d.recordedLateDays === 1 ? '' : 's'}`;
  return `${status} ${tag('Recorded late', 'orange')}<span class="app-secondary">Recorded ${days} after the date it happened</span>`;
}

function evidence(r: RuleReport, t: Timescales | undefined): string {
  if (r.evidence.length === 0) return 'None';
  const items = r.evidence
    .map((e) => {
      const outcome = e.accepted ? (e.bears === 'breached' ? 'breach recorded' : 'accepted') : refusalLabel(e.code).replace(/^Refused/, 'refused');
      return `<li data-bears="${esc(e.bears)}">Entry ${e.seq}: ${esc(eventLabel(e.type, e.whose))}, ${govukDate(e.at)}, ${esc(role(e.role))}, ${esc(outcome)} <span class="app-ref">${esc(e.type)}</span></li>`;
    })
    .join('');
  const noun = r.evidence.length === 1 ? 'entry' : 'entries';
  return (
    `<details class="govuk-details govuk-!-margin-bottom-0"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">` +
    `${r.evidence.length} audit ${noun}<span class="govuk-visually-hidden"> for ${esc(ruleLabel(r.rule as RuleId, t))}</span></span></summary>` +
    `<div class="govuk-details__text"><ol class="govuk-list govuk-list--number govuk-body-s">${items}</ol></div></details>`
  );
}

function ruleRow(r: RuleReport, t: Timescales | undefined): TableRow {
  return {
    data: { rule: r.rule, status: r.status },
    cells: [
      { header: true, html: `<span id="${esc(anchor(r.rule))}">${ruleName(r.rule, t, false)}</span>` },
      tag(statusLabels[r.status], statusColours[r.status]),
      esc(plainBasis(r.basis, t)),
      evidence(r, t),
      citations(r.rule, r.citation),
    ],
  };
}

/** The case's history in the MOJ timeline pattern: newest first, breaches found and withdrawn among the entries. */
function history(report: ComplianceReport): string {
  const t = report.policy.timescales;
  type Item = { at: string; order: number; html: string };
  const items: Item[] = [];
  const entryItem = (e: ReportEntry): string => {
    const notes: string[] = [];
    if (!e.accepted) notes.push(refusal(e.code));
    if (e.voidedBy !== null) notes.push(`${tag('Voided', 'grey')} Recorded in error: voided by entry ${e.voidedBy}. The case was worked out again without it.`);
    const cls = e.voidedBy !== null ? ' moj-timeline__item--voided' : '';
    return (
      `<li class="moj-timeline__item${cls}" data-entry="${e.seq}"${e.voidedBy === null ? '' : ` data-voided-by="${e.voidedBy}"`}>` +
      `<div class="moj-timeline__header"><h3 class="moj-timeline__title">${esc(eventLabel(e.type, e.whose))}</h3> <p class="moj-timeline__byline">by ${esc(role(e.role))}</p></div>` +
      `<p class="moj-timeline__date">${govukDate(e.at, { time: true })}</p>` +
      `<div class="moj-timeline__description govuk-body-s">${notes.map((n) => `<p class="govuk-body-s govuk-!-margin-bottom-1">${n}</p>`).join('')}` +
      `<span class="app-secondary">Entry ${e.seq} <code>${esc(e.type)}</code></span></div></li>`
    );
  };
  for (const e of report.entries) if (e.at) items.push({ at: e.at, order: e.seq * 2, html: entryItem(e) });
  report.breaches.forEach((b, i) =>
    items.push({
      at: b.detectedAt,
      order: Number.MAX_SAFE_INTEGER - 1,
      html:
        `<li class="moj-timeline__item" data-breach-found="${i}"><div class="moj-timeline__header"><h3 class="moj-timeline__title">Breach: ${esc(breachLabel(b.rule, t))}</h3></div>` +
        `<p class="moj-timeline__date">${govukDate(b.detectedAt, { time: true })}</p>` +
        `<div class="moj-timeline__description">${tag('Breached', 'red')}${b.due ? ` Due ${govukDate(b.due)}.` : ''}</div></li>`,
    }),
  );
  report.withdrawnBreaches.forEach((b, i) =>
    items.push({
      at: b.withdrawnAt,
      order: Number.MAX_SAFE_INTEGER,
      html:
        `<li class="moj-timeline__item" data-breach-withdrawn="${i}"><div class="moj-timeline__header"><h3 class="moj-timeline__title">Breach withdrawn: ${esc(breachLabel(b.rule, t))}</h3></div>` +
        `<p class="moj-timeline__date">${govukDate(b.withdrawnAt, { time: true })}</p>` +
        `<div class="moj-timeline__description">${tag('Withdrawn', 'grey')} ${esc(withdrawnBecauseLabels[b.withdrawnBecause])}. Found ${govukDate(b.detectedAt)}; it does not count against the rule.</div></li>`,
    }),
  );
  // Newest first, as the MOJ pattern has it; entries of one instant in trail order.
  items.sort((a, b) => (a.at === b.at ? b.order - a.order : a.at < b.at ? 1 : -1));
  return `<ol class="moj-timeline govuk-list">${items.map((i) => i.html).join('')}</ol>`;
}

/**
 * The report as one self-contained HTML page in the GOV.UK Design System's style, for a team
 * manager, a practitioner and an inspector: the case at a glance (summary list), the counts by
 * status (tags), the breaches standing and withdrawn, what the case waits for and from whom, the
 * corrections (voided entries), the case's history as a timeline (the MOJ Frontend pattern) beside
 * the date-axis chart, the deadlines (a step recorded late says so), and every rule grouped by
 * stage with its status, why, the evidence (folded) and its citations written out in full.
 * Everything is in plain English, with ids kept beside as references for developers. Tables become
 * one card per row on a narrow screen, so the page reflows to 320 px; it prints without the chart's
 * scroll bar. GOV.UK Frontend's styles are inline; no scripts, fonts or images to fetch, and a
 * Content-Security-Policy that forbids them. Every value is escaped.
 *
 * @example
 * ```ts
 * await writeFile('C-1.html', reportToHtml(await complianceReport(engine, 'C-1')));
 * ```
 */
export function reportToHtml(report: ComplianceReport): string {
  const t = report.policy.timescales;
  const outcome = report.outcome === null ? 'Open' : (outcomeLabels[report.outcome] ?? report.outcome);
  const facts = summaryList([
    ['Case reference', esc(report.caseId)],
    ['Started from', esc(routeLabels[report.route] ?? report.route)],
    ['Stage now', esc(stageLabels[report.stage] ?? report.stage)],
    ['Outcome', esc(outcome)],
    ['Opened', govukDate(report.openedAt)],
    ['Latest date on the case', govukDate(report.asOf)],
    ['Policy', policySentence(report.policy, (iso) => govukDate(iso), (id) => `<code>${esc(id)}</code>`)],
  ]);

  const totals = `<h2 class="govuk-heading-l" id="summary-heading">Summary</h2><ul class="app-totals">${ruleStatuses
    .map((s) => `<li data-total="${esc(s)}"><span class="app-count">${report.totals[s]}</span>${tag(statusLabels[s], statusColours[s])}<span class="govuk-visually-hidden"> rules</span></li>`)
    .join('')}</ul>`;

  const breaches =
    report.breaches.length === 0
      ? '<h2 class="govuk-heading-m">Breaches</h2><p class="govuk-body">No breaches.</p>'
      : govukTable({
          caption: 'Breaches',
          className: 'app-breaches',
          head: ['What went wrong', 'Deadline', 'Due', 'Found', 'Policy'],
          rows: report.breaches.map((b) => ({
            data: { rule: b.rule },
            cells: [
              { header: true, html: `${esc(breachLabel(b.rule, t))}<span class="app-secondary">${ruleName(b.rule, t)}</span>` },
              b.deadlineId ? deadlineName(b.deadlineId, t) : 'None',
              govukDate(b.due),
              govukDate(b.detectedAt),
              citations(b.rule, b.citation),
            ],
          })),
        });

  const withdrawn =
    report.withdrawnBreaches.length === 0
      ? '<h2 class="govuk-heading-m">Breaches withdrawn</h2><p class="govuk-body">No breaches withdrawn.</p>'
      : '<h2 class="govuk-heading-m">Breaches withdrawn</h2><p class="govuk-body">Breaches found by a deadline check and taken back by a later record. They do not count against the rule.</p>' +
        govukTable({
          caption: 'Breaches withdrawn',
          captionClass: 'govuk-visually-hidden',
          className: 'app-withdrawn',
          head: ['Breach', 'Found', 'Withdrawn', 'Why'],
          rows: report.withdrawnBreaches.map((b) => ({
            data: { 'withdrawn-breach': b.deadlineId ?? b.rule, because: b.withdrawnBecause },
            cells: [
              { header: true, html: `${esc(breachLabel(b.rule, t))} ${tag('Withdrawn', 'grey')}<span class="app-secondary">${ruleName(b.rule, t)}</span>` },
              govukDate(b.detectedAt),
              govukDate(b.withdrawnAt),
              esc(withdrawnBecauseLabels[b.withdrawnBecause]),
            ],
          })),
        });

  const waiting =
    report.pending.length === 0
      ? `<h2 class="govuk-heading-m">Waiting for</h2><p class="govuk-body">${esc(report.outcome === null ? 'Nothing.' : `Nothing: the case has ended (${outcome}).`)}</p>`
      : govukTable({
          caption: 'Waiting for',
          className: 'app-waiting',
          head: ['Next step', 'Who', 'Due', 'Rule'],
          rows: report.pending.map((p) => ({
            cells: [
              { header: true, html: pendingStepName(p.step, p.detail) },
              esc(role(p.role)),
              govukDate(p.due ?? null),
              ruleName(p.rule, t),
            ],
          })),
        });

  const corrections =
    report.corrections.length === 0
      ? '<p class="govuk-body">None: no entry was voided.</p>'
      : '<p class="govuk-body">Entries voided as recorded in error. The case was worked out again without them, so they are evidence for no rule; the audit trail keeps them. ' +
        'A reason is free text: it is kept in the audit entry named, not copied here.</p>' +
        govukTable({
          caption: 'Corrections',
          captionClass: 'govuk-visually-hidden',
          className: 'app-corrections',
          head: ['Void', 'Date', 'By', 'Outcome', 'Entry voided', 'Reason'],
          rows: report.corrections.map((c) => ({
            data: { correction: c.seq, voids: c.voids?.seq ?? '', accepted: c.accepted },
            cells: [
              { header: true, html: `Entry ${c.seq}` },
              govukDate(c.at),
              esc(role(c.role)),
              c.accepted
                ? c.voids === null
                  ? 'Accepted, but no entry voided'
                  : c.voidedBy === null
                  ? tag('Voided', 'grey')
                  : `${tag('Undone', 'yellow')} itself voided by entry ${c.voidedBy}`
                : refusal(c.code),
              c.voids === null
                ? 'No entry of the trail holds the event id it names'
                : `Entry ${c.voids.seq}: ${esc(eventLabel(c.voids.type, c.voids.whose))}, ${govukDate(c.voids.at)}, ${esc(role(c.voids.role))} <span class="app-ref">${esc(c.voids.type)}</span>`,
              esc(correctionReason(c)),
            ],
          })),
        });

  const legend = [
    ...report.stages
      .filter((s, i, all) => all.findIndex((o) => o.stage === s.stage) === i)
      .map((s) => `<li><span class="app-swatch" style="background:${stageColours[s.stage]}"></span>${esc(stageLabels[s.stage])}</li>`),
    '<li><span class="app-swatch" style="background:#f5d90a"></span>Deadline open</li>',
    '<li><span class="app-swatch" style="background:#8ddb8c"></span>Deadline met</li>',
    '<li><span class="app-swatch" style="background:#ff8182"></span>Deadline missed or met late</li>',
    '<li><span class="app-swatch" style="background:#d0d7de"></span>No longer applies</li>',
    '<li>◆ Breach found · ◇ breach withdrawn · ● entry · ○ refused · ⊗ voided · | due</li>',
  ].join('');

  const deadlines =
    report.deadlines.length === 0
      ? '<p class="govuk-body">None opened.</p>'
      : govukTable({
          caption: 'Deadlines',
          className: 'app-deadlines',
          head: ['Deadline', 'Opened', 'Due', 'Status', 'Closed'],
          rows: report.deadlines.map((d) => ({
            data: { 'deadline-row': d.id, ...(d.recordedLateDays === null ? {} : { 'recorded-late': d.recordedLateDays }) },
            cells: [{ header: true, html: deadlineName(d.id, t) }, govukDate(d.opensAt), govukDate(d.due, { time: true }), deadlineStatus(d), govukDate(d.closedAt)],
          })),
        });

  const groups = ruleStageOrder
    .map(({ stage }) => {
      const group = report.rules.filter((r) => r.stage === stage);
      if (group.length === 0) return '';
      const counts = ruleStatuses
        .filter((s) => group.some((r) => r.status === s))
        .map((s) => `${group.filter((r) => r.status === s).length} ${statusLabels[s].toLowerCase()}`)
        .join(', ');
      return (
        `<section data-stage-group="${esc(stage)}" aria-labelledby="stage-${esc(stage)}"><h3 class="govuk-heading-m" id="stage-${esc(stage)}">${esc(ruleStageLabels[stage])} <span class="govuk-caption-m">${esc(counts)}</span></h3>` +
        govukTable({
          caption: `Rules: ${ruleStageLabels[stage]}`,
          captionClass: 'govuk-visually-hidden',
          className: 'app-rules',
          head: ['Rule', 'Status', 'Why', 'Evidence', 'Policy'],
          rows: group.map((r) => ruleRow(r, t)),
        }) +
        '</section>'
      );
    })
    .join('');

  const trail = report.auditTrail.verified
    ? '<strong>checked: nothing was changed after it was written</strong>'
    : `<strong class="app-bad">NOT verified: ${esc(report.auditTrail.problem ?? 'unknown problem')}</strong>`;
  const warning = report.auditTrail.verified
    ? ''
    : `<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>The audit trail does not verify: ${esc(report.auditTrail.problem ?? 'unknown problem')}. This report may not show the case as it happened.</strong></div>`;

  const body = `${warning}${facts}
<section id="summary" aria-labelledby="summary-heading">
${totals}
${breaches}
${withdrawn}
${waiting}
</section>
<section id="history" aria-labelledby="history-heading">
<h2 class="govuk-heading-l" id="history-heading">History</h2>
<p class="govuk-body">The case on a date axis, then every entry of its audit trail, newest first.</p>
<div class="app-chart" tabindex="0" role="region" aria-label="Chart of the case's stages, deadlines and breaches (scrolls sideways)">${timelineSvg(report)}</div>
<ul class="app-legend govuk-body-s">${legend}</ul>
${deadlines}
<h3 class="govuk-heading-m">What happened</h3>
${history(report)}
</section>
<section id="corrections" aria-labelledby="corrections-heading">
<h2 class="govuk-heading-l" id="corrections-heading">Corrections</h2>
${corrections}
</section>
<section id="rules" aria-labelledby="rules-heading">
<h2 class="govuk-heading-l" id="rules-heading">Rules by stage</h2>
<p class="govuk-body">Each rule of the step-down policy, judged against this case from its audit trail, with where the policy says it.</p>
${groups}
</section>`;

  const footer =
    `<p class="govuk-body-s">Audit trail: ${report.auditTrail.entries} entries read, ${trail}. For developers: case version ${report.version}` +
    `${report.auditTrail.lastHash ? `, last hash <span class="app-hash">${esc(report.auditTrail.lastHash)}</span>` : ''}.</p>` +
    '<p class="govuk-body-s">Dates are London dates. This report holds case references, dates, roles and the policy\'s words only: no personal data.</p>';

  return govukPage({
    title: `Compliance report — case ${report.caseId}`,
    caption: 'Step down to CAF: compliance report',
    heading: `Case ${report.caseId}`,
    body,
    footer,
  });
}
