import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rules } from '../../src/index.js';
import { traceRules } from '../../scripts/trace-data.js';
import { guidanceHeadings } from '../../scripts/policy-text.js';
import { guidanceSections, policyDir } from './guidance-text.js';

/** The guidance's headings, as docs/policy.md reads the text by them. */
const headings = guidanceHeadings;

describe('the rule catalogue', () => {
  it('has unique kebab-case ids, each with a kind, a summary and at least one citation', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(['gate', 'timescale', 'record']).toContain(rule.kind);
      expect(rule.summary.length).toBeGreaterThan(20);
      expect(rule.citations.length).toBeGreaterThan(0);
      expect(rule.citation).toMatch(/^(G "[^"]+" ¶\d|F step \d+ ")/);
    }
  });

  it('names the six timescales: the five the guidance fixes, and the CAF Link Worker’s contact due with the first family plan meeting (issue 10)', () => {
    const timescales = rules.filter((r) => r.kind === 'timescale').map((r) => r.id).sort();
    expect(timescales).toEqual([
      'caf-twelve-months',
      'clw-contacts-lead-professional',
      'disagreement-resolution',
      'family-plan-review',
      'first-family-plan-meeting',
      'first-meeting-date',
    ]);
  });

  it('has the rules of every path (issue 10), each of its kind', () => {
    const kinds = Object.fromEntries(rules.map((r) => [r.id, r.kind]));
    expect(kinds).toMatchObject({
      destination: 'record',
      'destination-plan': 'gate',
      'own-cases-only': 'gate',
      'transfer-out': 'record',
      'reconvened-meeting': 'record',
      'lead-professional-change': 'gate',
    });
  });

  it('cites only sections and paragraphs that exist in the practice guidance', () => {
    const sections = guidanceSections(headings);
    expect([...sections.keys()].sort()).toEqual([...headings].sort());
    for (const rule of rules) {
      for (const citation of rule.citations) {
        if (citation.source !== 'G') continue;
        const paragraphs = sections.get(citation.section)!;
        for (const n of citation.paragraphs) expect(n, `${rule.id}: ${citation.section} ¶${n}`).toBeLessThanOrEqual(paragraphs.length);
      }
    }
  });

  it('counts paragraphs as the decisions say: the Team Manager’s file list is part of ¶1', () => {
    const sections = guidanceSections(headings);
    expect(sections.get('Role of the Social Work Team Manager')).toHaveLength(3);
    expect(sections.get('Role of the Social Worker')).toHaveLength(6);
    expect(sections.get('Decision made to step down from CSC to CAF')![2]).toMatch(/within 5 working days/);
    expect(sections.get('Role of the Lead Professional')![3]).toMatch(/12 months/);
  });

  it('keeps the repo’s copy of the policy texts identical to the specification', () => {
    for (const name of ['practice-guidance.txt', 'process-flowchart.txt']) {
      const shared = join(policyDir, '..', '..', '..', 'shared', 'policy', name);
      if (!existsSync(shared)) continue;
      expect(readFileSync(join(policyDir, name), 'utf8')).toBe(readFileSync(shared, 'utf8'));
    }
  });

  it('leaves no rule without code that enforces it and a test named after it', () => {
    const missing = traceRules().filter((t) => t.enforcedIn.length === 0 || t.tests.length === 0);
    expect(missing.map((t) => `${t.id}: ${t.enforcedIn.length} places, ${t.tests.length} tests`)).toEqual([]);
  });

  it('has a current docs/policy-trace.md', () => {
    const root = join(import.meta.dirname, '..', '..');
    expect(() =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/policy-trace.ts', '--check'], { cwd: root, stdio: 'pipe' }),
    ).not.toThrow();
  });
});
