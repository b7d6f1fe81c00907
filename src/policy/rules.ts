import { StepDownError } from '../errors.js';
import { flowchart, formatCitation, guidance, type Citation } from './citation.js';

/**
 * How a rule acts:
 * - `gate`: blocks the step until met (the event is refused and nothing changes);
 * - `timescale`: a deadline; missing it never blocks, it records a breach and notifies;
 * - `record`: something that must be documented; a shortfall is recorded as a breach, never blocks.
 */
export type RuleKind = 'gate' | 'timescale' | 'record';

/** The stage of the step down a rule belongs to. */
export type RuleStage = 'decision' | 'preparation' | 'final-meeting' | 'closure' | 'ehm' | 'early-help' | 'any';

/** One requirement of the policy. */
export interface Rule {
  /** Stable id; tests and breaches name it. */
  readonly id: string;
  /** Whether the rule blocks, sets a deadline, or asks for a record. */
  readonly kind: RuleKind;
  /** Where in the policy texts it comes from. */
  readonly citations: readonly Citation[];
  /** The citations formatted in the house form, e.g. `G "Decision made to step down from CSC to CAF" ¶3`. */
  readonly citation: string;
  /** The stage it applies to. */
  readonly stage: RuleStage;
  /** One line in the project's own words. */
  readonly summary: string;
}

function rule<const Id extends string>(
  id: Id,
  kind: RuleKind,
  stage: RuleStage,
  summary: string,
  ...citations: Citation[]
): Rule & { readonly id: Id } {
  return { id, kind, stage, summary, citations, citation: formatCitation(citations) };
}

const DECISION = 'Decision made to step down from CSC to CAF';
const FINAL = 'Final CIN/Step down to CAF meeting';
const CHALLENGE = 'Challenge and support to identify a Lead Professional';
const SW = 'Role of the Social Worker';
const TM = 'Role of the Social Work Team Manager';
const CLW = 'Role of the CAF Link Worker';
const LP = 'Role of the Lead Professional';

/**
 * The catalogue: one entry per requirement of the practice guidance (G) and the flowchart (F).
 * Requirements deliberately left out are listed in docs/decisions.md with the reason.
 * docs/policy-trace.md is generated from this list (`npm run trace`).
 */
