import { describe, expect, it } from 'vitest';
import { breachLabel, deadlineKindLabels, deadlineLabel, ruleLabel, ruleLabels } from '../../src/labels/index.js';
import { defaultTimescales, type Timescales } from '../../src/policy/define-policy.js';
import { rules } from '../../src/policy/rules.js';

const revised = (changes: Partial<Timescales>): Timescales => ({ ...defaultTimescales, ...changes });

describe('labels written from the timescales of the version governing a case', () => {
  it("with the guidance's timescales, or none, every label is the guidance's own, byte for byte", () => {
    for (const rule of rules) {
      expect(ruleLabel(rule.id), rule.id).toBe(ruleLabels[rule.id]);
      expect(ruleLabel(rule.id, defaultTimescales), rule.id).toBe(ruleLabels[rule.id]);
      expect(breachLabel(rule.id, defaultTimescales), rule.id).toBe(breachLabel(rule.id));
    }
    for (const kind of Object.keys(deadlineKindLabels)) {
      expect(deadlineLabel(`${kind}:2`, defaultTimescales)).toBe(deadlineLabel(`${kind}:2`));
    }
    expect(ruleLabel('family-plan-review', defaultTimescales)).toBe('Family plan reviewed every 6 to 8 weeks');
  });

  it('says each timescale a version changes, in the same words', () => {
    const t = revised({
      disagreementResolutionWorkingDays: 3,
      firstMeetingDateDays: 21,
      firstFamilyPlanMeetingDays: 20,
      reviewWindowStartDays: 28,
      reviewWindowEndDays: 42,
      cafMonths: 18,
    });
    expect(ruleLabel('disagreement-resolution', t)).toBe('Disagreement resolved within 3 working days');
    expect(breachLabel('disagreement-resolution', t)).toBe('Disagreement not resolved within 3 working days');
    expect(ruleLabel('first-meeting-date', t)).toBe('First family plan meeting set within 21 days');
    expect(breachLabel('first-meeting-date', t)).toBe('First family plan meeting not set within 21 days');
    expect(ruleLabel('first-family-plan-meeting', t)).toBe('Initial family plan meeting within 20 days');
    expect(breachLabel('first-family-plan-meeting', t)).toBe('Initial family plan meeting held late');
    expect(ruleLabel('family-plan-review', t)).toBe('Family plan reviewed every 4 to 6 weeks');
    expect(ruleLabel('caf-twelve-months', t)).toBe('Reassessment if the plan is not met in 18 months');
    expect(breachLabel('caf-twelve-months', t)).toBe('Plan not met within 18 months');
    expect(deadlineLabel('caf-twelve-months', t)).toBe("Plan's 18-month check");
    // A rule with no timescale, and a rule this version does not know, read as before.
    expect(breachLabel('views-recorded', t)).toBe('Not met: Views of the child, parents and partners recorded');
    expect(ruleLabel('made-up-rule' as never, t)).toBe('made-up-rule');
  });

  it('a review window of part weeks is said in days; one of a single length once; one of anything in the singular', () => {
    expect(ruleLabel('family-plan-review', revised({ reviewWindowStartDays: 40, reviewWindowEndDays: 50 }))).toBe('Family plan reviewed every 40 to 50 days');
    expect(ruleLabel('family-plan-review', revised({ reviewWindowStartDays: 42, reviewWindowEndDays: 50 }))).toBe('Family plan reviewed every 42 to 50 days');
    expect(ruleLabel('family-plan-review', revised({ reviewWindowStartDays: 35, reviewWindowEndDays: 35 }))).toBe('Family plan reviewed every 5 weeks');
    expect(ruleLabel('family-plan-review', revised({ reviewWindowStartDays: 7, reviewWindowEndDays: 7 }))).toBe('Family plan reviewed every 1 week');
    expect(ruleLabel('disagreement-resolution', revised({ disagreementResolutionWorkingDays: 1 }))).toBe('Disagreement resolved within 1 working day');
    expect(breachLabel('caf-twelve-months', revised({ cafMonths: 1 }))).toBe('Plan not met within 1 month');
  });
});
