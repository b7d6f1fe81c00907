import { z } from 'zod';
import { idSchema } from '../ids/id.js';
import { defineEvent, listWithUniqueIds, text, textList } from './common.js';

/** An action's status as a family plan meeting reports it. */
export const familyPlanActionStatusSchema = z
  .strictObject({
    id: idSchema.describe("The action's id, as given in the family plan at the final meeting."),
    status: z.enum(['met', 'open']).describe("'met' when the action is done; 'open' while it is not."),
  })
  .describe("One action's status.");

/** A family plan meeting: initial, review or final (G "Initial Family Planning Meeting" ¶1, G "Role of the Lead Professional" ¶2–3). */
export const familyPlanMeetingHeldSchema = defineEvent(
  'familyPlanMeeting.held',
  'A family plan meeting led by the Lead Professional: the initial one within 4 weeks of closing to CSC, reviews every 6–8 weeks, a final one when all actions are met (G "Initial Family Planning Meeting" ¶1, G "Role of the Lead Professional" ¶2–3).',
  {
    kind: z.enum(['initial', 'review', 'final']).describe('Which meeting: the initial one, a review, or the final one.'),
    progress: text.describe('The progress against the family plan, as evidenced.'),
    childVoice: text.describe("The child's voice and experience: how the plan is improving outcomes for them."),
    recordedOnEhm: z.boolean().describe('The meeting is recorded on EHM.'),
    copiesSharedWithFamily: z.boolean().describe('Copies have been shared with the family.'),
    actions: listWithUniqueIds(familyPlanActionStatusSchema, "The status of the plan's actions."),
  },
);

/** The reassessment when the plan is not met within 12 months (G "Role of the Lead Professional" ¶4). */
export const reassessmentCompletedSchema = defineEvent(
  'reassessment.completed',
  'Not all actions are met within 12 months and the CAF is still needed: the Lead Professional completes a reassessment with the team around the family; the 12 months start again (G "Role of the Lead Professional" ¶4).',
  {
    contributors: textList('The team around the family members who contributed.'),
  },
);

/** The CAF closes with the plan met (G "Role of the Lead Professional" ¶3). */
export const cafClosedSchema = defineEvent(
  'caf.closed',
  'All actions of the family plan are met: after the final family plan meeting the Lead Professional closes the CAF (G "Role of the Lead Professional" ¶3).',
  {
    summary: text.describe('The progress and impact of the multi-agency support for the child and family.'),
  },
);

/** The parent/carer withdraws consent: the CAF, being voluntary, closes. */
export const consentWithdrawnSchema = defineEvent(
  'consent.withdrawn',
  'A parent/carer withdraws consent; the CAF is voluntary and closes.',
  {
    personId: idSchema.describe('The parent/carer who withdrew consent.'),
    reason: text.describe('Why, as they gave it.'),
  },
);

/** The case is referred back to CSC (G "Step down standards/Role and Responsibilities" ¶1). */
export const stepUpReferredSchema = defineEvent(
  'stepUp.referred',
  'The case is referred back into social care (G "Step down standards/Role and Responsibilities" ¶1).',
  {
    reason: text.describe('Why the case is referred back to CSC.'),
  },
);

/** The Lead Professional leaves the role under the CAF (DOMAIN "The Lead Professional can change"). */
export const leadProfessionalLeftSchema = defineEvent(
  'leadProfessional.left',
  'The Lead Professional leaves the role while the CAF runs: the CAF waits for a new one, found by agreement or by the ladder again; at the ladder\'s end the CAF closes (G "Challenge and support to identify a Lead Professional" ¶1–2, F step 11).',
  {
    reason: text.describe('Why they left the role.'),
  },
);

/** The family moves to another authority: the case ends here (DOMAIN "Outcomes"). */
export const caseTransferredOutSchema = defineEvent(
  'case.transferredOut',
  'The family moves to another local authority: the case is transferred out and ends here, its open deadlines cancelled.',
  {
    toAuthority: text.describe('The authority the case is transferred to.'),
  },
);

/** The Early Help events, under the CAF. */
export const earlyHelpEventSchemas = [
  familyPlanMeetingHeldSchema,
  reassessmentCompletedSchema,
  cafClosedSchema,
  consentWithdrawnSchema,
  stepUpReferredSchema,
  leadProfessionalLeftSchema,
  caseTransferredOutSchema,
] as const;
