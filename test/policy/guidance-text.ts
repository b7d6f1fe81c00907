import { guidanceSections as sections, introduction, policyDir } from '../../scripts/policy-text.js';

/** The policy texts as the repo keeps them (copies of ../shared/policy, checked equal when present). */
export { policyDir };

/**
 * The practice guidance split into sections by heading, each a list of paragraphs, as
 * scripts/policy-text.ts reads it for docs/policy.md; only the headed sections (citations cannot
 * name the introduction).
 */
export function guidanceSections(headings: readonly string[]): Map<string, string[]> {
  const all = sections(headings);
  all.delete(introduction);
  return all;
}
