import { mkdir, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { complianceReport, reportToHtml, reportToMarkdown, type ComplianceReport } from '../../src/report/index.js';
import { chromiumPath, hasChromium } from '../servers.js';
import { stageLabels } from '../../src/labels/index.js';
import { axeViolations, beforeContent, keyboardWalk, launch, openPage, overflowsSideways, reportsDir, screenshotsDir, widths } from './browser-kit.js';
import { runToClosedCaf, testEngine } from './journeys.js';

if (!hasChromium) {
  console.warn(`test/report/browser.test.ts: skipped — no Chromium at ${chromiumPath} (install Debian's chromium, or run .ci/run).`);
}

// A browser on a busy CI machine is slow: axe-core on this page, or a full-page screenshot, can take seconds.
describe.skipIf(!hasChromium)('the HTML compliance report in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let report: ComplianceReport;
  let html: string;
  const pages = new Map<number, { page: Page; problems: string[]; requests: string[] }>();

  beforeAll(async () => {
    const { engine } = testEngine();
    // A real journey: CIN step down to a closed CAF, with the initial family plan meeting found late.
    await runToClosedCaf(engine, 'C-1');
    report = await complianceReport(engine, 'C-1');
    html = reportToHtml(report);
    await mkdir(reportsDir, { recursive: true });
    // Kept beside the screenshots so a reviewer can open the very page the test rendered.
    await writeFile(`${reportsDir}compliance-report.html`, html);
    await writeFile(`${reportsDir}compliance-report.md`, reportToMarkdown(report));
    browser = await launch();
    for (const width of widths) pages.set(width, await openPage(browser, html, width));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const at = (width: number) => pages.get(width)!.page;

  it.each(widths)('at %i px: no console errors, no page errors, no requests for anything', (width) => {
    expect(pages.get(width)!.problems).toEqual([]);
    expect(pages.get(width)!.requests).toEqual([]);
  });

  it.each(widths)('at %i px: axe-core finds no violation of WCAG 2.2 A or AA', async (width) => {
    await expect(axeViolations(at(width))).resolves.toEqual([]);
  });

  it.each(widths)('at %i px: nothing is cut off: the page is no wider than the screen, and every table fits', async (width) => {
    await expect(overflowsSideways(at(width))).resolves.toBeLessThanOrEqual(0);
    const tables = await at(width).locator('table').evaluateAll((all) => all.map((t) => t.getBoundingClientRect().right));
    expect(tables.length).toBeGreaterThan(5);
    for (const right of tables) expect(right).toBeLessThanOrEqual(width);
  });

  it.each(widths)('at %i px: saves a screenshot of the whole page to reports/screenshots/', async (width) => {
    const path = `${screenshotsDir}compliance-report-${width}.png`;
    await at(width).screenshot({ path, fullPage: true });
    expect((await stat(path)).size).toBeGreaterThan(20_000);
  });

  it('a keyboard-only walk reaches every link, every folded list of evidence and the chart', async () => {
    const page = at(1280);
    const { reached, missed } = await keyboardWalk(page);
    expect(missed).toEqual([]);
    // The skip link, a link per breach and per step waited for, a summary per rule's evidence, the chart's region.
    const summaries = report.rules.filter((r) => r.evidence.length > 0).length;
    expect(reached.length).toBeGreaterThanOrEqual(1 + summaries + 1);
  });

  it('leads with the case in words, and the counts by status as tags', async () => {
    const page = at(1280);
    await expect(page.title()).resolves.toBe('Compliance report — case C-1');
    const value = (key: string) => page.locator(`.govuk-summary-list__row:has(dt:text-is("${key}")) dd`).innerText();
    await expect(value('Started from')).resolves.toBe('Child in Need (CIN) outcome');
    await expect(value('Outcome')).resolves.toBe('CAF closed: plan met');
    const total = (status: string) => page.locator(`[data-total="${status}"] .app-count`).innerText();
    await expect(total('breached')).resolves.toBe('1');
    await expect(total('met')).resolves.toBe(String(report.totals.met));
    const breach = page.locator('table.app-breaches tbody tr');
    await expect(breach.count()).resolves.toBe(1);
    await expect(breach.locator('th').innerText()).resolves.toContain('Initial family plan meeting held late');
    await expect(breach.locator('td').last().innerText()).resolves.toContain("Practice guidance, 'Initial Family Planning Meeting', paragraph 1");
  });

  it('the chart shows every stage the case went through, each visible and labelled in words', async () => {
    const page = at(1280);
    expect(report.stages.map((s) => s.stage)).toEqual(['decision', 'preparation', 'closure', 'early-help', 'closed']);
    let previousRight = -Infinity;
    for (const { stage } of report.stages) {
      const span = page.locator(`svg.timeline rect[data-stage="${stage}"]`);
      await expect(span.isVisible()).resolves.toBe(true);
      const box = (await span.boundingBox())!;
      expect(box.width, stage).toBeGreaterThanOrEqual(3);
      // Stages run left to right in the order the case went through them.
      expect(box.x + 0.5, stage).toBeGreaterThanOrEqual(previousRight - 1);
      previousRight = box.x + box.width;
      const label = page.locator(`svg.timeline [data-stage-label="${stage}"]`);
      await expect(label.isVisible()).resolves.toBe(true);
      await expect(label.textContent()).resolves.toBe(stageLabels[stage]);
    }
  });

  it('marks the breach on the chart and in the history, and its deadline as met late', async () => {
    const page = at(1280);
    const marks = page.locator('svg.timeline [data-breach]');
    await expect(marks.count()).resolves.toBe(report.breaches.length);
    await expect(marks.first().getAttribute('data-rule')).resolves.toBe('first-family-plan-meeting');
    await expect(page.locator('svg.timeline [data-deadline="first-family-plan-meeting"]').getAttribute('data-status')).resolves.toBe('met-late');
    await expect(page.locator('svg.timeline [data-deadline]').count()).resolves.toBe(report.deadlines.length);
    await expect(page.locator('[data-deadline-row="first-family-plan-meeting"] .govuk-tag').innerText()).resolves.toBe('Met late');
    // The history lists every entry of the trail, newest first, in words, and the breach where it was found.
    const history = page.locator('.moj-timeline > li');
    await expect(history.count()).resolves.toBe(report.entries.length + report.breaches.length);
    await expect(history.first().locator('.moj-timeline__title').innerText()).resolves.toBe('CAF closed');
    await expect(page.locator('[data-breach-found] .moj-timeline__title').innerText()).resolves.toBe('Breach: Initial family plan meeting held late');
  });

  it('lists every rule with its status tag; the evidence unfolds without scripts', async () => {
    const page = at(1280);
    await expect(page.locator('tr[data-rule][data-status]').count()).resolves.toBe(report.rules.length);
    const breached = page.locator('tr[data-rule="first-family-plan-meeting"][data-status]');
    await expect(breached.locator('td .govuk-tag').first().innerText()).resolves.toBe('Breached');
    const details = breached.locator('details');
    await expect(details.locator('li').first().isVisible()).resolves.toBe(false);
    await details.locator('summary').click();
    await expect(details.locator('li[data-bears="breached"]').innerText()).resolves.toContain('Deadlines checked');
  });

  it('at 320 px a table row reads as a card, each value under its column heading', async () => {
    const page = at(320);
    await expect(beforeContent(page, 'table.app-breaches tbody td')).resolves.toBe('"Deadline"');
    await expect(page.locator('table.app-breaches thead').evaluate((el) => el.getBoundingClientRect().height)).resolves.toBeLessThanOrEqual(1);
  });
});
