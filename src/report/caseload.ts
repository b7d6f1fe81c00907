import type { WorkItem } from '../engine/store.js';
import { breachLabel, ruleLabel } from '../labels/rules.js';
import { pendingStepLabel, pendingStepReference } from '../labels/steps.js';
import { roleLabels, stageLabels } from '../labels/vocabulary.js';
import type { Timescales } from '../policy/define-policy.js';
import type { RuleId } from '../policy/rules.js';
import { escapeHtml as esc } from './escape.js';
import { govukDate, govukPage, govukTable, tag, type TableRow } from './page.js';

/** A breach standing on a case, as the caseload lists it: rule and deadline ids and dates only. */
export interface CaseloadBreach {
  readonly rule: string;
  readonly deadlineId: string | null;
  readonly due: string | null;
  readonly detectedAt: string;
}

/** What the caseload page needs besides the work items. */
export interface CaseloadOptions {
  /** The instant the page is as of, to tell what is overdue (ISO 8601, or a Date); now by default. */
  readonly asOf?: string | Date;
  /** The breaches standing on each case, by case id (`engine.get(caseId).breaches`); none when left out. */
  readonly breaches?: Readonly<Record<string, readonly CaseloadBreach[]>>;
  /** What the page shows, for its heading: the store's label, a team's name (never a person's). */
  readonly source?: string;
  /** The role the items were already filtered to, if any: the page then says so and lists no other role. */
  readonly role?: string;
  /**
   * The timescales of the policy version governing each case, by case id
   * (`(await engine.complianceReport(caseId)).policy.timescales`), so its labels say the ones it is
   * judged by; a case left out reads the guidance's.
   */
  readonly timescales?: Readonly<Record<string, Timescales>>;
}

interface CaseRow {
  readonly caseId: string;
  readonly familyId: string | null;
  readonly stage: string;
  readonly steps: readonly WorkItem[];
  readonly breaches: readonly CaseloadBreach[];
  readonly timescales: Timescales | undefined;
}

function roleName(role: string): string {
  return (roleLabels as Readonly<Record<string, string>>)[role] ?? role;
}

function stageName(stage: string): string {
  return (stageLabels as Readonly<Record<string, string>>)[stage] ?? stage;
}

/** Cases in the order of their soonest step, as the work list gives them: overdue first, undated last. */
function casesOf(items: readonly WorkItem[], options: CaseloadOptions): CaseRow[] {
  const byCase = new Map<string, WorkItem[]>();
  const ordered = [...items].sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  for (const item of ordered) {
    const steps = byCase.get(item.caseId) ?? [];
    steps.push(item);
    byCase.set(item.caseId, steps);
  }
  return [...byCase.values()].map((steps) => ({
    caseId: steps[0]!.caseId,
    familyId: steps[0]!.familyId,
    stage: steps[0]!.stage,
    steps,
    breaches: options.breaches?.[steps[0]!.caseId] ?? [],
    timescales: options.timescales?.[steps[0]!.caseId],
  }));
}

function stepText(item: WorkItem, t: Timescales | undefined, now: number, withDue = true): string {
  const reference = pendingStepReference(item.step, item.detail);
  const about = reference ? `<span class="app-secondary">${esc(reference.noun)} <code>${esc(reference.id)}</code></span>` : '';
  const rule = `<span class="app-secondary">${esc(ruleLabel(item.rule as RuleId, t))} (rule <code>${esc(item.rule)}</code>)</span>`;
  const overdue = item.dueAt !== null && item.dueAt < now;
  const due = item.due === null || !withDue ? '' : ` — due ${govukDate(item.due)}${overdue ? ` ${tag('Overdue', 'red')}` : ''}`;
  return `${esc(pendingStepLabel(item.step, item.detail))}${due}${about}${rule}`;
}

function whoText(item: WorkItem): string {
  // A person id, never a user id: hosts often build user ids from names.
  const person = item.personId ? `<span class="app-secondary">Person <code>${esc(item.personId)}</code></span>` : '';
  return `${esc(roleName(item.role))}${person}`;
}

function breachesText(row: CaseRow): string {
  if (row.breaches.length === 0) return row.steps.some((s) => s.breached) ? tag('Deadline missed', 'red') : 'None';
  const items = row.breaches
    .map((b) => `<li>${esc(breachLabel(b.rule as RuleId, row.timescales))}${b.due ? `, due ${govukDate(b.due)}` : ''} <span class="app-ref">${esc(b.rule)}</span></li>`)
    .join('');
  return `${tag(`${row.breaches.length} breach${row.breaches.length === 1 ? '' : 'es'}`, 'red')}<ul class="govuk-list govuk-body-s govuk-!-margin-top-1">${items}</ul>`;
}

function caseRow(row: CaseRow, now: number): TableRow {
  const [next, ...more] = row.steps;
  const overdue = next!.dueAt !== null && next!.dueAt < now;
  const others =
    more.length === 0
      ? ''
      : `<details class="govuk-details govuk-!-margin-bottom-0 govuk-!-margin-top-1"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">` +
        `${more.length} more step${more.length === 1 ? '' : 's'}<span class="govuk-visually-hidden"> for case ${esc(row.caseId)}</span></span></summary>` +
        `<div class="govuk-details__text"><ul class="govuk-list govuk-body-s">${more.map((s) => `<li>${stepText(s, row.timescales, now)}<span class="app-secondary">From the ${esc(roleName(s.role))}</span></li>`).join('')}</ul></div></details>`;
  return {
    data: { case: row.caseId, overdue, breached: row.breaches.length > 0 || row.steps.some((s) => s.breached) },
    cells: [
      { header: true, html: `${esc(row.caseId)}${row.familyId ? `<span class="app-secondary">Family <code>${esc(row.familyId)}</code></span>` : ''}` },
      esc(stageName(row.stage)),
      `${stepText(next!, row.timescales, now, false)}${others}`,
      whoText(next!),
      next!.due === null ? 'No deadline' : `${govukDate(next!.due)}${overdue ? ` ${tag('Overdue', 'red')}` : ''}`,
      breachesText(row),
    ],
  };
}

