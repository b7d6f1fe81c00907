import { describe, expect, it } from 'vitest';
import { pickGovukStyles, renderGovukModule } from '../../scripts/govuk-styles.js';
import { govukCss } from '../../src/report/govuk-css.js';

describe('the GOV.UK Frontend styles the pages inline', () => {
  it('are what `npm run govuk-styles` makes from the installed govuk-frontend (regenerate after updating it)', async () => {
    const { readFile } = await import('node:fs/promises');
    const committed = await readFile(new URL('../../src/report/govuk-css.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderGovukModule());
  });

  it('fetch nothing and use no licensed font: no url(, no @font-face, no GDS Transport, no @import', () => {
    expect(govukCss).not.toMatch(/url\(|@font-face|GDS Transport|@import/);
    for (const component of ['.govuk-summary-list__row', '.govuk-tag--red', '.govuk-table__cell', '.govuk-details__summary', '.govuk-skip-link']) {
      expect(govukCss).toContain(component);
    }
  });

  it('keep a rule only for the components the pages use, and media queries only around kept rules', () => {
    const css = '@font-face{font-family:GDS Transport;src:url(/a.woff2)}.govuk-tag{color:red}.govuk-tabs{color:blue}.govuk-tag,.govuk-header{margin:0}' +
      '@media print{.govuk-header{display:none}}@media (min-width:40em){.govuk-table{width:100%}}.govuk-frontend-supported .govuk-details{display:none}' +
      '.govuk-link{font-family:GDS Transport,arial,sans-serif}.govuk-body{background:url(x.png)}';
    expect(pickGovukStyles(css)).toBe('.govuk-tag{color:red}.govuk-tag{margin:0}@media (min-width:40em){.govuk-table{width:100%}}.govuk-link{font-family:arial,sans-serif}');
  });
});
