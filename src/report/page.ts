import { DateTime } from 'luxon';
import { escapeHtml as esc } from './escape.js';
import { govukCss } from './govuk-css.js';

/**
 * What the pages add to GOV.UK Frontend: the MOJ Frontend timeline pattern (written out here
 * rather than adding its package for 20 lines), tables that turn into one card per row on a narrow
 * screen so nothing is cut off at 320 px, the chart's scrolling region, and print rules.
 */
const pageCss = `
.app-secondary { display: block; color: var(--govuk-secondary-text-colour, #484949); font-size: 1rem; overflow-wrap: break-word; }
.app-secondary code, .app-ref { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; overflow-wrap: break-word; }
.app-nowrap { white-space: nowrap; }
/* An id is one word: a browser would otherwise break it at a hyphen (first-family- on one line, plan on the next). */
.app-secondary code { white-space: nowrap; }
/* A hash is not a word anyone reads: it may break anywhere rather than push the page wider. */
.app-hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; overflow-wrap: anywhere; }
/* The caseload's filters: following a link shows that section alone where :has() is supported; elsewhere every section shows. */
main:has(.app-filter:target) .app-filter:not(:target) { display: none; }
.app-bad { color: var(--govuk-error-colour, #ca3535); }
.app-totals { display: flex; flex-wrap: wrap; gap: 10px 20px; list-style: none; padding: 0; margin: 0 0 30px; }
.app-totals li { margin: 0; }
.app-totals .app-count { font-family: arial, sans-serif; font-weight: 700; font-size: 1.5rem; margin-right: 5px; }
.app-chart { overflow-x: auto; border: 1px solid #b1b4b6; padding: 10px; margin-bottom: 20px; }
.app-chart:focus { outline: 3px solid var(--govuk-focus-colour, #fd0); outline-offset: 0; box-shadow: inset 0 0 0 2px #0b0c0c; }
.app-chart svg { display: block; min-width: 760px; }
.app-legend { display: flex; flex-wrap: wrap; gap: 5px 20px; list-style: none; padding: 0; margin: 0 0 30px; }
.app-swatch { display: inline-block; width: 14px; height: 14px; margin-right: 5px; vertical-align: -2px; border: 1px solid #0b0c0c; }
.moj-timeline { margin-bottom: 20px; overflow: hidden; position: relative; }
.moj-timeline::before { background-color: var(--govuk-brand-colour, #1d70b8); content: ""; height: 100%; left: 0; position: absolute; top: 10px; width: 5px; }
.moj-timeline__item { padding-bottom: 30px; padding-left: 20px; position: relative; }
.moj-timeline__item::before { background-color: var(--govuk-brand-colour, #1d70b8); content: ""; height: 5px; left: 0; position: absolute; top: 10px; width: 15px; }
.moj-timeline__title { display: inline; margin: 0; font-size: 1.1875rem; font-weight: 700; }
.moj-timeline__byline { color: var(--govuk-secondary-text-colour, #484949); display: inline; margin: 0; }
.moj-timeline__date { margin: 5px 0 0; font-size: 1rem; }
.moj-timeline__description { margin-top: 10px; }
.moj-timeline__item--voided .moj-timeline__title { text-decoration: line-through; }
@media (max-width: 40.0525em) {
  .app-table--responsive thead { position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important; clip-path: inset(50%) !important; white-space: nowrap !important; }
  .app-table--responsive, .app-table--responsive tbody, .app-table--responsive tr, .app-table--responsive td, .app-table--responsive th[scope="row"] { display: block; width: 100%; }
  .app-table--responsive tr { border-bottom: 3px solid #b1b4b6; margin-bottom: 15px; }
  .app-table--responsive td, .app-table--responsive th[scope="row"] { border-bottom: 0; padding: 5px 0; }
  .app-table--responsive td[data-label]::before { content: attr(data-label); display: block; font-weight: 700; }
}
@media print {
  .govuk-skip-link, .app-no-print { display: none !important; }
  .app-chart { overflow: visible; border: 0; }
  .app-chart svg { min-width: 0; }
  details::details-content { content-visibility: visible; display: block; }
  tr, .moj-timeline__item, .govuk-summary-list__row { break-inside: avoid; }
  a[href^="#"] { text-decoration: none; color: inherit; }
}
`;

/** A GOV.UK tag's colour: green met, red breached, yellow waiting, grey not applicable or withdrawn. */
export type TagColour = 'green' | 'red' | 'yellow' | 'grey' | 'blue' | 'orange';

/**
 * A GOV.UK tag: status in words and colour, so it reads the same in print and to colour-blind
 * readers. Blue is the tag's own default.
 *
 * @example
 * ```ts
 * tag('Breached', 'red'); // => '<strong class="govuk-tag govuk-tag--red">Breached</strong>'
 * ```
 */
export function tag(text: string, colour: TagColour): string {
  const modifier = colour === 'blue' ? '' : ` govuk-tag--${colour}`;
  return `<strong class="govuk-tag${modifier}">${esc(text)}</strong>`;
}

