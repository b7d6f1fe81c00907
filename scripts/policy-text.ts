/**
 * The two policy texts split into the pieces a citation names: the practice guidance into
 * paragraphs under their section headings (G), the flowchart into its numbered steps (F), both as
 * `docs/decisions.md` ("Citations") counts them. Read from the repo's copies in docs/policy/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowchartSteps, type GuidanceSection } from '../src/policy/citation.js';

/** Where the repo keeps its copies of the policy texts (checked equal to ../shared/policy by the catalogue test). */
export const policyDir = join(import.meta.dirname, '..', 'docs', 'policy');

/** The guidance's headings in the order the text gives them. */
export const guidanceHeadings: readonly GuidanceSection[] = [
  'Decision made to step down from CSC to CAF',
  'Final CIN/Step down to CAF meeting',
  'Case closure and referral to EHM',
  'Challenge and support to identify a Lead Professional',
  'Initial Family Planning Meeting',
  'Step down standards/Role and Responsibilities',
  'Role of the Social Worker',
  'Role of the Social Work Team Manager',
  'Role of the CAF Link Worker',
  'Role of the Lead Professional',
];

/** The paragraphs before the first heading: no citation can name them, but they are part of the text. */
export const introduction = 'Introduction';

/** One citable piece of a policy text. */
export interface PolicyPiece {
  readonly source: 'G' | 'F';
  /** The guidance's section heading (or {@link introduction}); for the flowchart, the step's title. */
  readonly section: string;
  /** The paragraph number under the heading, counted from 1; the flowchart's step number. */
  readonly number: number;
  /** The words of the text, lines kept. */
  readonly text: string;
}

function read(name: string): string {
  return readFileSync(join(policyDir, name), 'utf8').replace(/\r/g, '');
}

/**
 * The practice guidance split into sections by heading, each a list of paragraphs. Paragraphs are
 * blocks between blank lines; a list (lines after a sentence ending in ':', or lines starting '- ')
 * belongs to the paragraph before it, as docs/decisions.md says. The title lines and the closing
 * "Reviewed …" line are not paragraphs; the paragraphs before the first heading are the
 * {@link introduction}'s.
 */
export function guidanceSections(headings: readonly string[] = guidanceHeadings): Map<string, string[]> {
  const blocks = read('practice-guidance.txt').split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  const sections = new Map<string, string[]>();
  // The first two blocks are the document's title ("Practice Guidance", "Step down from CSC to CAF Early Help").
  let current: string[] = [];
  sections.set(introduction, current);
  let listOpen = false;
  for (const block of blocks.slice(2)) {
    if (headings.includes(block)) {
      current = [];
      sections.set(block, current);
      listOpen = false;
      continue;
    }
    if (block.startsWith('Reviewed ')) continue;
    if ((listOpen || block.startsWith('- ')) && current.length > 0) {
      current[current.length - 1] += `\n${block}`;
    } else {
      current.push(block);
    }
    listOpen = block.endsWith(':') || (listOpen && !/[.!?]$/.test(block));
  }
  return sections;
}

/**
 * Which lines of the flowchart text belong to which step. The chart is a drawing exported as text,
 * so boxes come out of order (the Lead Professional box before the decisions) and the ladder's
 * boxes after long runs of blank lines; a line matching none of these continues the step of the
 * line before it (the summary form's sections 1–12 under step 5).
 */
const stepStarts: readonly (readonly [RegExp, keyof typeof flowchartSteps])[] = [
  [/^10 day checkpoint decision/, 1],
  [/^CP and\/or CIN outcome decision/, 1],
  [/^Lead Professional identified\.?$/, 2],
  [/^Final Core Group\/CIN meeting/, 3],
  [/^Multi agency meeting with family/, 3],
  [/^Social Worker selects ‘Step Down to CAF/, 4],
  [/^Social Worker selects ‘Referral to e-CAF/, 5],
  [/^Social Worker completes ‘Transfer Details’/, 6],
  [/^Social Workers manager to quality assure/, 7],
  [/^Social Worker completes ‘Referral Closure/, 8],
  [/^\*CAF link worker will support challenge/, 9],
  [/^Still no Lead Professional$/, 10],
  [/^Early Help &Support Manager will take to/, 10],
  [/^If still no Lead Professional identified, then Manager/, 11],
];

/**
 * The flowchart's steps 1–11 with the lines of the text that belong to each, in step order. Throws
 * when a line belongs to no step, so a changed flowchart cannot silently drop words.
 */
export function flowchartPieces(text: string = read('process-flowchart.txt')): PolicyPiece[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const byStep = new Map<number, string[]>();
  let step: number | null = null;
  // The first line is the chart's title and date.
  for (const line of lines.slice(1)) {
    step = stepStarts.find(([pattern]) => pattern.test(line))?.[1] ?? step;
    if (step === null) throw new Error(`process-flowchart.txt: the line "${line}" belongs to no step; add it to stepStarts.`);
    const kept = byStep.get(step) ?? [];
    // The Lead Professional box appears twice in the export; say it once.
    if (!kept.some((k) => k.replace(/\.$/, '') === line.replace(/\.$/, ''))) kept.push(line);
    byStep.set(step, kept);
  }
  return Object.entries(flowchartSteps).map(([n, title]) => {
    const stepLines = byStep.get(Number(n));
    if (!stepLines) throw new Error(`process-flowchart.txt: no line of the text belongs to step ${n}.`);
    return { source: 'F', section: title, number: Number(n), text: stepLines.join('\n') };
  });
}

/**
 * Every citable piece of both texts in order: the guidance's paragraphs (introduction first, then
 * each section in the text's order), then the flowchart's steps.
 */
export function policyPieces(): PolicyPiece[] {
  const guidance = [...guidanceSections()].flatMap(([section, paragraphs]) =>
    paragraphs.map((text, i): PolicyPiece => ({ source: 'G', section, number: i + 1, text })),
  );
  return [...guidance, ...flowchartPieces()];
}

/** The dated titles of the two texts, from their own first lines. */
export function policyTitles(): { readonly guidance: string; readonly flowchart: string } {
  const guidance = read('practice-guidance.txt');
  const reviewed = /^Reviewed .*$/m.exec(guidance)?.[0] ?? '';
  const title = guidance.split('\n').map((l) => l.trim()).filter(Boolean)[1] ?? '';
  const flowchart = read('process-flowchart.txt').split('\n')[0]!.trim();
  return { guidance: `${title} (${reviewed.charAt(0).toLowerCase()}${reviewed.slice(1)})`, flowchart };
}
