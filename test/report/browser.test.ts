import { mkdir, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { complianceReport, reportToHtml, reportToMarkdown, type ComplianceReport } from '../../src/report/index.js';
import { chromiumPath, hasChromium } from '../servers.js';
import { runToClosedCaf, testEngine } from './journeys.js';

/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core (Playwright's own
 * browser download does not work on these machines). `.ci/services/chromium.sh` installs Chromium
 * for CI; where it is absent this file is skipped, and says so, rather than failing `npm test`.
 */
if (!hasChromium) {
  console.warn(`test/report/browser.test.ts: skipped — no Chromium at ${chromiumPath} (install Debian's chromium, or run .ci/run).`);
}

const reports = fileURLToPath(new URL('../../reports/', import.meta.url));
const screenshot = `${reports}report-screenshot.png`;

// A browser on a busy CI machine is slow: a full-page screenshot of this page alone can take seconds.
describe.skipIf(!hasChromium)('the HTML compliance report in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;
  let report: ComplianceReport;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const { engine } = testEngine();
    // A real journey: CIN step down to a closed CAF, with the initial family plan meeting found late.
    await runToClosedCaf(engine, 'C-1');
    report = await complianceReport(engine, 'C-1');
    const html = reportToHtml(report);
    await mkdir(reports, { recursive: true });
    // Kept beside the screenshot so a reviewer can open the very page the test rendered.
    await writeFile(`${reports}compliance-report.html`, html);
    await writeFile(`${reports}compliance-report.md`, reportToMarkdown(report));

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      // Without the background-networking flags Chromium keeps dialling Google on this closed network.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('data:') && request.url() !== 'about:blank') requests.push(request.url());
    });
    await page.setContent(html, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders with no console errors, no page errors and no requests for anything', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('shows the case and the summary', async () => {
    await expect(page.title()).resolves.toBe('Compliance report — case C-1');
    const total = (status: string) => page.locator(`[data-total="${status}"] .count`).innerText();
    await expect(total('breached')).resolves.toBe('1');
    await expect(total('met')).resolves.toBe(String(report.totals.met));
    await expect(page.locator('table.breaches tbody tr').count()).resolves.toBe(1);
  });

  it('the timeline shows every stage the case went through, each visible and labelled', async () => {
    expect(report.stages.map((s) => s.stage)).toEqual(['decision', 'preparation', 'closure', 'early-help', 'closed']);
    const labels = { decision: 'Decision', preparation: 'Preparation', closure: 'Closure and referral', 'early-help': 'Early Help under CAF', closed: 'Closed' };
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
      await expect(label.textContent()).resolves.toBe(labels[stage]);
    }
  });

  it('marks the breach on the timeline, and its deadline as met late', async () => {
    const marks = page.locator('svg.timeline [data-breach]');
    await expect(marks.count()).resolves.toBe(report.breaches.length);
    await expect(marks.first().isVisible()).resolves.toBe(true);
    await expect(marks.first().getAttribute('data-rule')).resolves.toBe('first-family-plan-meeting');
    const deadline = page.locator('svg.timeline [data-deadline="first-family-plan-meeting"]');
    await expect(deadline.getAttribute('data-status')).resolves.toBe('met-late');
    await expect(page.locator('svg.timeline [data-deadline]').count()).resolves.toBe(report.deadlines.length);
  });

  it('lists every rule with its status badge; the evidence unfolds without scripts', async () => {
    await expect(page.locator('tr[data-rule]').count()).resolves.toBe(report.rules.length);
    const breached = page.locator('tr[data-rule="first-family-plan-meeting"]');
    await expect(breached.locator('.badge').innerText()).resolves.toBe('Breached');
    const details = breached.locator('details');
    await expect(details.locator('li').first().isVisible()).resolves.toBe(false);
    await details.locator('summary').click();
    await expect(details.locator('li.breach').innerText()).resolves.toContain('clock.tick');
  });

  it('saves a screenshot of the whole page to reports/report-screenshot.png', async () => {
    await page.screenshot({ path: screenshot, fullPage: true });
    expect((await stat(screenshot)).size).toBeGreaterThan(20_000);
  });
});
