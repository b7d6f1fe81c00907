import { z } from 'zod';
import { idSchema } from '../ids/id.js';
import { defineEvent, isoDate, text, textList } from './common.js';

const personId = (description: string) => idSchema.describe(description);

/**
 * The decision to step down, agreed by the Social Worker and Team Manager in supervision
 * (G "Role of the Social Worker" ¶1). Opens preparation.
 */
export const decisionAgreedSchema = defineEvent(
  'decision.agreed',
  'The Social Worker and Team Manager agree in supervision to step down, to a CAF or to universal services (G "Role of the Social Worker" ¶1–2, ¶6; G "Step down standards/Role and Responsibilities" ¶1).',
  {
    rationale: text.describe('Why the threshold for social care is no longer met and the case is ready to step down.'),
    destination: z
      .enum(['caf', 'universal-services'])
      .optional()
      .describe("Where the case steps down to: 'caf' (a CAF with a Lead Professional; the default) or 'universal-services' (no CAF)."),
  },
);

/**
 * One person's view of the step-down proposal (G "Decision made to step down from CSC to CAF" ¶1).
 * Whether it is the child's, a parent's or a partner's follows from the person's relationship.
 */
export const viewsRecordedSchema = defineEvent(
  'views.recorded',
  'The Social Worker documents the view of the child, a parent/carer or a partner on the proposal to step down (G "Decision made to step down from CSC to CAF" ¶1).',
  {
    personId: personId('Whose view: a person of the case (child, parent/carer, family member or practitioner).'),
    agrees: z.boolean().describe('Whether they agree with the proposal. A disagreement is raised with disagreement.raised.'),
    summary: text.describe('Their view, as documented. For a baby or unborn child, their lived experience.'),
  },
);

/** Informed consent to the CAF from a parent/carer, saying what is shared and why (G "Decision made to step down from CSC to CAF" ¶1). */
export const consentGivenSchema = defineEvent(
  'consent.given',
  'A parent/carer gives informed consent to the CAF; what information is shared and why is recorded (G "Decision made to step down from CSC to CAF" ¶1, G "Role of the Social Worker" ¶3).',
  {
    personId: personId('The parent/carer who consented.'),
    informationShared: textList('What information will be shared (at least one item).'),
    purpose: text.describe('Why it is shared and with whom.'),
  },
);

/** Consent refused: a family disagreement with its own 5-working-day clock (docs/decisions.md "Refused consent is a family disagreement"). */
export const consentRefusedSchema = defineEvent(
  'consent.refused',
  'A parent/carer refuses consent to the CAF. This opens a family disagreement, resolved within 5 working days (G "Decision made to step down from CSC to CAF" ¶3).',
  {
    personId: personId('The parent/carer who refused.'),
    reason: text.describe('Why, as they gave it.'),
    disagreementId: idSchema.describe("The host's id for the disagreement this opens, unique within the case."),
  },
);

/** A parent, the child or a partner disagrees with the step down (G "Decision made to step down from CSC to CAF" ¶3–4). */
export const disagreementRaisedSchema = defineEvent(
  'disagreement.raised',
  'A parent, the child or a partner agency disagrees with stepping down; documented with its reason and raised with the Team Manager, to be resolved within 5 working days (G "Decision made to step down from CSC to CAF" ¶3–4). A family or partner disagreement follows from the person.',
  {
    disagreementId: idSchema.describe("The host's id for this disagreement, unique within the case; disagreement.resolved names it."),
    personId: personId('Who disagrees: a person of the case.'),
    reason: text.describe('Why they disagree, as documented.'),
  },
);

/** How a disagreement ends (G "Decision made to step down from CSC to CAF" ¶3–4). */
export const disagreementResolvedSchema = defineEvent(
  'disagreement.resolved',
  'The Team Manager resolves a disagreement: agreed (the step down goes on) or the step down withdrawn (the case remains with CSC) (G "Decision made to step down from CSC to CAF" ¶3–4).',
  {
    disagreementId: idSchema.describe('The id given when the disagreement was raised.'),
    outcome: z
      .enum(['agreed', 'step-down-withdrawn'])
      .describe("'agreed': the step down goes on; 'step-down-withdrawn': the case remains with CSC."),
    summary: text.describe('How it was resolved.'),
  },
);

