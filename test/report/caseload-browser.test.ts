import { stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { caseloadToHtml } from '../../src/report/index.js';
import { chromiumPath, hasChromium } from '../servers.js';
import { axeViolations, keyboardWalk, launch, openPage, overflowsSideways, reportsDir, screenshotsDir, widths } from './browser-kit.js';
import { caseloadAsOf, teamCaseload } from './caseload-journeys.js';

if (!hasChromium) {
  console.warn(`test/report/caseload-browser.test.ts: skipped — no Chromium at ${chromiumPath} (install Debian's chromium, or run .ci/run).`);
}

describe.skipIf(!hasChromium)('the caseload page in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let html: string;
  const pages = new Map<number, { page: Page; problems: string[]; requests: string[] }>();

  beforeAll(async () => {
    const { items, breaches } = await teamCaseload();
    html = caseloadToHtml(items, { breaches, asOf: caseloadAsOf, source: 'Team North' });
    browser = await launch();
    await writeFile(`${reportsDir}caseload.html`, html);
    for (const width of widths) pages.set(width, await openPage(browser, html, width));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const at = (width: number) => pages.get(width)!.page;

  it('axe-core can fail: a page with faint text and an image without a text alternative has violations', async () => {
    const { page } = await openPage(browser, '<!doctype html><html><body><p style="color:#ddd">faint</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></body></html>', 1280);
    const found = (await axeViolations(page)).map((v) => v.split(' ')[0]);
    expect(found).toEqual(expect.arrayContaining(['color-contrast', 'image-alt', 'html-has-lang']));
  });

  it.each(widths)('at %i px: no console errors, page errors or requests; axe-core finds no violation of WCAG 2.2 A or AA', async (width) => {
    expect(pages.get(width)!.problems).toEqual([]);
    expect(pages.get(width)!.requests).toEqual([]);
    await expect(axeViolations(at(width))).resolves.toEqual([]);
  });

  it.each(widths)('at %i px: nothing is cut off, and a screenshot of the whole page is saved to reports/screenshots/', async (width) => {
    await expect(overflowsSideways(at(width))).resolves.toBeLessThanOrEqual(0);
    const path = `${screenshotsDir}caseload-${width}.png`;
    await at(width).screenshot({ path, fullPage: true });
    expect((await stat(path)).size).toBeGreaterThan(10_000);
  });

  it('without a filter every section shows; following a filter link shows that section alone, and Back shows all again', async () => {
    const page = at(1280);
    const visible = () => page.locator('section.app-filter').evaluateAll((all) => all.filter((s) => s.getClientRects().length > 0).map((s) => s.id));
    await expect(visible()).resolves.toEqual(['all-cases', 'cases-in-breach', 'role-lead-professional', 'role-social-worker', 'role-team-manager']);
    await page.getByRole('link', { name: 'Cases with a breach (2)' }).click();
    await expect(visible()).resolves.toEqual(['cases-in-breach']);
    await expect(page.locator('#cases-in-breach tbody tr').count()).resolves.toBe(2);
    await page.getByRole('link', { name: 'Team Manager (2)' }).click();
    await expect(visible()).resolves.toEqual(['role-team-manager']);
    await page.goBack();
    await page.goBack();
    await expect(visible()).resolves.toHaveLength(5);
  });

  it('a keyboard-only walk reaches every filter link and every folded list of steps', async () => {
    // A page of its own: the filter test above has moved the other one's focus and history.
    const { page } = await openPage(browser, html, 1280);
    const { reached, missed } = await keyboardWalk(page);
    expect(missed).toEqual([]);
    // The skip link and five filter links at least.
    expect(reached.length).toBeGreaterThanOrEqual(6);
  });
});
