import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The policy texts as the repo keeps them (copies of ../shared/policy, checked equal when present). */
export const policyDir = join(import.meta.dirname, '..', '..', 'docs', 'policy');

/**
 * The practice guidance split into sections by heading, each a list of paragraphs. Paragraphs are
 * blocks between blank lines; a list (lines after a sentence ending in ':', or lines starting '- ')
 * belongs to the paragraph before it, as docs/decisions.md says.
 */
export function guidanceSections(headings: readonly string[]): Map<string, string[]> {
  const text = readFileSync(join(policyDir, 'practice-guidance.txt'), 'utf8').replace(/\r/g, '');
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  let listOpen = false;
  for (const block of text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean)) {
    if (headings.includes(block)) {
      current = [];
      sections.set(block, current);
      listOpen = false;
      continue;
    }
    if (!current || block.startsWith('Reviewed ')) continue;
    if ((listOpen || block.startsWith('- ')) && current.length > 0) {
      current[current.length - 1] += `\n${block}`;
    } else {
      current.push(block);
    }
    listOpen = block.endsWith(':') || (listOpen && !/[.!?]$/.test(block));
  }
  return sections;
}
