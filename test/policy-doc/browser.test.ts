import { chromiumPath, hasChromium } from '../servers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadWovenPolicy, wovenPolicyToHtml } from '../../src/index.js';

/**
 * The woven policy page in a real browser (Debian's Chromium, as test/report/browser.test.ts drives
 * it); skipped, and says so, where Chromium is absent.
 */

describe.skipIf(!hasChromium)('the woven policy page in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== 'about:blank') requests.push(r.url());
    });
    await page.setContent(wovenPolicyToHtml(loadWovenPolicy()), { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no request, error or warning', () => {
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('has one h1 and headings that never skip a level, every paragraph a heading of its own', async () => {
    const levels = await page.$$eval('h1, h2, h3, h4', (hs) => hs.map((h) => Number(h.tagName[1])));
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    levels.forEach((level, i) => {
      if (i > 0) expect(level - levels[i - 1]!, `heading ${i}`).toBeLessThanOrEqual(1);
    });
    expect(await page.$$eval('main article', (as) => as.length)).toBe(42);
    expect(await page.$$eval('main article', (as) => as.every((a) => a.getAttribute('aria-labelledby') === a.querySelector('h3, h4')?.id))).toBe(true);
  });

  it('opens a rule’s tests from the keyboard, and the skip link moves focus to the policy', async () => {
    const summary = page.locator('main details summary').first();
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('main details').first().getAttribute('open')).not.toBeNull();
    await page.locator('a.skip').focus();
    expect(await page.locator('a.skip').isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(page.url()).toMatch(/#main$/);
  });
});
