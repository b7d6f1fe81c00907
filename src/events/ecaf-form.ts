import { z } from 'zod';
import { isoDate, text, textFields, textList } from './common.js';

/** Labels a field with its section of the summary CAF transfer form, the flowchart's list 1–12 (F step 5). */
function section(number: number, title: string, detail?: string): string {
  return `F e-CAF form section ${number}: ${title}${detail ? `. ${detail}` : ''}`;
}

/**
 * The summary CAF transfer form the Social Worker completes in the e-CAF referral (F step 5). Its
 * twelve sections are all mandatory, so each is required here: a missing one is an invalid event,
 * named by its section number.
 */
export const eCafFormSchema = z
  .strictObject({
    backgroundAndHistory: text.describe(section(1, 'Background and history')),
    reasonForStepDown: text.describe(section(2, 'Reason for step down')),
    familyExperiencing: textList(
      section(3, 'What the family are experiencing', 'The boxes ticked, at least one'),
    ),
    keyAgencies: textList(section(4, 'Key agencies', 'Who are already working with the family, at least one')),
    voiceOfChild: text.describe(section(5, 'Voice of the child/ren/unborn')),
    voiceOfParents: text.describe(section(6, 'Voice of the parents/carers')),
    childsNeeds: textFields({
      health: 'Health.',
      education: 'Education.',
      developmentSpeechAndLanguage: 'Development: speech and language.',
      physical: 'Physical.',
      emotional: 'Emotional.',
      identity: 'Identity.',
      socialPresentation: 'Social presentation.',
      selfCare: 'Self-care.',
      familyRelationships: 'Family relationships.',
    }).describe(section(7, "Child's needs")),
    parentingCapacity: textFields({
      adverseChildhoodExperiences: 'Adverse childhood experiences.',
      emotionalCare: 'Emotional care.',
      guidanceAndBoundaries: 'Guidance and boundaries.',
      stability: 'Stability.',
      safety: 'Safety.',
      adultIssues: 'Adult issues.',
    }).describe(section(8, 'Parenting capacity')),
    environmentalFactors: textFields({
      familyHistoryAndFunctioning: 'Family history and functioning.',
      relationships: 'Relationships.',
      housingFacilitiesIncome: 'Housing, facilities, income.',
      widerFamily: 'Wider family.',
      socialIntegrationAndCommunityResources: 'Family social integration, community resources.',
    }).describe(section(9, 'Environmental factors')),
    familyPlanOutline: text.describe(section(10, 'Outline family plan, detailed')),
    firstFamilyPlanMeetingDate: isoDate.describe(
      section(11, 'Date of first family plan meeting', 'As agreed at the final CIN or core group meeting'),
    ),
    leadProfessional: textFields({
      name: "The Lead Professional's name.",
      contact: 'Their contact details.',
    }).describe(section(12, 'Name of Lead Professional and contact details')),
  })
  .describe('The summary CAF transfer form (F step 5, sections 1–12, all mandatory).');

/** The summary CAF transfer form: the type of {@link eCafFormSchema}. */
export type ECafForm = z.infer<typeof eCafFormSchema>;
