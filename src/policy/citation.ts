/**
 * Where a rule comes from. `G` is the practice guidance ("Step down from CSC to CAF Early Help",
 * reviewed August 2024), cited by its section heading and paragraph numbers counted from 1 under that
 * heading; `F` is the process flowchart (November 2023), cited by the step numbers given in
 * `docs/decisions.md` ("Flowchart steps").
 */
export type Citation =
  | { readonly source: 'G'; readonly section: GuidanceSection; readonly paragraphs: readonly number[] }
  | { readonly source: 'F'; readonly step: number; readonly title: string };

/** The section headings of the practice guidance, exactly as the text gives them. */
export type GuidanceSection =
  | 'Decision made to step down from CSC to CAF'
  | 'Final CIN/Step down to CAF meeting'
  | 'Case closure and referral to EHM'
  | 'Challenge and support to identify a Lead Professional'
  | 'Initial Family Planning Meeting'
  | 'Step down standards/Role and Responsibilities'
  | 'Role of the Social Worker'
  | 'Role of the Social Work Team Manager'
  | 'Role of the CAF Link Worker'
  | 'Role of the Lead Professional';

/** Cites paragraphs of a section of the practice guidance. */
export function guidance(section: GuidanceSection, ...paragraphs: number[]): Citation {
  return { source: 'G', section, paragraphs };
}

/**
 * The flowchart's steps, numbered top to bottom, left column then the Lead Professional ladder on the
 * right (the chart itself has no numbers; see docs/decisions.md).
 */
export const flowchartSteps = {
  1: 'Step down decision (CIN/CP outcome or 10 day checkpoint)',
  2: 'Lead Professional identified',
  3: 'Final Core Group/CIN meeting or multi agency meeting with family',
  4: "Social Worker selects 'Step Down to CAF' as an outcome",
  5: "Referral to e-CAF: summary CAF transfer form sections 1-12",
  6: "Transfer Details: 'Are parents aware of the transfer?'",
  7: "Manager quality assures and authorises 'Step Down'",
  8: "Referral Closure - Final",
  9: 'CAF link worker challenges those already involved to take the Lead Professional role',
  10: 'Still no Lead Professional: Early Help & Support Manager takes to Transforming Lives Panel',
  11: 'Still no Lead Professional: Manager adds a case note and the CAF will close',
} as const;

/** Cites a step of the flowchart. */
export function flowchart(step: keyof typeof flowchartSteps): Citation {
  return { source: 'F', step, title: flowchartSteps[step] };
}

/**
 * Formats citations in the house form: `G "Section" ¶3` and `F step 5 "title"`, joined by `; `.
 *
 * @example
 * ```ts
 * formatCitation([guidance('Decision made to step down from CSC to CAF', 3, 4)]);
 * // => 'G "Decision made to step down from CSC to CAF" ¶3–4'
 * ```
 */
export function formatCitation(citations: readonly Citation[]): string {
  return citations
    .map((c) =>
      c.source === 'G' ? `G "${c.section}" ${formatParagraphs(c.paragraphs)}` : `F step ${c.step} "${c.title}"`,
    )
    .join('; ');
}

function formatParagraphs(paragraphs: readonly number[]): string {
  const sorted = [...paragraphs].sort((a, b) => a - b);
  const contiguous = sorted.every((p, i) => i === 0 || p === sorted[i - 1]! + 1);
  if (sorted.length >= 2 && contiguous) return `¶${sorted[0]}–${sorted[sorted.length - 1]}`;
  return sorted.map((p) => `¶${p}`).join(', ');
}
