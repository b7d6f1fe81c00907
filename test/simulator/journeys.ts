/**
 * Every journey issue 6 names, and those of issue 9's stories, with the outcome and breaches each
 * must come to. Written out here, not read from the files, so a scenario file whose own `expect`
 * drifted would still fail this test.
 */
export const journeys: Record<string, { outcome: string; breaches: string[] }> = {
  straightforward: { outcome: 'caf-closed', breaches: [] },
  'parent-disagrees-won-round': { outcome: 'caf-closed', breaches: [] },
  'partner-disagrees-withdrawn': { outcome: 'remains-with-csc', breaches: [] },
  'lead-professional-ladder': { outcome: 'universal-services', breaches: [] },
  'closure-returned-once': { outcome: 'caf-closed', breaches: [] },
  'ehm-more-information-twice': { outcome: 'caf-closed', breaches: [] },
  'initial-meeting-held-late': { outcome: 'caf-closed', breaches: ['first-family-plan-meeting'] },
  'review-missed-over-christmas': { outcome: 'caf-closed', breaches: ['family-plan-review'] },
  'reassessment-at-twelve-months': { outcome: 'caf-closed', breaches: [] },
  'step-up': { outcome: 'stepped-up', breaches: [] },
  'consent-withdrawn': { outcome: 'consent-withdrawn', breaches: [] },
  // Issue 9: records that tell the truth.
  'consent-per-carer': { outcome: 'caf-closed', breaches: [] },
  'initial-meeting-before-delayed-closure': { outcome: 'caf-closed', breaches: [] },
  'corrections-voided-and-resent': { outcome: 'caf-closed', breaches: [] },
  'breaches-withdrawn-by-later-records': { outcome: 'stepped-up', breaches: [] },
};
