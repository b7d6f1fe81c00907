/**
 * Every journey issue 6 names, those of issue 9's stories and issue 10's paths, with the outcome and breaches each
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
  // Issue 10: every path a real case takes (the ladder's end, above, now goes through the closure).
  'planned-universal-services': { outcome: 'universal-services', breaches: [] },
  'reconvened-last-meeting': { outcome: 'caf-closed', breaches: [] },
  'lead-professional-left-and-replaced': { outcome: 'caf-closed', breaches: [] },
  'transfer-out': { outcome: 'transferred-out', breaches: [] },
  'siblings-step-down-together': { outcome: 'caf-closed', breaches: [] },
};
