import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWovenPolicy, rules, wovenPolicyToHtml, wovenPolicyToMarkdown, type Rule } from '../../src/index.js';
import { flowchartPieces, policyDir, policyPieces, policyTitles } from '../../scripts/policy-text.js';
import { pieceRef, uncitedReasons, weave, weavePolicy } from '../../scripts/policy-weave.js';
import { traceRules } from '../../scripts/trace-data.js';

const root = join(import.meta.dirname, '..', '..');
const woven = weavePolicy();
const decisions = readFileSync(join(root, 'docs', 'decisions.md'), 'utf8');

/** The woven policy of the real texts with another catalogue and other reasons. */
function weaveWith(catalogue: readonly Rule[], reasons: ReadonlyMap<string, string> = new Map()) {
  return weave({ pieces: policyPieces(), rules: catalogue, traces: traceRules(), reasons, titles: policyTitles() });
}

describe('the woven policy', () => {
  it('has a current docs/policy.md and docs/policy.json', () => {
    expect(() => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/policy.ts', '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it('holds every paragraph of the guidance in order, then the eleven flowchart steps, in the texts’ own words', () => {
    const guidance = readFileSync(join(policyDir, 'practice-guidance.txt'), 'utf8');
    const flowchart = readFileSync(join(policyDir, 'process-flowchart.txt'), 'utf8');
    const g = woven.paragraphs.filter((p) => p.source === 'G');
    expect(g).toHaveLength(31);
    expect(g.slice(0, 4).map((p) => p.ref)).toEqual([
      'G "Introduction" ¶1',
      'G "Introduction" ¶2',
      'G "Introduction" ¶3',
      'G "Decision made to step down from CSC to CAF" ¶1',
    ]);
    expect(g.at(-1)!.ref).toBe('G "Role of the Lead Professional" ¶4');
    // In the order of the text: each paragraph starts after the one before it.
    let at = 0;
    for (const p of g) {
      const found = guidance.indexOf(p.text.split('\n')[0]!, at);
      expect(found, p.ref).toBeGreaterThanOrEqual(at);
      at = found;
    }
    expect(g.find((p) => p.ref === 'G "Role of the Social Work Team Manager" ¶1')!.text).toMatch(/Supervisions\n- Chronology[\s\S]*understood\.$/);
    const f = woven.paragraphs.filter((p) => p.source === 'F');
    expect(f.map((p) => p.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const p of f) for (const line of p.text.split('\n')) expect(flowchart, p.ref).toContain(line);
    expect(f[4]!.text).toMatch(/^Social Worker selects ‘Referral to e-CAF[\s\S]*12\. Name of Lead Professional and contact details$/);
  });

  it('follows each paragraph with exactly the rules whose citations name it, in catalogue order', () => {
    const byRef = new Map(woven.paragraphs.map((p) => [p.ref, p.rules]));
    for (const rule of rules) {
      for (const c of rule.citations) {
        const refs = c.source === 'G' ? c.paragraphs.map((n) => pieceRef({ source: 'G', section: c.section, number: n })) : [`F step ${c.step}`];
        for (const ref of refs) expect(byRef.get(ref), `${rule.id} → ${ref}`).toContain(rule.id);
      }
    }
    const mentions = woven.paragraphs.reduce((n, p) => n + p.rules.length, 0);
    const cited = rules.reduce((n, r) => n + new Set(r.citations.flatMap((c) => (c.source === 'G' ? c.paragraphs.map((p) => `${c.section}${p}`) : [`F${c.step}`]))).size, 0);
    expect(mentions).toBe(cited);
    expect(byRef.get('F step 3')).toEqual(['step-sequence', 'final-meeting-kind', 'caf-assessment-in-meeting', 'smart-family-plan', 'first-meeting-date']);
    const rule = woven.rules.find((r) => r.id === 'first-meeting-date')!;
    expect(rule.kind).toBe('timescale');
    expect(rule.enforcedIn.length).toBeGreaterThan(0);
    expect(rule.tests.every((t) => / › first-meeting-date: /.test(t))).toBe(true);
  });

  it('counts the coverage as paragraphs cited of paragraphs in the texts: 39 of 42, the introduction uncited', () => {
    expect(woven.coverage).toEqual({ all: { cited: 39, total: 42 }, guidance: { cited: 28, total: 31 }, flowchart: { cited: 11, total: 11 } });
    expect(woven.paragraphs.filter((p) => p.rules.length === 0).map((p) => p.ref)).toEqual([
      'G "Introduction" ¶1',
      'G "Introduction" ¶2',
      'G "Introduction" ¶3',
    ]);
  });

  it('marks a paragraph no rule cites, with the reason docs/decisions.md gives, or says none is given', () => {
    const intro = woven.paragraphs[0]!;
    expect(intro.uncitedReason).toMatch(/^the opening paragraphs say why the step down matters/);
    // Take away the rules that cite the panel step: it is uncited, with no reason on file.
    const without = weaveWith(rules.filter((r) => !r.citations.some((c) => c.source === 'F' && c.step === 10)), uncitedReasons(decisions));
    const panel = without.paragraphs.find((p) => p.ref === 'F step 10')!;
    expect(panel.rules).toEqual([]);
    expect(panel.uncitedReason).toBeNull();
    expect(without.coverage.flowchart).toEqual({ cited: 10, total: 11 });
    expect(wovenPolicyToMarkdown(without)).toContain('### F step 10: Still no Lead Professional: Early Help \\& Support Manager takes to Transforming Lives Panel\n\n> Still no Lead Professional\\\n');
    expect(wovenPolicyToMarkdown(without)).toMatch(/Transforming Lives Panel\n\n\*\*No rule cites this paragraph\.\*\* docs\/decisions\.md gives no reason\./);
  });

  it('reads docs/decisions.md’s list of uncited paragraphs: ranges, lists and flowchart steps; it names only paragraphs no rule cites', () => {
    const reasons = uncitedReasons('# D\n\n## Paragraphs no rule cites\n\n- **G "Role of the CAF Link Worker" ¶1, ¶3**: advice\n  only.\n- **F step 9**: done by hand.\n- **G "Introduction" ¶1–2**: purpose.\n\n## Next\n\n- **F step 1**: not this section.\n');
    expect(Object.fromEntries(reasons)).toEqual({
      'G "Role of the CAF Link Worker" ¶1': 'advice only.',
      'G "Role of the CAF Link Worker" ¶3': 'advice only.',
      'F step 9': 'done by hand.',
      'G "Introduction" ¶1': 'purpose.',
      'G "Introduction" ¶2': 'purpose.',
    });
    const real = uncitedReasons(decisions);
    const uncited = woven.paragraphs.filter((p) => p.rules.length === 0).map((p) => p.ref);
    expect([...real.keys()].sort()).toEqual([...uncited].sort());
  });

  it('stops when a rule cites a paragraph the texts do not have, or a flowchart line belongs to no step', () => {
    const stray = { ...rules[0]!, citations: [{ source: 'G' as const, section: 'Role of the Social Worker' as const, paragraphs: [7] }] };
    expect(() => weaveWith([stray])).toThrow('G "Role of the Social Worker" ¶7');
    const flowchart = readFileSync(join(policyDir, 'process-flowchart.txt'), 'utf8');
    expect(() => flowchartPieces(`${flowchart.split('\n')[0]}\nA box added in the revision\n${flowchart}`)).toThrow('"A box added in the revision" belongs to no step');
  });

  it('renders the same woven policy the command line reads from docs/policy.json', () => {
    expect(loadWovenPolicy(join(root, 'docs', 'policy.json'))).toEqual(JSON.parse(JSON.stringify(woven)));
    expect(wovenPolicyToMarkdown(loadWovenPolicy())).toBe(readFileSync(join(root, 'docs', 'policy.md'), 'utf8'));
  });

  it('keeps the text’s own list marks as text in Markdown, each line of a paragraph on its own line', () => {
    const md = wovenPolicyToMarkdown(woven);
    expect(md).toContain('> Supervisions\\\n> \\- Chronology\\\n> \\- Child\'s plans\\\n');
    expect(md).toContain('> 10\\. Outline  family plan detailed\\\n');
    expect(md).toContain('**Coverage:** 39 of 42 paragraphs cited: 28 of 31 in the practice guidance, 11 of 11 flowchart steps.');
  });

  it('renders one self-contained, accessible HTML page, everything escaped', () => {
    const tricky = { ...rules.find((r) => r.id === 'entry-route')!, summary: 'Opens <script>alert(1)</script> & more' };
    const html = wovenPolicyToHtml(weaveWith([tricky, ...rules.filter((r) => r.id !== 'entry-route')], uncitedReasons(decisions)));
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).not.toMatch(/<script|<link|\bsrc=|href="(?!#)/);
    expect(html).toContain('Opens &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toContain('<a class="skip" href="#main">');
    expect(html).toContain('<meter min="0" max="42" value="39" aria-label="Paragraphs cited">39 of 42</meter>');
    // Every in-page link lands on an element with that id.
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    for (const [, target] of html.matchAll(/href="#([^"]+)"/g)) expect(ids, target).toContain(target);
    expect(html).toContain('<strong>No rule cites this paragraph.</strong> Why (docs/decisions.md): the opening paragraphs');
    expect(html).toContain('<code>informed-consent</code>');
  });
});
