/**
 * Weaves the policy texts with the rule catalogue: each paragraph (or flowchart step), the rules
 * that cite it, and for those no rule cites the reason docs/decisions.md gives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Citation } from '../src/policy/citation.js';
import type { Rule } from '../src/policy/rules.js';
import { rules as catalogue } from '../src/policy/rules.js';
import type { WovenPolicy } from '../src/policy-doc/woven.js';
import { policyPieces, policyTitles, type PolicyPiece } from './policy-text.js';
import { traceRules, type RuleTrace } from './trace-data.js';

/** The heading of the docs/decisions.md section that lists the paragraphs no rule cites, and why. */
export const uncitedHeading = '## Paragraphs no rule cites';

/** How a citation names a piece of the texts: `G "section" ¶n`, `F step n`. */
export function pieceRef(piece: Pick<PolicyPiece, 'source' | 'section' | 'number'>): string {
  return piece.source === 'G' ? `G "${piece.section}" ¶${piece.number}` : `F step ${piece.number}`;
}

function citedRefs(citation: Citation): string[] {
  return citation.source === 'G'
    ? citation.paragraphs.map((n) => pieceRef({ source: 'G', section: citation.section, number: n }))
    : [pieceRef({ source: 'F', section: '', number: citation.step })];
}

/**
 * The reasons docs/decisions.md gives for paragraphs no rule cites, by reference. Its section lists
 * them one bullet each, `- **G "Section" ¶1–3**: why` (a range or a list `¶1, ¶3` names several;
 * `F step n` names a flowchart step).
 */
export function uncitedReasons(decisions: string): Map<string, string> {
  const start = decisions.indexOf(`\n${uncitedHeading}\n`);
  const reasons = new Map<string, string>();
  if (start < 0) return reasons;
  const section = decisions.slice(start + uncitedHeading.length + 2).split(/\n## /)[0]!;
  // A bullet may wrap onto indented lines.
  for (const bullet of section.split(/\n(?=- )/)) {
    const match = /^- \*\*(G "([^"]+)" ([^*]+)|F step (\d+))\*\*:\s*([\s\S]+)$/.exec(bullet.trim());
    if (!match) continue;
    const why = match[5]!.replace(/\s*\n\s*/g, ' ').trim();
    if (match[4] !== undefined) {
      reasons.set(pieceRef({ source: 'F', section: '', number: Number(match[4]) }), why);
      continue;
    }
    for (const n of paragraphNumbers(match[3]!)) reasons.set(pieceRef({ source: 'G', section: match[2]!, number: n }), why);
  }
  return reasons;
}

function paragraphNumbers(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const range = /¶(\d+)(?:[–-](\d+))?/.exec(part);
    if (!range) return [];
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/**
 * The woven policy from its parts: every piece of the texts in order with the ids of the rules
 * that cite it (in catalogue order), the reason for each piece none cites, and the coverage.
 * A citation naming a piece the texts do not have is an error: the catalogue test checks the same.
 */
export function weave(input: {
  readonly pieces: readonly PolicyPiece[];
  readonly rules: readonly Rule[];
  readonly traces: readonly RuleTrace[];
  readonly reasons: ReadonlyMap<string, string>;
  readonly titles: WovenPolicy['titles'];
}): WovenPolicy {
  const citing = new Map<string, string[]>();
  for (const rule of input.rules) {
    for (const ref of new Set(rule.citations.flatMap(citedRefs))) citing.set(ref, [...(citing.get(ref) ?? []), rule.id]);
  }
  const paragraphs = input.pieces.map((piece) => {
    const ref = pieceRef(piece);
    const ruleIds = citing.get(ref) ?? [];
    citing.delete(ref);
    return { ref, ...piece, rules: ruleIds, uncitedReason: ruleIds.length === 0 ? (input.reasons.get(ref) ?? null) : null };
  });
  if (citing.size > 0) throw new Error(`Rules cite what the policy texts do not have: ${[...citing.keys()].join('; ')}.`);
  const traces = new Map(input.traces.map((t) => [t.id, t]));
  const coverage = (source?: 'G' | 'F') => {
    const of = paragraphs.filter((p) => source === undefined || p.source === source);
    return { cited: of.filter((p) => p.rules.length > 0).length, total: of.length };
  };
  return {
    titles: input.titles,
    coverage: { all: coverage(), guidance: coverage('G'), flowchart: coverage('F') },
    paragraphs,
    rules: input.rules.map((rule) => ({
      id: rule.id,
      kind: rule.kind,
      summary: rule.summary,
      citation: rule.citation,
      enforcedIn: [...(traces.get(rule.id)?.enforcedIn ?? [])],
      tests: [...(traces.get(rule.id)?.tests ?? [])],
    })),
  };
}

/** The woven policy of this repository: its texts, its catalogue, its code and tests, its decisions. */
export function weavePolicy(): WovenPolicy {
  const decisions = readFileSync(join(import.meta.dirname, '..', 'docs', 'decisions.md'), 'utf8');
  return weave({
    pieces: policyPieces(),
    rules: catalogue,
    traces: traceRules(),
    reasons: uncitedReasons(decisions),
    titles: policyTitles(),
  });
}
