import { mkdir, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { complianceReport, reportToHtml, type ComplianceReport } from '../../src/report/index.js';
import { chromiumPath, hasChromium } from '../servers.js';
import { axeViolations, computedStyle, elementsPastTheEdge, textWithoutReferences, keyboardWalk, launch, openPage, reportsDir, screenshotsDir, widths } from './browser-kit.js';
import { actors, closedToCsc, familyPlanMeeting, sample, testEngine, voided } from './journeys.js';

if (!hasChromium) {
  console.warn(`test/report/browser-corrections.test.ts: skipped — no Chromium at ${chromiumPath} (install Debian's chromium, or run .ci/run).`);
}

/**
 * A case with everything a report must show as what it is: closed to CSC on 2024-03-21, so the
 * initial family plan meeting is due by the end of Thursday 2024-04-18. A tick on Saturday 20 April
 * finds it missing (a breach); the meeting, held on Wednesday 17 April, is recorded after the tick
 * (recorded late, the breach withdrawn: met on time). A review typed in by mistake on 22 April is
 * voided by the Lead Professional who recorded it; a Team Manager's consent is refused (not their step).
 */
async function correctedCase(): Promise<ComplianceReport> {
  const { engine } = testEngine();
  await closedToCsc(engine, 'W-1');
  await engine.send('W-1', sample('ehm.authorised', '2024-03-25T10:00:00Z'));
  await engine.send('W-1', sample('leadProfessional.contacted', '2024-03-26T10:00:00Z'));
  await engine.tick('2024-04-20T07:00:00+01:00');
  await engine.send('W-1', familyPlanMeeting('2024-04-17T10:00:00+01:00', 'initial'));
  await engine.send('W-1', { ...familyPlanMeeting('2024-04-22T10:00:00+01:00', 'review'), eventId: 'review-typo' });
  await engine.send('W-1', voided('2024-04-22T11:00:00+01:00', 'review-typo', actors.lp));
  return complianceReport(engine, 'W-1');
}

describe.skipIf(!hasChromium)('the report of a corrected case in Chromium: voided, recorded late, withdrawn', { timeout: 120_000 }, () => {
  let browser: Browser;
  let report: ComplianceReport;
  let html: string;
  const pages = new Map<number, Page>();

  beforeAll(async () => {
    report = await correctedCase();
    html = reportToHtml(report);
    // The first browser suite to run makes the folder: this one may be first on a fresh clone.
    await mkdir(reportsDir, { recursive: true });
    await writeFile(`${reportsDir}compliance-report-corrected.html`, html);
    browser = await launch();
    for (const width of widths) pages.set(width, (await openPage(browser, html, width)).page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const at = (width: number) => pages.get(width)!;

  it('the journey is the one described: a withdrawn breach, a step recorded late, a voided entry', () => {
    expect(report.breaches).toEqual([]);
    expect(report.withdrawnBreaches.map((b) => [b.rule, b.withdrawnBecause])).toEqual([['first-family-plan-meeting', 'met-on-time']]);
    expect(report.deadlines.find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({ status: 'met', recordedLateDays: 3 });
    expect(report.entries.filter((e) => e.voidedBy !== null).map((e) => e.type)).toEqual(['familyPlanMeeting.held']);
  });

  it.each(widths)('at %i px: axe-core finds no violation of WCAG 2.2 A or AA, nothing reaches past the edge, and a screenshot is saved', async (width) => {
    await expect(axeViolations(at(width))).resolves.toEqual([]);
    await expect(elementsPastTheEdge(at(width))).resolves.toEqual([]);
    const path = `${screenshotsDir}compliance-report-corrected-${width}.png`;
    await at(width).screenshot({ path, fullPage: true });
    expect((await stat(path)).size).toBeGreaterThan(20_000);
  });

  it('shows the voided entry struck through and tagged, the late recording tagged, the withdrawn breach tagged and explained', async () => {
    const page = at(1280);
    const voidedItem = page.locator('.moj-timeline__item--voided');
    await expect(voidedItem.count()).resolves.toBe(1);
    await expect(voidedItem.locator('.moj-timeline__title').innerText()).resolves.toBe('Family plan meeting held');
    await expect(computedStyle(page, '.moj-timeline__item--voided .moj-timeline__title', 'text-decoration-line')).resolves.toBe('line-through');
    await expect(voidedItem.locator('.govuk-tag').innerText()).resolves.toBe('Voided');
    await expect(page.locator('table.app-corrections tbody tr').innerText()).resolves.toContain('Entry 24: Family plan meeting held, 22 April 2024, Lead Professional');
    const late = page.locator('[data-deadline-row="first-family-plan-meeting"]');
    await expect(late.locator('.govuk-tag').allInnerTexts()).resolves.toEqual(['Met', 'Recorded late']);
    await expect(late.innerText()).resolves.toContain('Recorded 3 days after the date it happened');
    const withdrawn = page.locator('table.app-withdrawn tbody tr');
    await expect(withdrawn.locator('th').innerText()).resolves.toContain('Initial family plan meeting held late');
    await expect(withdrawn.locator('.govuk-tag').innerText()).resolves.toBe('Withdrawn');
    await expect(withdrawn.innerText()).resolves.toContain('Met on time: the step was dated by its due date');
    await expect(page.locator('[data-breach-withdrawn] .moj-timeline__title').innerText()).resolves.toBe('Breach withdrawn: Initial family plan meeting held late');
    // Nothing counts as breached.
    await expect(page.locator('[data-total="breached"] .app-count').innerText()).resolves.toBe('0');
  });

  it('says whose view each views entry records, by relationship: never an event name, never a person', async () => {
    const page = at(1280);
    const titles = await page.locator('.moj-timeline__title').allInnerTexts();
    expect(titles).toEqual(expect.arrayContaining(["Child's view recorded", "Parent/carer's view recorded", "Partner agency's view recorded"]));
    expect(titles).not.toContain('View on the step down recorded');
    for (const title of titles) expect(title).not.toMatch(/\b[a-z]+[A-Z]?[a-z]*\.[a-z][A-Za-z]+\b/);
    const evidence = page.locator('tr[data-rule="views-recorded"] details');
    await evidence.locator('summary').click();
    await expect(evidence.locator('li').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining("Parent/carer's view recorded"), expect.stringContaining("Child's view recorded")]),
    );
  });

  it('every label and citation is words: no event names, rule ids, G or F prefixes or pilcrows outside the references', async () => {
    const text = await textWithoutReferences(at(1280), 'main');
    expect(text).not.toMatch(/\b[a-z]+[A-Z]?[a-z]*\.[a-z][A-Za-z]+\b/);
    expect(text).not.toMatch(/\b[a-z]+-[a-z]+-[a-z]+\b/);
    expect(text).not.toMatch(/¶|\bG "|\bF step|\b(met-late|not-applicable|cin-outcome|final-cin)\b/);
    expect(text).toContain("Practice guidance, 'Initial Family Planning Meeting', paragraph 1");
  });

  it('a keyboard-only walk gives focus to every control, in order, each once', async () => {
    const { page } = await openPage(browser, html, 1280);
    const { reached, missed } = await keyboardWalk(page);
    expect(missed).toEqual([]);
    const controls = await page.locator('a[href], summary, [tabindex="0"]').count();
    expect(reached).toHaveLength(controls);
  });

  it('prints cleanly: no skip link, the chart unscrolled, every folded list of evidence open, nothing past the edge', async () => {
    const { page } = await openPage(browser, html, 1280);
    await page.emulateMedia({ media: 'print' });
    await expect(computedStyle(page, '.govuk-skip-link', 'display')).resolves.toBe('none');
    await expect(computedStyle(page, '.app-chart', 'overflow-x')).resolves.toBe('visible');
    await expect(page.locator('.app-chart').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).resolves.toBe(true);
    const hiddenEvidence = await page.locator('details .govuk-details__text li').evaluateAll((all) => all.filter((li) => li.getClientRects().length === 0).length);
    expect(hiddenEvidence).toBe(0);
    await expect(elementsPastTheEdge(page)).resolves.toEqual([]);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.length).toBeGreaterThan(20_000);
    await writeFile(`${reportsDir}compliance-report-corrected.pdf`, pdf);
  });
});
