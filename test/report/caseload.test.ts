import { describe, expect, it } from 'vitest';
import { caseloadToHtml, type WorkItem } from '../../src/index.js';
import { caseloadAsOf, teamCaseload } from './caseload-journeys.js';
import { actors, freeText } from './journeys.js';

/** The case ids of a section's rows, in order. */
function rowsOf(html: string, section: string): string[] {
  const start = html.indexOf(`<section class="app-filter" id="${section}"`);
  expect(start, section).toBeGreaterThan(-1);
  const body = html.slice(start, html.indexOf('</section>', start));
  return [...body.matchAll(/<tr class="govuk-table__row" data-case="([^"]+)"/g)].map((m) => m[1]!);
}

describe('caseloadToHtml', () => {
  it('lists every open case once, overdue first and undated last; a closed case is on no list', async () => {
    const { items, breaches } = await teamCaseload();
    const html = caseloadToHtml(items, { breaches, asOf: caseloadAsOf, source: 'Team North' });
    // P-1's disagreement was due 14 March, E-1's initial meeting 18 April; D-1 and P-2 have no deadline.
    expect(rowsOf(html, 'all-cases')).toEqual(['P-1', 'E-1', 'D-1', 'P-2']);
    expect(html).toContain('4 open cases, 2 steps overdue, 2 cases with a breach.');
    expect(html).not.toContain('C-1');
    expect(html).toMatch(/data-case="P-1" data-overdue="true" data-breached="true">/);
    expect(html).toMatch(/data-case="D-1" data-overdue="false" data-breached="false">/);
  });

  it('says each case’s stage, what it waits for, from whom, by when and its breaches, in words with ids beside', async () => {
    const { items, breaches } = await teamCaseload();
    const html = caseloadToHtml(items, { breaches, asOf: caseloadAsOf });
    const row = html.slice(html.indexOf('data-case="E-1"'), html.indexOf('</tr>', html.indexOf('data-case="E-1"')));
    expect(row).toContain('Early Help under the CAF');
    // The meeting's kind is in the words, never shown as its code.
    expect(row).toContain('>Initial family plan meeting held<');
    expect(row).not.toMatch(/initial<|About/);
    expect(row).toContain('Lead Professional<span class="app-secondary">Person <code>lp-1</code>');
    expect(row).toContain('<time datetime="2024-04-18T23:59:59.999+01:00">18 April 2024</time> <strong class="govuk-tag govuk-tag--red">Overdue</strong>');
    expect(row).toContain('Initial family plan meeting held late');
    expect(row).toContain('<span class="app-ref">first-family-plan-meeting</span>');
    // P-1 waits on three steps: the soonest shown, the other two folded below it.
    const p1 = html.slice(html.indexOf('data-case="P-1"'), html.indexOf('</tr>', html.indexOf('data-case="P-1"')));
    expect(p1).toContain('Disagreement resolved<span class="app-secondary">Disagreement <code>D-2</code></span>');
    expect(p1).toContain('2 more steps');
    expect(p1).toContain('Consent to the CAF given');
    expect(p1).toContain('Disagreement not resolved within 5 working days');
  });

  it('filters without a server: a section of the cases in breach, and one per role with that role’s steps only', async () => {
    const { items, breaches } = await teamCaseload();
    const html = caseloadToHtml(items, { breaches, asOf: caseloadAsOf });
    expect(rowsOf(html, 'cases-in-breach')).toEqual(['P-1', 'E-1']);
    expect(rowsOf(html, 'role-team-manager')).toEqual(['P-1', 'D-1']);
    expect(rowsOf(html, 'role-social-worker')).toEqual(['P-1', 'P-2']);
    expect(rowsOf(html, 'role-lead-professional')).toEqual(['E-1']);
    for (const id of ['all-cases', 'cases-in-breach', 'role-team-manager', 'role-social-worker', 'role-lead-professional']) {
      expect(html).toContain(`<a class="govuk-link" href="#${id}">`);
    }
    // The team manager's section shows P-1 by its disagreement, not the social worker's steps.
    const tm = html.slice(html.indexOf('id="role-team-manager"'), html.indexOf('</section>', html.indexOf('id="role-team-manager"')));
    expect(tm).not.toContain('Consent to the CAF given');
  });

  it('given a role, lists only that role and says so', async () => {
    const { engine, breaches } = await teamCaseload();
    const items = await engine.worklist({ role: 'team-manager', limit: 1000 });
    const html = caseloadToHtml(items, { breaches, asOf: caseloadAsOf, role: 'team-manager' });
    expect(html).toContain('<h1 class="govuk-heading-xl">Caseload: Team Manager</h1>');
    expect(rowsOf(html, 'all-cases')).toEqual(['P-1', 'D-1']);
    expect(html).not.toContain('id="role-');
  });

  it('is one self-contained page with ids, dates and labels only: no names, no free text, no user ids', async () => {
    const { items, breaches } = await teamCaseload();
    const html = caseloadToHtml(items, { breaches, asOf: caseloadAsOf });
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(|href="(?!#)/i);
    for (const text of freeText) expect(html).not.toContain(text);
    for (const actor of Object.values(actors)) expect(html).not.toContain(actor.id);
    expect(items.some((i) => i.actorId !== null)).toBe(true);
  });

  it('escapes every value and shows an empty caseload as such', () => {
    const hostile = '<script>alert("x")</script>';
    const item: WorkItem = {
      caseId: hostile, familyId: hostile, stage: hostile, step: hostile, role: hostile, rule: hostile,
      detail: hostile, personId: hostile, actorId: null, due: null, dueAt: null, breached: false,
    };
    const html = caseloadToHtml([item], { asOf: caseloadAsOf, breaches: { [hostile]: [{ rule: hostile, deadlineId: hostile, due: null, detectedAt: hostile }] } });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(caseloadToHtml([], { asOf: caseloadAsOf })).toContain('No case is waiting for anything.');
  });
});
