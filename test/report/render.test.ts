import { describe, expect, it } from 'vitest';
import { ruleCitations, ruleLabels } from '../../src/labels/index.js';
import { rules } from '../../src/index.js';
import {
  complianceReport,
  reportToHtml,
  reportToMarkdown,
  timelineSvg,
  type ComplianceReport,
} from '../../src/report/index.js';
import { escapeHtml, escapeMarkdown } from '../../src/report/escape.js';
import { decidedWithViews, disagreement, runToClosedCaf, sendAll, testEngine } from './journeys.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function closedCafReport(): Promise<ComplianceReport> {
  const { engine } = testEngine();
  await runToClosedCaf(engine, 'C-1');
  return complianceReport(engine, 'C-1');
}

const hostile = '<script>alert("x")</script>|**b**_[l](http://e.test)&amp;`c`';

/** A real report with hostile text in every field a renderer prints verbatim. */
function poisoned(report: ComplianceReport): ComplianceReport {
  return {
    ...report,
    caseId: hostile,
    rules: report.rules.map((r) => ({
      ...r,
      summary: `${r.summary} ${hostile}`,
      basis: `${r.basis} ${hostile}`,
      citation: `${r.citation} ${hostile}`,
      evidence: r.evidence.map((e) => ({ ...e, type: `${e.type}${hostile}`, role: hostile, code: hostile })),
    })),
    deadlines: report.deadlines.map((d) => ({ ...d, id: `${d.id}${hostile}` })),
    breaches: report.breaches.map((b) => ({ ...b, citation: hostile, deadlineId: `${b.deadlineId}${hostile}` })),
    withdrawnBreaches: report.breaches.map((b) => ({
      ...b, citation: hostile, deadlineId: `${b.deadlineId}${hostile}`, withdrawnAt: b.detectedAt, withdrawnBecause: 'met-on-time' as const,
    })),
    corrections: [
      { seq: 99, at: hostile, role: hostile, accepted: false, code: hostile, voids: { seq: 98, type: hostile, at: hostile, role: hostile }, reasonKeptIn: 99, voidedBy: null },
    ],
    entries: report.entries.map((e) => ({ ...e, type: `${e.type}${hostile}`, role: hostile })),
    pending: [{ step: 'consent.given', role: 'social-worker', rule: 'informed-consent', detail: hostile }],
    auditTrail: { ...report.auditTrail, verified: false, problem: hostile },
  };
}

/** Cells of a Markdown table row, split on pipes that are not escaped. */
function cells(line: string): number {
  return line.split(/(?<!\\)\|/).length - 2;
}

describe('escaping', () => {
  it('escapeHtml escapes the five characters that can open markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapeMarkdown escapes inline syntax, pipes, angle brackets and entities, and folds line breaks', () => {
    expect(escapeMarkdown('a|b <i>*x*</i> _y_ [z](u) `c` &amp; ~s~\nnext')).toBe(
      'a\\|b \\<i\\>\\*x\\*\\</i\\> \\_y\\_ \\[z\\](u) \\`c\\` \\&amp; \\~s\\~ next',
    );
    expect(escapeMarkdown('2024-03-04 G "Role" ¶1')).toBe('2024-03-04 G "Role" ¶1');
  });
});

