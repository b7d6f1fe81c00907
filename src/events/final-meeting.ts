import { z } from 'zod';
import { idSchema } from '../ids/id.js';
import { defineEvent, isoDate, listWithUniqueIds, personIdList, text, textList } from './common.js';

/** One action of the SMART family plan: what, who and by when (G "Final CIN/Step down to CAF meeting" ¶3). */
export const familyPlanActionSchema = z
  .strictObject({
    id: idSchema.describe("The host's id for the action, unique within the plan; family plan meetings report its status by this id."),
    description: text.describe('What will be done: specific and measurable.'),
    owner: text.describe('Who is responsible for it.'),
    by: isoDate.describe('When it is to be done by.'),
  })
  .describe('One action of the family plan.');

/**
 * The final meeting: the final CIN or core group meeting (CIN and CP routes) or the multi-agency
 * meeting with the family (10-day-checkpoint route). G "Final CIN/Step down to CAF meeting" ¶1–3,
 * F step 3; it also records the outcome "step down to CAF" (F step 4, docs/decisions.md).
 */
export const finalMeetingHeldSchema = defineEvent(
  'finalMeeting.held',
  'The last CIN / core group meeting, or the multi-agency meeting with the family: views gathered and the plan documented. For a CAF, the step-down CAF assessment completed, a SMART family plan agreed and the first family plan meeting date set within 4 weeks (G "Final CIN/Step down to CAF meeting" ¶1–3, F steps 3–4); for universal services, the plan to step down to universal services (G "Role of the Social Worker" ¶2).',
  {
    kind: z
      .enum(['final-cin', 'core-group', 'multi-agency'])
      .describe("'final-cin' or 'core-group' on the CIN and CP routes; 'multi-agency' (with the family) on the 10-day-checkpoint route."),
    attendees: personIdList('Who attended, by person id: the family and all partners, including the Lead Professional.'),
    otherAttendees: textList('Anyone else who attended who is not a person of the case, in words.').optional(),
    views: z
      .strictObject({
        child: text.describe("The child's view, gathered in the meeting."),
        parents: text.describe("The parents'/carers' views."),
        partners: text.describe("The partner agencies' views."),
      })
      .describe('The views gathered and recorded in the meeting (G "Final CIN/Step down to CAF meeting" ¶1).'),
    cafAssessment: z
      .strictObject({
        progress: text.describe('Updated, current information evidencing impact and progress for the child.'),
        remainingNeeds: text.describe('The areas that still need support.'),
        childVoice: text.describe("The child's voice and experience, informing the decision and the plan."),
      })
      .optional()
      .describe('The step-down CAF assessment completed in the meeting with all partners (G "Final CIN/Step down to CAF meeting" ¶2). Required for a step down to CAF; none for universal services.'),
    familyPlan: z
      .strictObject({
        actions: listWithUniqueIds(familyPlanActionSchema, 'The actions of the plan.'),
        smart: z.literal(true).describe('The plan is SMART (G "Role of the Social Worker" ¶5): must be true.'),
        agreedByFamily: z.literal(true).describe('The family agreed the plan: must be true.'),
        agreedByPartners: z.literal(true).describe('All partners agreed the plan: must be true.'),
      })
      .optional()
      .describe('The SMART family plan agreed by all partners and the family (G "Final CIN/Step down to CAF meeting" ¶3). Required for a step down to CAF; none for universal services.'),
    firstFamilyPlanMeetingDate: isoDate
      .optional()
      .describe(
        'The date set for the initial family plan meeting: within 4 weeks of this meeting (G "Final CIN/Step down to CAF meeting" ¶3). Required for a step down to CAF; none for universal services.',
      ),
    universalServicesPlan: text
      .optional()
      .describe('For a step down to universal services: the plan to step down to universal services, as the last meeting documents it (G "Role of the Social Worker" ¶2). None for a CAF.'),
  },
);

/** The final meeting's event. */
export const finalMeetingEventSchemas = [finalMeetingHeldSchema] as const;
