import type { Citation } from '../policy/citation.js';
import { getRule, type RuleId } from '../policy/rules.js';

/**
 * One citation written out in full, for readers who have the policy documents but not this
 * project's shorthand: "Practice guidance, 'Role of the Lead Professional', paragraph 2";
 * "Flowchart, step 5: 'Referral to e-CAF: …'".
 *
 * @example
 * ```ts
 * citationText({ source: 'G', section: 'Role of the Lead Professional', paragraphs: [2] });
 * // => "Practice guidance, 'Role of the Lead Professional', paragraph 2"
 * ```
 */
export function citationText(citation: Citation): string {
  if (citation.source === 'F') return `Flowchart, step ${citation.step}: '${citation.title}'`;
  return `Practice guidance, '${citation.section}', ${paragraphsText(citation.paragraphs)}`;
}

/**
 * A rule's citations written out in full, one per source, in the catalogue's order.
 *
 * @example
 * ```ts
 * ruleCitations('family-plan-review'); // => ["Practice guidance, 'Role of the Lead Professional', paragraph 2"]
 * ```
 */
export function ruleCitations(rule: RuleId): string[] {
  return getRule(rule).citations.map(citationText);
}

function paragraphsText(paragraphs: readonly number[]): string {
  const sorted = [...paragraphs].sort((a, b) => a - b);
  if (sorted.length === 1) return `paragraph ${sorted[0]}`;
  const contiguous = sorted.every((p, i) => i === 0 || p === sorted[i - 1]! + 1);
  if (contiguous && sorted.length > 2) return `paragraphs ${sorted[0]} to ${sorted.at(-1)}`;
  return `paragraphs ${sorted.slice(0, -1).join(', ')} and ${sorted.at(-1)}`;
}