describe('reportToMarkdown', () => {
  it('has the summary, breaches, timeline tables and one row per rule, grouped by stage', async () => {
    const report = await closedCafReport();
    const md = reportToMarkdown(report);
    expect(md.startsWith('# Compliance report: case C-1\n')).toBe(true);
    for (const heading of [
      '## Summary', '## Breaches', '## Breaches withdrawn', '## Waiting for', '## Corrections', '## History', '### Stages', '### Deadlines',
      '### What happened', '## Rules by stage', '### 1. Decision', '### 6. Early Help under the CAF', '### Throughout the case', '## Evidence',
    ]) {
      expect(md).toContain(`\n${heading}\n`);
    }
    expect(md).toContain('- Breached: 1\n');
    // Plain English first, citations in full, the rule id kept last as a reference for developers.
    expect(md).toContain(
      "| Initial family plan meeting held late | Initial family plan meeting | 18 April 2024, 23:59 | 22 April 2024, 07:00 | Practice guidance, 'Initial Family Planning Meeting', paragraph 1; Practice guidance, 'Role of the Lead Professional', paragraph 2; Practice guidance, 'Role of the CAF Link Worker', paragraph 3 | first-family-plan-meeting |",
    );
    expect(md).toContain('| Started from | Child in Need (CIN) outcome |\n| Stage now | Closed |\n| Outcome | CAF closed: plan met |');
    for (const rule of rules) expect(md).toMatch(new RegExp(`\\n\\| ${escapeRegExp(ruleLabels[rule.id])} \\| [^|]+ \\| [^|]+ \\| (Practice guidance|Flowchart)[^|]* \\| ${rule.id} \\(${rule.kind}\\) \\|\\n`));
    expect(md).toContain('  - Entry 22: Deadlines checked, 22 April 2024, Deadline check (automatic), breach recorded (clock.tick)');
    expect(md).toContain("  - Entry 7: Parent/carer's view recorded, 6 March 2024, Social Worker, accepted (views.recorded)");
    // No house shorthand: no G or F citation prefixes, no pilcrows, no raw statuses or routes.
    expect(md).not.toMatch(/\bG "|\bF step|¶|\| met-late \||cin-outcome \||\| caf-closed \|/);
    expect(md).toContain('\n## Corrections\n\nNone: no entry was voided.\n');
    expect(md).toContain('\n## Breaches withdrawn\n\nNone.\n');
  });

  it('escapes every value: hostile text cannot add a column, a link, emphasis or HTML', async () => {
    const md = reportToMarkdown(poisoned(await closedCafReport()));
    expect(md).not.toContain('<script>');
    expect(md).not.toMatch(/(?<!\\)\[l\]/);
    expect(md).toContain('\\<script\\>');
    // Every row of a table has as many cells as its header: no value split a row.
    const lines = md.split('\n');
    let width: number | null = null;
    let rows = 0;
    for (const [i, line] of lines.entries()) {
      if (!line.startsWith('| ')) {
        width = null;
        continue;
      }
      if (width === null) width = cells(line);
      expect(cells(line), `line ${i}: ${line}`).toBe(width);
      rows += 1;
    }
    expect(rows).toBeGreaterThan(rules.length);
  });
});

describe('reportToHtml', () => {
  it('is one self-contained page: no scripts, no external assets, a policy that forbids them', async () => {
    const html = reportToHtml(await closedCafReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(|href="(?!#)/i);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"');
  });

  it('shows every rule by its plain-English name with its id, status tag and citations in full, grouped by stage, and the breach on the timeline', async () => {
    const report = await closedCafReport();
    const html = reportToHtml(report);
    for (const r of report.rules) {
      expect(html).toContain(`data-rule="${r.rule}" data-status="${r.status}"`);
      expect(html).toContain(escapeHtml(ruleLabels[r.rule]));
      expect(html).toContain(`<code>${r.rule}</code>`);
      for (const citation of ruleCitations(r.rule)) expect(html).toContain(escapeHtml(citation));
    }
    // The house shorthand (G "…" ¶2, F step 5) is for developers: the page writes citations out.
    expect(html).not.toMatch(/¶|F step \d/);
    expect(html.match(/class="govuk-tag govuk-tag--red">Breached</g)?.length).toBe(3); // the total, the breach found and the rule
    expect(html).toContain('Initial family plan meeting held late');
    for (const stage of ['decision', 'preparation', 'final-meeting', 'closure', 'ehm', 'early-help', 'any']) {
      expect(html).toContain(`data-stage-group="${stage}"`);
    }
    expect(html.match(/data-breach="/g)?.length).toBe(1);
    for (const s of report.stages) expect(html).toContain(`data-stage="${s.stage}"`);
  });

  it('escapes every value, in text and attributes', async () => {
    const html = reportToHtml(poisoned(await closedCafReport()));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('alert("x")');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toContain('"http://e.test');
    expect(html).not.toMatch(/<script|href="http/i);
  });

  it('draws an open case: the current stage runs to the latest date, open deadlines and the as-of line', async () => {
    const { engine } = testEngine();
    await decidedWithViews(engine, 'P-1');
    await sendAll(engine, 'P-1', [disagreement('school', '2024-03-07T10:00:00Z', 'D-2')]);
    const report = await complianceReport(engine, 'P-1');
    const svg = timelineSvg(report);
    expect(svg).toContain('data-stage="preparation"');
    expect(svg).toContain('data-deadline="disagreement-resolution:D-2" data-status="open"');
    expect(svg).toContain('data-marker="as-of"');
    expect(svg).not.toContain('data-breach=');
    const html = reportToHtml(report);
    expect(html).toContain('No breaches.');
    expect(html).toContain('No breaches withdrawn.');
    expect(html).toContain('None: no entry was voided.');
    expect(html).toContain('<code>disagreement.resolved</code>');
  });
});
