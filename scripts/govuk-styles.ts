/**
 * Generates src/report/govuk-css.ts: the part of GOV.UK Frontend's compiled stylesheet that the
 * report and the caseload page use, so each page stays one self-contained file (no stylesheet to
 * fetch, nothing at run time from node_modules). Never edit the output by hand: `npm run
 * govuk-styles`; `--check` exits 1 when it is stale (say, after updating govuk-frontend).
 *
 * What is kept: rules whose every GOV.UK class belongs to a component the pages use (below), and
 * `:root` custom properties. What is dropped: web fonts (GDS Transport is licensed for gov.uk
 * services only, and a page must fetch nothing), anything with `url(`, and rules that only apply
 * once GOV.UK Frontend's JavaScript has run (the pages have none).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The GOV.UK Frontend blocks the pages use (a class's block is its name before `__` or `--`). */
export const govukBlocks: readonly string[] = [
  'govuk-template',
  'govuk-body',
  'govuk-body-s',
  'govuk-body-m',
  'govuk-body-l',
  'govuk-heading-xl',
  'govuk-heading-l',
  'govuk-heading-m',
  'govuk-heading-s',
  'govuk-caption-l',
  'govuk-caption-m',
  'govuk-link',
  'govuk-list',
  'govuk-width-container',
  'govuk-main-wrapper',
  'govuk-grid-row',
  'govuk-grid-column-full',
  'govuk-grid-column-two-thirds',
  'govuk-grid-column-one-third',
  'govuk-summary-list',
  'govuk-tag',
  'govuk-table',
  'govuk-details',
  'govuk-skip-link',
  'govuk-visually-hidden',
  'govuk-section-break',
  'govuk-inset-text',
  'govuk-warning-text',
  'govuk-hint',
];

/** Utility classes (`govuk-!-…`) the pages use, by prefix. */
const utilities = ['govuk-\\!-margin-bottom-', 'govuk-\\!-margin-top-', 'govuk-\\!-font-weight-', 'govuk-\\!-font-size-'];

const allowed = new Set(govukBlocks);

function selectorAllowed(selector: string): boolean {
  if (selector.trim() === ':root') return true;
  const classes = selector.match(/\.govuk-(?:\\.|[A-Za-z0-9_-])+/g) ?? [];
  if (classes.length === 0) return false;
  return classes.every((c) => {
    const name = c.slice(1);
    if (name.startsWith('govuk-\\!-')) return utilities.some((u) => name.startsWith(u));
    return allowed.has(name.replace(/(__|--).*$/, ''));
  });
}

/** Splits CSS into its top-level statements: `@…;`, comments, and `prelude{body}` blocks. */
function statements(css: string): { prelude: string; body: string | null }[] {
  const out: { prelude: string; body: string | null }[] = [];
  let i = 0;
  while (i < css.length) {
    if (/\s/.test(css[i]!)) {
      i += 1;
      continue;
    }
    if (css.startsWith('/*', i)) {
      i = css.indexOf('*/', i) + 2;
      continue;
    }
    let j = i;
    let quote: string | null = null;
    while (j < css.length) {
      const c = css[j]!;
      if (quote) {
        if (c === '\\') j += 1;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ';' || c === '{') break;
      j += 1;
    }
    const prelude = css.slice(i, j).trim();
    if (css[j] === ';') {
      out.push({ prelude, body: null });
      i = j + 1;
      continue;
    }
    let depth = 1;
    let k = j + 1;
    quote = null;
    while (k < css.length && depth > 0) {
      const c = css[k]!;
      if (quote) {
        if (c === '\\') k += 1;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth += 1;
      else if (c === '}') depth -= 1;
      k += 1;
    }
    out.push({ prelude, body: css.slice(j + 1, k - 1) });
    i = k;
  }
  return out;
}

/** Splits a selector list at its top-level commas (not those inside `:is(…)` or `:not(…)`). */
function selectorList(prelude: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < prelude.length; i += 1) {
    const c = prelude[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(prelude.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(prelude.slice(start));
  return parts.map((p) => p.trim());
}

/**
 * The stylesheet cut down to what the pages use, with the font stack GOV.UK Frontend recommends
 * for services not on gov.uk.
 */
export function pickGovukStyles(css: string): string {
  const pick = (text: string): string =>
    statements(text)
      .map(({ prelude, body }) => {
        if (body === null) return '';
        if (prelude.startsWith('@media') || prelude.startsWith('@supports')) {
          const inner = pick(body);
          return inner ? `${prelude}{${inner}}` : '';
        }
        if (prelude.startsWith('@')) return '';
        if (body.includes('url(') || body.includes('GDS Transport') && body.includes('src:')) return '';
        const kept = selectorList(prelude).filter(selectorAllowed);
        return kept.length > 0 ? `${kept.join(',')}{${body}}` : '';
      })
      .join('');
  return pick(css).replace(/GDS Transport,\s*arial/g, 'arial');
}

/** Where the compiled stylesheet of the installed govuk-frontend is, and its version. */
export function govukSource(): { css: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('govuk-frontend/package.json');
  const root = join(pkg, '..');
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  return { css: readFileSync(join(root, 'dist', 'govuk', 'govuk-frontend.min.css'), 'utf8'), version };
}

/** The generated module's text. */
export function renderGovukModule(): string {
  const { css, version } = govukSource();
  const picked = pickGovukStyles(css);
  return [
    '// Generated by `npm run govuk-styles` (scripts/govuk-styles.ts) from govuk-frontend',
    `// ${version} (MIT licence, © Crown copyright): the components the pages use. Do not edit by hand.`,
    '',
    '/** GOV.UK Frontend styles the report and the caseload page inline. */',
    `export const govukCss = ${JSON.stringify(picked)};`,
    '',
    `/** The govuk-frontend version the styles come from. */`,
    `export const govukFrontendVersion = ${JSON.stringify(version)};`,
    '',
  ].join('\n');
}

const target = join(import.meta.dirname, '..', 'src', 'report', 'govuk-css.ts');

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const text = renderGovukModule();
  if (process.argv.includes('--check')) {
    const current = readFileSync(target, 'utf8');
    if (current !== text) {
      console.error('src/report/govuk-css.ts is stale: run npm run govuk-styles');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target} (${text.length} characters)`);
  }
}