/** One cell of a {@link govukTable} row: its HTML (already escaped) and whether it heads the row. */
export interface TableCell {
  readonly html: string;
  /** The row's header cell (a case, a rule): `<th scope="row">`. */
  readonly header?: boolean;
}

/** A row of a {@link govukTable}: its cells and the `data-` attributes a test or a script finds it by. */
export interface TableRow {
  readonly cells: readonly (TableCell | string)[];
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A GOV.UK table with a caption that names it. Every cell carries its column's heading as
 * `data-label`, so on a narrow screen each row becomes a card with its headings, and nothing is
 * cut off. Strings are taken as HTML already escaped.
 *
 * @example
 * ```ts
 * govukTable({ caption: 'Breaches', head: ['Rule', 'Due'], rows: [{ cells: ['Family plan review', '26 December 2024'] }] });
 * ```
 */
export function govukTable(options: {
  readonly caption: string;
  readonly captionClass?: string;
  readonly head: readonly string[];
  readonly rows: readonly TableRow[];
  readonly className?: string;
}): string {
  const caption = `<caption class="govuk-table__caption ${options.captionClass ?? 'govuk-table__caption--m'}">${esc(options.caption)}</caption>`;
  const head = `<thead class="govuk-table__head"><tr class="govuk-table__row">${options.head
    .map((h) => `<th scope="col" class="govuk-table__header">${esc(h)}</th>`)
    .join('')}</tr></thead>`;
  const rows = options.rows
    .map((row) => {
      const data = Object.entries(row.data ?? {})
        .map(([k, v]) => ` data-${k}="${esc(String(v))}"`)
        .join('');
      const cells = row.cells
        .map((cell, i) => {
          const c: TableCell = typeof cell === 'string' ? { html: cell } : cell;
          const label = ` data-label="${esc(options.head[i] ?? '')}"`;
          return c.header
            ? `<th scope="row" class="govuk-table__header"${label}>${c.html}</th>`
            : `<td class="govuk-table__cell"${label}>${c.html}</td>`;
        })
        .join('');
      return `<tr class="govuk-table__row"${data}>${cells}</tr>`;
    })
    .join('');
  const cls = ['govuk-table', 'app-table--responsive', options.className].filter(Boolean).join(' ');
  return `<table class="${esc(cls)}">${caption}${head}<tbody class="govuk-table__body">${rows}</tbody></table>`;
}

/**
 * A GOV.UK summary list of key and value pairs; values are HTML already escaped.
 *
 * @example
 * ```ts
 * summaryList([['Case', 'C-1'], ['Stage', 'Closed']]);
 * ```
 */
export function summaryList(rows: readonly (readonly [string, string])[]): string {
  return `<dl class="govuk-summary-list">${rows
    .map(
      ([key, value]) =>
        `<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${esc(key)}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`,
    )
    .join('')}</dl>`;
}

/**
 * A date as GOV.UK writes it ("14 March 2024"), London time, in a `<time>` element carrying the
 * instant; with `time`, "14 March 2024, 10:00". A dash for none; the text itself when it is not a date.
 *
 * @example
 * ```ts
 * govukDate('2024-03-14T10:00:00Z'); // => '<time datetime="2024-03-14T10:00:00Z">14 March 2024</time>'
 * ```
 */
export function govukDate(iso: string | null, options: { readonly time?: boolean } = {}): string {
  if (iso === null || iso === '') return '—';
  const parsed = DateTime.fromISO(iso, { setZone: true });
  if (!parsed.isValid) return esc(iso);
  const london = parsed.setZone('Europe/London');
  const text = london.toFormat(options.time ? 'd MMMM yyyy, HH:mm' : 'd MMMM yyyy');
  return `<time datetime="${esc(iso)}">${esc(text)}</time>`;
}

/**
 * A whole page in the GOV.UK template: skip link, width container, main, and a footer; one file
 * with its styles inline and a content security policy that lets it fetch and run nothing.
 *
 * @example
 * ```ts
 * govukPage({ title: 'Caseload', caption: 'Step down to CAF', heading: 'Caseload', body: '<p class="govuk-body">…</p>', footer: '' });
 * ```
 */
export function govukPage(options: {
  readonly title: string;
  readonly caption: string;
  readonly heading: string;
  readonly body: string;
  readonly footer: string;
}): string {
  return `<!doctype html>
<html lang="en-GB" class="govuk-template">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(options.title)}</title>
<style>${govukCss}${pageCss}</style>
</head>
<body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
<span class="govuk-caption-l">${esc(options.caption)}</span>
<h1 class="govuk-heading-xl">${esc(options.heading)}</h1>
${options.body}
</main>
<footer class="govuk-body-s app-footer">
<hr class="govuk-section-break govuk-section-break--m govuk-section-break--visible">
${options.footer}
</footer>
</div>
</body>
</html>
`;
}
