import { stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { caseloadToHtml } from '../../src/report/index.js';
import { chromiumPath, hasChromium } from '../servers.js';
import { axeViolations, elementsPastTheEdge, textWithoutReferences, keyboardWalk, launch, openPage, overflowsSideways, reportsDir, screenshotsDir, widths } from './browser-kit.js';
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
    await expect(elementsPastTheEdge(at(width))).resolves.toEqual([]);
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
    // Every control takes focus once: the skip link, the five filter links, each folded list of steps.
    await expect(page.locator('a[href], summary').count()).resolves.toBe(reached.length);
    await expect(page.locator('nav.app-filters a[data-walk-id]').count()).resolves.toBe(5);
    // Enter on a filter link, from the keyboard alone, shows that section.
    await page.locator('nav.app-filters a[href="#cases-in-breach"]').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('section.app-filter').evaluateAll((all) => all.filter((s) => s.getClientRects().length > 0).map((s) => s.id))).resolves.toEqual(['cases-in-breach']);
  });

  it('complete without JavaScript: with scripts off every section and every case is there', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await expect(page.locator('section.app-filter').count()).resolves.toBe(5);
    await expect(page.locator('#all-cases tbody tr').count()).resolves.toBe(4);
    await context.close();
  });

  it('every label on the page is words: no event names, no codes as the main text', async () => {
    // References for developers (ids in code, rule ids) are secondary by design.
    const text = await textWithoutReferences(at(1280), 'main');
    expect(text).not.toMatch(/\b[a-z]+[A-Z]?[a-z]*\.[a-z][A-Za-z]+\b/);
    expect(text).not.toMatch(/\b(initial|review|parent-carer|social-worker|team-manager|lead-professional|early-help)\b/);
    expect(text).toContain('Initial family plan meeting held');
  });
});
