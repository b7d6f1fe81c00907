import { describe, expect, it } from 'vitest';
import { invalidEvent, withField } from './invalid.js';
import { sampleEvent } from './samples.js';

const at = '2024-05-20T14:30:00+01:00';

/** The summary CAF transfer form's sections as the flowchart lists them (F step 5, 1–12), and their fields. */
const sections = [
  [1, 'Background and history', 'backgroundAndHistory'],
  [2, 'Reason for step down', 'reasonForStepDown'],
  [3, 'What the family are experiencing', 'familyExperiencing'],
  [4, 'Key agencies', 'keyAgencies'],
  [5, 'Voice of the child/ren/unborn', 'voiceOfChild'],
  [6, 'Voice of the parents/carers', 'voiceOfParents'],
  [7, "Child's needs", 'childsNeeds'],
  [8, 'Parenting capacity', 'parentingCapacity'],
  [9, 'Environmental factors', 'environmentalFactors'],
  [10, 'Outline family plan, detailed', 'familyPlanOutline'],
  [11, 'Date of first family plan meeting', 'firstFamilyPlanMeetingDate'],
  [12, 'Name of Lead Professional and contact details', 'leadProfessional'],
] as const;

describe('e-CAF referral: the summary CAF transfer form (F step 5)', () => {
  it.each(sections)('rejects the form without section %i (%s), naming the section', (number, title, field) => {
    const error = invalidEvent(withField(sampleEvent('eCaf.referralCompleted', at), `form.${field}`, undefined));
    expect(error.details.issues.map((issue) => issue.path)).toEqual([`form.${field}`]);
    expect(error.message).toContain(`form.${field}: required`);
    expect(error.message).toContain(`F e-CAF form section ${number}: ${title}`);
  });

  it.each([
    ['childsNeeds', ['health', 'education', 'developmentSpeechAndLanguage', 'physical', 'emotional', 'identity', 'socialPresentation', 'selfCare', 'familyRelationships']],
    ['parentingCapacity', ['adverseChildhoodExperiences', 'emotionalCare', 'guidanceAndBoundaries', 'stability', 'safety', 'adultIssues']],
    ['environmentalFactors', ['familyHistoryAndFunctioning', 'relationships', 'housingFacilitiesIncome', 'widerFamily', 'socialIntegrationAndCommunityResources']],
  ] as const)('requires every heading of %s', (section, headings) => {
    const event = sampleEvent('eCaf.referralCompleted', at);
    for (const heading of headings) {
      const error = invalidEvent(withField(event, `form.${section}.${heading}`, undefined));
      expect(error.details.issues.map((issue) => issue.path)).toEqual([`form.${section}.${heading}`]);
    }
  });

  it('reports every missing section at once', () => {
    const error = invalidEvent({ ...sampleEvent('eCaf.referralCompleted', at), form: {} });
    expect(error.details.issues.map((issue) => issue.path)).toEqual(sections.map(([, , field]) => `form.${field}`));
  });

  it('rejects a misspelt heading rather than dropping it', () => {
    const event = sampleEvent('eCaf.referralCompleted', at);
    const error = invalidEvent(withField(event, 'form.childsNeeds.selfcare', 'Age-appropriate.'));
    expect(error.details.issues.map((issue) => issue.path)).toEqual(['form.childsNeeds.selfcare']);
  });
});
