import { z } from 'zod';
import { defineEvent, personIdList, textFields, textList } from './common.js';
import { eCafFormSchema } from './ecaf-form.js';

/** The e-CAF referral with the summary CAF transfer form, finalised (F step 5, G "Role of the Social Worker" ¶4). */
export const eCafReferralCompletedSchema = defineEvent(
  'eCaf.referralCompleted',
  "The Social Worker completes and finalises the referral to e-CAF with every mandatory section of the summary CAF transfer form (F step 5, G \"Role of the Social Worker\" ¶4).",
  {
    form: eCafFormSchema,
  },
);

/**
 * The transfer details (F step 6). `parentsAware` is a boolean, not `true`, on purpose: a "no" is a
 * well-formed answer that the machine refuses as a gate (`parents-aware-of-transfer`), so the
 * refusal names the rule and is audited.
 */
export const transferDetailsCompletedSchema = defineEvent(
  'transferDetails.completed',
  'The Social Worker completes and finalises the transfer details (F step 6).',
  {
    parentsAware: z
      .boolean()
      .describe('"Are parents aware of the transfer?" The transfer cannot be finalised unless this is true.'),
  },
);

/** The case closure summary the Team Manager comments on and authorises (G "Role of the Social Worker" ¶6). */
export const closureSummaryCompletedSchema = defineEvent(
  'closureSummary.completed',
  'The Social Worker writes the case closure summary and sends it to the Team Manager (G "Role of the Social Worker" ¶6, G "Case closure and referral to EHM" ¶1).',
  textFields({
    whyInvolved: 'Why the child has had statutory social care involvement.',
    whatWasDone: 'What has been done to support the child and family.',
    outcome: 'What the outcome was.',
    impact: 'The impact of social care involvement on the outcomes for the child.',
    whyThresholdNoLongerMet: 'How the threshold for social care involvement is no longer met.',
    stepDownPlan: 'The plan to step down to CAF, including the step-down plan.',
  }).shape,
);

/**
 * The Team Manager's review of the file before agreeing closure (G "Role of the Social Work Team
 * Manager" ¶1). Each item is a boolean: a "no" is a finding the machine records and gates on
 * (`tm-file-review`), not a malformed event.
 */
export const fileReviewCompletedSchema = defineEvent(
  'fileReview.completed',
  'The Team Manager reviews the file before agreeing closure (G "Role of the Social Work Team Manager" ¶1). Closure waits until every item is true.',
  {
    supervisions: z.boolean().describe('Supervisions are recorded.'),
    chronology: z.boolean().describe('The chronology is up to date.'),
    childsPlans: z.boolean().describe("The child's plans are recorded."),
    childsReviews: z.boolean().describe("The child's reviews are recorded."),
    assessmentsUploaded: z.boolean().describe('All assessments are uploaded.'),
    viewsOnClosureEvidenced: z
      .boolean()
      .describe('The views of the child and parents about case closure are evidenced and understood.'),
  },
);

/** The Team Manager authorises the step down after quality assurance (F step 7, G "Role of the Social Work Team Manager" ¶2–3). */
export const stepDownAuthorisedSchema = defineEvent(
  'stepDown.authorised',
  "The Team Manager quality assures the last CIN meeting, the closure summary and the CAF assessment and authorises 'Step Down' (F step 7, G \"Role of the Social Work Team Manager\" ¶2–3).",
  {},
);

/** The Team Manager returns the step down to the Social Worker (G "Role of the Social Work Team Manager" ¶2–3). */
export const stepDownReturnedSchema = defineEvent(
  'stepDown.returned',
  'The Team Manager returns the step down to the Social Worker with reasons, instead of authorising it (G "Role of the Social Work Team Manager" ¶2–3).',
  {
    reasons: textList('What must be put right (at least one reason).'),
    reconvene: z
      .boolean()
      .optional()
      .describe('True when the last meeting must be held again: the case goes back to preparation (views, consent and the Lead Professional may be revised) for a new last meeting.'),
  },
);

/** The CIN minutes and the CAF assessment with the family plan are sent to all (G "Role of the Social Worker" ¶2). */
export const documentsSharedSchema = defineEvent(
  'documents.shared',
  'The Social Worker sends the CIN minutes and the step-down CAF assessment with the family plan to ALL family members and partners involved (G "Role of the Social Worker" ¶2).',
  {
    recipients: personIdList('Everyone the documents were sent to, by person id: every parent/carer and practitioner still involved, and the Lead Professional.'),
  },
);

/** Referral closure, final: the case is closed to CSC (F step 8). */
export const cscClosedSchema = defineEvent(
  'csc.closed',
  "The Social Worker completes 'Referral Closure - Final': the case is closed to CSC (F step 8). The CAF starts.",
  {},
);

/** The closure and referral events, in the flowchart's order. */
export const closureEventSchemas = [
  eCafReferralCompletedSchema,
  transferDetailsCompletedSchema,
  closureSummaryCompletedSchema,
  fileReviewCompletedSchema,
  stepDownAuthorisedSchema,
  stepDownReturnedSchema,
  documentsSharedSchema,
  cscClosedSchema,
] as const;