/** A Lead Professional has agreed to take the role (G "Decision made to step down from CSC to CAF" ¶2, F step 2). */
export const leadProfessionalAgreedSchema = defineEvent(
  'leadProfessional.agreed',
  'A practitioner agrees to be the Lead Professional for the CAF (G "Decision made to step down from CSC to CAF" ¶2, F step 2).',
  {
    personId: personId('The practitioner who agreed: a person of the case with the relationship practitioner.'),
    contact: text.describe('How to contact them (e-CAF section 12).'),
  },
);

/** Ladder rung 1: no agency agrees; the Social Worker raises it with the CAF Link Worker (G "Challenge and support to identify a Lead Professional" ¶1). */
export const leadProfessionalNotFoundSchema = defineEvent(
  'leadProfessional.notFound',
  'No agency agrees to be Lead Professional; the Social Worker raises it with the CAF Link Worker (G "Challenge and support to identify a Lead Professional" ¶1).',
  {
    agenciesAsked: textList('The agencies asked to take the Lead Professional role.'),
  },
);

/** Ladder rung 2: the CAF Link Worker's challenge found no Lead Professional (G "Challenge and support to identify a Lead Professional" ¶1, F step 9). */
export const leadProfessionalChallengeFailedSchema = defineEvent(
  'leadProfessional.challengeFailed',
  "The CAF Link Worker's challenge of the partners already involved found no Lead Professional; the EH&SS Manager takes the case to the Transforming Lives Panel (G \"Challenge and support to identify a Lead Professional\" ¶1, F step 9).",
  {
    agenciesChallenged: textList('The partners already involved who were challenged to take the role.'),
  },
);

/** Ladder rung 3: the Transforming Lives Panel found no Lead Professional (G "Challenge and support to identify a Lead Professional" ¶1, F step 10). */
export const leadProfessionalPanelFailedSchema = defineEvent(
  'leadProfessional.panelFailed',
  'The Transforming Lives Panel found no agency to be Lead Professional (G "Challenge and support to identify a Lead Professional" ¶1, F step 10).',
  {
    panelDate: isoDate.describe('The date of the Transforming Lives Panel.'),
  },
);

/** Ladder's end: the case note that no agency will be Lead Professional; the case steps down to universal services (G "Challenge and support to identify a Lead Professional" ¶2, F step 11). */
export const noLeadProfessionalRecordedSchema = defineEvent(
  'noLeadProfessional.recorded',
  'The EH&SS Manager adds a case note that no agency will take the Lead Professional role; the Social Worker, family and all agencies are informed and the case steps down to universal services (G "Challenge and support to identify a Lead Professional" ¶2, F step 11).',
  {
    caseNote: text.describe('The case note, as added.'),
    informed: z
      .strictObject({
        socialWorker: z.literal(true).describe('The Social Worker has been informed: must be true.'),
        family: z.literal(true).describe('The family has been informed: must be true.'),
        agencies: textList('The agencies informed (all agencies involved).'),
      })
      .describe('Who has been informed (G "Challenge and support to identify a Lead Professional" ¶2).'),
  },
);

/** The step down is withdrawn before the final meeting: the case remains with CSC. */
export const stepDownWithdrawnSchema = defineEvent(
  'stepDown.withdrawn',
  'The Team Manager withdraws the step down before it completes; the case remains with CSC.',
  {
    reason: text.describe('Why the step down is withdrawn.'),
  },
);

/** The preparation events, in the order the policy describes them. */
export const preparationEventSchemas = [
  decisionAgreedSchema,
  viewsRecordedSchema,
  consentGivenSchema,
  consentRefusedSchema,
  disagreementRaisedSchema,
  disagreementResolvedSchema,
  leadProfessionalAgreedSchema,
  leadProfessionalNotFoundSchema,
  leadProfessionalChallengeFailedSchema,
  leadProfessionalPanelFailedSchema,
  noLeadProfessionalRecordedSchema,
  stepDownWithdrawnSchema,
] as const;