function casesTable(rows: readonly CaseRow[], caption: string, now: number, empty: string): string {
  if (rows.length === 0) return `<p class="govuk-body">${esc(empty)}</p>`;
  return govukTable({
    caption,
    captionClass: 'govuk-visually-hidden',
    className: 'app-caseload',
    head: ['Case', 'Stage', 'Waiting for', 'From', 'Due', 'Breaches'],
    rows: rows.map((r) => caseRow(r, now)),
  });
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A team's caseload as one self-contained page in the GOV.UK style, for a team manager: every
 * open case with its stage, its next step, who it waits for, when it falls due and its breaches,
 * overdue first (the soonest due leads; steps with no deadline last). A case waiting on several
 * steps shows the soonest, with the others folded below it.
 *
 * Filtering needs no server and no script: the page has a section for all cases, one for the
 * cases with a breach or a missed deadline, and one per role (each case with only that role's
 * steps), reached from the links at the top. Where the browser supports `:has()`, following a
 * link shows that section alone; elsewhere every section is shown, one after another.
 *
 * Ids, codes, dates and labels only: a person is their person id, a user never appears.
 *
 * @example
 * ```ts
 * const items = await engine.worklist({ limit: 1000 });
 * const breaches = Object.fromEntries(await Promise.all([...new Set(items.map((i) => i.caseId))].map(async (id) => [id, (await engine.get(id)).breaches])));
 * await writeFile('caseload.html', caseloadToHtml(items, { breaches, source: 'Team North' }));
 * ```
 */
export function caseloadToHtml(items: readonly WorkItem[], options: CaseloadOptions = {}): string {
  const asOf = options.asOf === undefined ? new Date() : options.asOf;
  const now = typeof asOf === 'string' ? Date.parse(asOf) : asOf.getTime();
  const asOfIso = typeof asOf === 'string' ? asOf : asOf.toISOString();
  const cases = casesOf(items, options);
  const breached = cases.filter((c) => c.breaches.length > 0 || c.steps.some((s) => s.breached));
  const overdueSteps = items.filter((i) => i.dueAt !== null && i.dueAt < now).length;
  const roles = [...new Set(items.map((i) => i.role))].sort((a, b) => roleName(a).localeCompare(roleName(b)));

  const filters = [
    { id: 'all-cases', label: `All cases (${cases.length})` },
    { id: 'cases-in-breach', label: `Cases with a breach (${breached.length})` },
    ...(options.role === undefined ? roles.map((r) => ({ id: `role-${r}`, label: `${roleName(r)} (${new Set(items.filter((i) => i.role === r).map((i) => i.caseId)).size})` })) : []),
  ];
  const nav =
    `<nav class="app-filters" aria-labelledby="filters-heading"><h2 class="govuk-heading-s" id="filters-heading">Show</h2>` +
    `<ul class="govuk-list">${filters.map((f) => `<li><a class="govuk-link" href="#${esc(f.id)}">${esc(f.label)}</a></li>`).join('')}</ul></nav>`;

  const section = (id: string, heading: string, body: string) =>
    `<section class="app-filter" id="${esc(id)}" aria-labelledby="${esc(id)}-heading"><h2 class="govuk-heading-l" id="${esc(id)}-heading">${esc(heading)}</h2>${body}</section>`;

  const sections = [
    section('all-cases', 'All cases', casesTable(cases, 'All open cases, overdue first', now, 'No case is waiting for anything.')),
    section('cases-in-breach', 'Cases with a breach', casesTable(breached, 'Cases with a breach, overdue first', now, 'No case has a breach.')),
    ...(options.role === undefined
      ? roles.map((r) =>
          section(
            `role-${r}`,
            `Waiting for the ${roleName(r)}`,
            casesTable(casesOf(items.filter((i) => i.role === r), options), `Cases waiting for the ${roleName(r)}, overdue first`, now, 'None.'),
          ),
        )
      : []),
  ];

  const intro =
    `<p class="govuk-body-l">${esc(count(cases.length, 'open case', 'open cases'))}, ${esc(count(overdueSteps, 'step overdue', 'steps overdue'))}, ` +
    `${esc(count(breached.length, 'case', 'cases'))} with a breach.</p>` +
    `<p class="govuk-body">As of ${govukDate(asOfIso, { time: true })}${options.source ? ` · ${esc(options.source)}` : ''}` +
    `${options.role !== undefined ? ` · only the steps of the ${esc(roleName(options.role))}` : ''}. Overdue first; steps with no deadline last.</p>`;

  return govukPage({
    title: `Caseload${options.source ? ` — ${options.source}` : ''}`,
    caption: 'Step down to CAF',
    heading: options.role === undefined ? 'Caseload' : `Caseload: ${roleName(options.role)}`,
    body: `${intro}${nav}${sections.join('\n')}`,
    footer: '<p class="govuk-body-s">Dates are London dates. This page holds case references, person ids, dates, roles and the policy\'s words only: no personal data.</p>',
  });
}
