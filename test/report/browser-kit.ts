import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/**
 * Shared by the browser tests of the pages: Debian's Chromium driven by playwright-core
 * (Playwright's own browser download does not work on these machines). `.ci/services/chromium.sh`
 * installs Chromium for CI; where it is absent the tests skip, and say so, rather than failing.
 */
import { chromiumPath } from '../servers.js';

/** Where a test run writes what a reviewer may open: the pages, their screenshots (git-ignored). */
export const reportsDir = fileURLToPath(new URL('../../reports/', import.meta.url));
export const screenshotsDir = `${reportsDir}screenshots/`;

/** The widths the pages must work at: a laptop, and the narrowest WCAG 2.2 asks a page to reflow to. */
export const widths = [1280, 320] as const;

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rules axe-core tags for the UK public sector's standard. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function launch(): Promise<Browser> {
  await mkdir(screenshotsDir, { recursive: true });
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    // Without the background-networking flags Chromium keeps dialling Google on this closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/** A page holding `html`, with every console problem, page error and request it makes recorded. */
export async function openPage(
  browser: Browser,
  html: string,
  width: number,
): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  // axe-core is injected as a script: the pages' own policy forbids scripts, so the test's context bypasses it.
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('data:') && request.url() !== 'about:blank') requests.push(request.url());
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, problems, requests };
}

/** axe-core's violations at WCAG 2.2 AA, each as `rule: target, target` so a failure says where. */
export async function axeViolations(page: Page): Promise<string[]> {
  const { AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

/** True when the page is no wider than the viewport: nothing is cut off or needs scrolling sideways. */
export async function overflowsSideways(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/**
 * Walks the page with the Tab key alone, from the top, and returns the elements it reached, in
 * order, and every element that takes focus that it did not reach. (The page's side is written as
 * strings: the project's types are Node's, without the DOM.)
 */
export async function keyboardWalk(page: Page): Promise<{ reached: string[]; missed: string[] }> {
  const current = `(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    if (!el.hasAttribute('data-walk-id')) el.setAttribute('data-walk-id', String(document.querySelectorAll('[data-walk-id]').length + 1));
    return el.getAttribute('data-walk-id');
  })()`;
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  const reached: string[] = [];
  for (let i = 0; i < 2000; i += 1) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate<string | null>(current);
    if (id === null || reached.includes(id)) break;
    reached.push(id);
  }
  const missed = await page.evaluate<string[]>(`[...document.querySelectorAll('a[href], summary, button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
    .filter((el) => el.offsetParent !== null || el.tagName === 'SUMMARY')
    .filter((el) => !el.hasAttribute('data-walk-id'))
    .map((el) => el.tagName.toLowerCase() + ' ' + (el.textContent || '').trim().slice(0, 40))`);
  return { reached, missed };
}

/** The CSS `content` of an element's `::before`, as the browser computed it. */
export async function beforeContent(page: Page, selector: string): Promise<string> {
  return page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)}), '::before').content`);
}

/**
 * Every element (but those inside a region that scrolls sideways on purpose, the chart, and
 * those visually hidden for screen readers) that reaches past the right edge of the screen or
 * starts left of it: what a reader at this width would lose. Each as `tag.class: right edge`.
 */
export async function elementsPastTheEdge(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.body.querySelectorAll('*')]
    .filter((el) => !el.closest('.app-chart') && el.getClientRects().length > 0)
    // Inside a box clipped to nothing (visually hidden, as a narrow table's headings are) is not on screen.
    .filter((el) => { for (let a = el; a; a = a.parentElement) if (getComputedStyle(a).clipPath !== 'none') return false; return true; })
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([, box]) => box.width > 0 && (box.right > document.documentElement.clientWidth + 0.5 || box.left < -0.5))
    .map(([el, box]) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ': ' + Math.round(box.left) + '..' + Math.round(box.right))`);
}

/** A CSS property of the first element matching `selector`, as the browser computed it. */
export async function computedStyle(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`);
}

/** The text a reader sees in `selector`, without the references for developers (ids in code, rule ids). */
export async function textWithoutReferences(page: Page, selector: string): Promise<string> {
  return page.evaluate<string>(`(() => {
    const copy = document.querySelector(${JSON.stringify(selector)}).cloneNode(true);
    copy.querySelectorAll('code, .app-ref').forEach((el) => el.remove());
    document.body.appendChild(copy);
    const text = copy.innerText;
    copy.remove();
    return text;
  })()`);
}
