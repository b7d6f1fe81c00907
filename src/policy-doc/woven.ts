import { z } from 'zod';

/**
 * A rule as the woven policy shows it: what it is, where the code enforces it, and the tests named after it.
 *
 * @example
 * ```ts
 * wovenRuleSchema.parse(woven.rules[0]).id; // => 'entry-route'
 * ```
 */
export const wovenRuleSchema = z.object({
  id: z.string(),
  kind: z.enum(['gate', 'timescale', 'record']),
  summary: z.string(),
  /** The rule's citations in the house form. */
  citation: z.string(),
  /** Source files of the enforcing parts that name the rule. */
  enforcedIn: z.array(z.string()),
  /** `test file › test title` of every test whose title starts with the rule's id. */
  tests: z.array(z.string()),
});

/**
 * One paragraph of the guidance, or one step of the flowchart, with the rules that cite it.
 *
 * @example
 * ```ts
 * wovenParagraphSchema.parse(woven.paragraphs[3]).ref; // => 'G "Decision made to step down from CSC to CAF" ¶1'
 * ```
 */
export const wovenParagraphSchema = z.object({
  /** `G "section" ¶n` or `F step n`: how a citation names it. */
  ref: z.string(),
  source: z.enum(['G', 'F']),
  /** The guidance's section heading (`Introduction` before the first one); the flowchart step's title. */
  section: z.string(),
  /** Paragraph number under the heading, or the step number. */
  number: z.number().int().positive(),
  /** The words of the policy, lines kept. */
  text: z.string(),
  /** Ids of the rules that cite it, in catalogue order; empty when none does. */
  rules: z.array(z.string()),
  /** For a paragraph no rule cites: why, from docs/decisions.md ("Paragraphs no rule cites"), or null when none is given. */
  uncitedReason: z.string().nullable(),
});

const coverageSchema = z.object({ cited: z.number().int().nonnegative(), total: z.number().int().nonnegative() });

/**
 * The woven policy as `docs/policy.json` holds it: the zod schema is its type and the check made
 * when the command line reads the file.
 *
 * @example
 * ```ts
 * const woven = wovenPolicySchema.parse(JSON.parse(readFileSync('docs/policy.json', 'utf8')));
 * ```
 */
export const wovenPolicySchema = z.object({
  /** The dated titles of the practice guidance and the flowchart. */
  titles: z.object({ guidance: z.string(), flowchart: z.string() }),
  /** Paragraphs cited of paragraphs in the texts: in all, and for each text. */
  coverage: z.object({ all: coverageSchema, guidance: coverageSchema, flowchart: coverageSchema }),
  /** Every paragraph of the guidance in order, then every step of the flowchart. */
  paragraphs: z.array(wovenParagraphSchema),
  /** Every rule of the catalogue, in catalogue order, by id. */
  rules: z.array(wovenRuleSchema),
});

/** The policy texts paragraph by paragraph, each with the rules that cite it (see `caf-step-down policy`). */
export type WovenPolicy = z.infer<typeof wovenPolicySchema>;

/** One paragraph (or flowchart step) of a {@link WovenPolicy}. */
export type WovenParagraph = z.infer<typeof wovenParagraphSchema>;

/** One rule of a {@link WovenPolicy}: kind, summary, citation, where enforced, its tests. */
export type WovenRule = z.infer<typeof wovenRuleSchema>;

/**
 * The coverage line both renderings print: paragraphs cited of paragraphs in the texts.
 *
 * @example
 * ```ts
 * coverageLine(woven);
 * // => '39 of 42 paragraphs cited: 28 of 31 in the practice guidance, 11 of 11 flowchart steps.'
 * ```
 */
export function coverageLine(woven: WovenPolicy): string {
  const { all, guidance, flowchart } = woven.coverage;
  return `${all.cited} of ${all.total} paragraphs cited: ${guidance.cited} of ${guidance.total} in the practice guidance, ${flowchart.cited} of ${flowchart.total} flowchart steps.`;
}

/**
 * The paragraphs grouped as the texts group them: by text, then by section heading (each flowchart
 * step is its own group), in order.
 */
export function sectionsOf(woven: WovenPolicy): { source: 'G' | 'F'; section: string; paragraphs: WovenParagraph[] }[] {
  const groups: { source: 'G' | 'F'; section: string; paragraphs: WovenParagraph[] }[] = [];
  for (const paragraph of woven.paragraphs) {
    const last = groups[groups.length - 1];
    if (last && last.source === paragraph.source && last.section === paragraph.section) last.paragraphs.push(paragraph);
    else groups.push({ source: paragraph.source, section: paragraph.section, paragraphs: [paragraph] });
  }
  return groups;
}