export const rules = [
  // Entry and decision
  rule('entry-route', 'record', 'decision',
    'A case enters step down from a CIN outcome, a CP outcome or a 10-day checkpoint decision.',
    flowchart(1)),
  rule('threshold-decision', 'gate', 'decision',
    'The Social Worker and Team Manager agree in supervision why the threshold is no longer met before anything else is done.',
    guidance(SW, 1)),
  rule('division-of-duties', 'gate', 'any',
    'Each step is taken only by the role the policy gives it to.',
    guidance('Step down standards/Role and Responsibilities', 1)),
  rule('step-sequence', 'gate', 'any',
    'Steps happen in the order of the flowchart, each dated no earlier than the step it follows and never before the case opened.',
    flowchart(3), flowchart(4), flowchart(5), flowchart(6), flowchart(7), flowchart(8)),

  rule('destination', 'record', 'decision',
    'The step down goes to a CAF or to universal services; either way the case leaves CSC only through the last meeting, the closure summary, the Team Manager\'s review and authorisation, the documents shared and the CSC closure.',
    guidance('Step down standards/Role and Responsibilities', 1), guidance(SW, 2, 6), guidance(TM, 1)),
  rule('own-cases-only', 'gate', 'any',
    'A user in the Lead Professional role acts only on a case whose current Lead Professional they are.',
    guidance(LP, 2, 3, 4)),
  rule('transfer-out', 'record', 'any',
    'A family that moves to another authority is transferred out: the case ends and its open deadlines are cancelled.',
    guidance('Step down standards/Role and Responsibilities', 1)),
  rule('people-on-record', 'gate', 'any',
    'Every person an event names is a person of the case by id, still involved, and of the relationship the step needs: consent from a parent/carer, a Lead Professional from a partner agency.',
    guidance(DECISION, 1, 2), guidance(SW, 2)),

  // Preparation before the final meeting
  rule('views-recorded', 'gate', 'preparation',
    'The proposal is shared and the views of the child, the parents and the partners are documented before the final meeting.',
    guidance(DECISION, 1), guidance(SW, 2)),
  rule('informed-consent', 'gate', 'preparation',
    'A parent or carer gives informed consent to the CAF, recording what information is shared and why, before the final meeting.',
    guidance(DECISION, 1), guidance(SW, 3)),
  rule('consent-refusal-is-disagreement', 'record', 'preparation',
    'Refused consent is a family disagreement: it is worked on with the Team Manager like any other.',
    guidance(DECISION, 1, 3)),
  rule('family-disagreement', 'record', 'preparation',
    "A parent's or child's disagreement is discussed with the Team Manager and explored with the family.",
    guidance(DECISION, 3)),
  rule('partner-disagreement', 'record', 'preparation',
    "A partner agency's disagreement is documented with its reason and raised with the Team Manager.",
    guidance(DECISION, 4)),
  rule('disagreement-resolution', 'timescale', 'preparation',
    'Each disagreement is resolved within 5 working days of being raised.',
    guidance(DECISION, 3, 4)),
  rule('no-open-disagreement', 'gate', 'preparation',
    'The final meeting, the authorisation and the closure to CSC wait until no disagreement is open.',
    guidance(DECISION, 3, 4)),
  rule('disagreement-withdrawal', 'record', 'preparation',
    'A disagreement resolved by withdrawing the step down leaves the case with CSC.',
    guidance(DECISION, 3, 4)),
  rule('step-down-withdrawal', 'record', 'any',
    'The Team Manager may withdraw the step down at any time before the case closes to CSC; the case stays with CSC.',
    guidance(TM, 1), guidance(SW, 1)),
  rule('lead-professional-identified', 'gate', 'preparation',
    'A Lead Professional is identified and has agreed before the final meeting.',
    guidance(DECISION, 2), flowchart(2)),
  rule('lp-escalation-clw', 'gate', 'preparation',
    'When no agency agrees to be Lead Professional, the Social Worker raises it with the CAF Link Worker first.',
    guidance(CHALLENGE, 1), guidance(CLW, 1), flowchart(9)),
  rule('lp-clw-challenge', 'gate', 'preparation',
    'The CAF Link Worker challenges the partners already involved before the case goes to the Transforming Lives Panel.',
    guidance(CHALLENGE, 1), flowchart(9)),
  rule('lp-transforming-lives-panel', 'gate', 'preparation',
    'The EH&SS Manager takes the case to the Transforming Lives Panel before recording that no agency will be Lead Professional.',
    guidance(CHALLENGE, 1), flowchart(10)),
  rule('lp-none-universal-services', 'record', 'preparation',
    'With no Lead Professional after the panel, the EH&SS Manager adds a case note, the Social Worker, family and all agencies are informed, and the case steps down to universal services.',
    guidance(CHALLENGE, 2), flowchart(11)),

  // The final meeting
  rule('final-meeting-kind', 'gate', 'final-meeting',
    'CIN and CP routes end in a final CIN or core group meeting; the 10-day checkpoint route in a multi-agency meeting with the family.',
    flowchart(3)),
  rule('final-meeting-views', 'record', 'final-meeting',
    'The meeting gathers and records the views of the child, the parents and the partners.',
    guidance(FINAL, 1), guidance(SW, 2)),
  rule('caf-assessment-in-meeting', 'record', 'final-meeting',
    "The step-down CAF assessment is completed in the meeting with progress, remaining needs and the child's voice evident.",
    guidance(FINAL, 2), flowchart(3)),
  rule('destination-plan', 'gate', 'final-meeting',
    'The last meeting documents the plan for the destination: for a CAF the assessment, the SMART family plan and the first family plan meeting date; for universal services the plan to step down to universal services and none of the CAF\'s.',
    guidance(SW, 2), guidance(FINAL, 2, 3)),
  rule('reconvened-meeting', 'record', 'closure',
    'The Team Manager may return the step down for the last meeting to be held again: the case goes back to preparation, and the new meeting is judged afresh.',
    guidance(TM, 2, 3)),
  rule('smart-family-plan', 'gate', 'final-meeting',
    'A SMART family plan is agreed by the family and all partners.',
    guidance(FINAL, 3), guidance(SW, 5), flowchart(3)),
  rule('first-meeting-date', 'timescale', 'final-meeting',
    'The meeting sets the date of the first family plan meeting, no later than 28 days after it.',
    guidance(FINAL, 3), flowchart(3)),
  rule('lead-professional-attends', 'record', 'final-meeting',
    'The Lead Professional attends the final meeting.',
    guidance(LP, 1)),
  rule('step-down-outcome', 'record', 'closure',
    "The outcome of the final meeting is recorded as 'Step Down to CAF' before the referral.",
    flowchart(4)),

  // Closure and referral to EHM
  rule('ecaf-referral-complete', 'gate', 'closure',
    'The e-CAF referral (summary CAF transfer form) has all 12 sections completed, with the first family plan meeting date agreed at the meeting.',
    flowchart(5), guidance('Case closure and referral to EHM', 1), guidance(SW, 4)),
  rule('parents-aware-of-transfer', 'gate', 'closure',
    "Transfer details are finalised only when the parents are aware of the transfer.",
    flowchart(6)),
  rule('closure-summary', 'gate', 'closure',
    'The Social Worker writes a comprehensive closure summary and sends it to the Team Manager for comment and authorisation.',
    guidance(SW, 6), guidance('Case closure and referral to EHM', 1)),
  rule('tm-file-review', 'gate', 'closure',
    "The Team Manager finds supervisions, chronology, child's plans, reviews, all assessments and the views on closure on file before agreeing closure.",
    guidance(TM, 1)),
  rule('tm-quality-assurance', 'gate', 'closure',
    'The Team Manager quality assures the last meeting, the closure summary and the CAF assessment, then authorises the step down or returns it with reasons.',
    guidance(TM, 2, 3), guidance('Case closure and referral to EHM', 1), flowchart(7)),
  rule('separation-of-duties', 'gate', 'closure',
    'The person who wrote the closure summary is not the person who authorises it.',
    guidance(SW, 6), guidance(TM, 2)),
  rule('documents-shared-with-all', 'gate', 'closure',
    'The CIN minutes and the CAF assessment with the family plan go to all family members and partners involved.',
    guidance(SW, 2)),
  rule('csc-closure', 'gate', 'closure',
    'The referral closure is finalised, closing the case to CSC, only after authorisation and sharing.',
    flowchart(8)),

  // Quality assurance in EHM
  rule('ehm-quality-assurance', 'gate', 'ehm',
    'The CAF Link Worker quality assures and authorises the CAF in EHM, asking the Social Worker for more information as often as needed.',
    guidance(CLW, 2), guidance('Case closure and referral to EHM', 1)),
  rule('clw-contacts-lead-professional', 'timescale', 'ehm',
    'Once the file is in EHM, the CAF Link Worker contacts the Lead Professional, in time to make sure the first family plan meeting happens within its 4 weeks: due with that meeting.',
    guidance(CLW, 3)),

  // Early Help under the CAF
  rule('first-family-plan-meeting', 'timescale', 'early-help',
    'The initial family plan meeting is held within 28 days of the case closing to CSC.',
    guidance('Initial Family Planning Meeting', 1), guidance(LP, 2), guidance(CLW, 3)),
  rule('family-plan-meeting-record', 'record', 'early-help',
    'Each family plan meeting is recorded on EHM and copies are shared with the family.',
    guidance('Initial Family Planning Meeting', 1), guidance(LP, 2)),
  rule('family-plan-review', 'timescale', 'early-help',
    'Review family plan meetings are held every 6 to 8 weeks: no later than day 56 after the previous one.',
    guidance(LP, 2)),
  rule('caf-closure-all-actions-met', 'gate', 'early-help',
    'The final family plan meeting and the CAF closure happen only when every action of the family plan is met.',
    guidance(LP, 3)),
  rule('caf-twelve-months', 'timescale', 'early-help',
    'If the plan is not met within 12 months of the CAF starting, the Lead Professional completes a reassessment; the clock then starts again.',
    guidance(LP, 4)),
  rule('reassessment', 'record', 'early-help',
    'A reassessment is completed with contributions from the team around the family.',
    guidance(LP, 4)),
  rule('lead-professional-change', 'gate', 'early-help',
    'A Lead Professional who leaves under the CAF is replaced by agreement or by the ladder again; with none found, the EH&SS Manager adds the case note and the CAF closes to universal services.',
    guidance(CHALLENGE, 1, 2), flowchart(11)),
  rule('step-up', 'record', 'early-help',
    'The case may be referred back to Children’s Social Care at any time under the CAF.',
    guidance('Step down standards/Role and Responsibilities', 1)),
  rule('consent-withdrawal', 'record', 'early-help',
    'The CAF is voluntary: when consent is withdrawn the CAF closes.',
    guidance(DECISION, 1), guidance(SW, 3)),
] as const;

/** The id of a rule in the catalogue. */
export type RuleId = (typeof rules)[number]['id'];

const byId = new Map<string, Rule>(rules.map((r) => [r.id, r]));

/**
 * Looks a rule up by id.
 *
 * @example
 * ```ts
 * getRule('disagreement-resolution').citation;
 * // => 'G "Decision made to step down from CSC to CAF" ¶3–4'
 * ```
 */
export function getRule(id: RuleId): Rule {
  const found = byId.get(id);
  // The ids are a closed union, so this only fires if the catalogue and the type disagree.
  if (!found) throw new StepDownError('INVALID_ARGUMENT', `Unknown rule '${id}': use one of the ids in \`rules\`.`);
  return found;
}
