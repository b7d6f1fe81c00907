import { describe, expect, it } from 'vitest';
import { eventTypes } from '../../src/events/registry.js';
import { outcomes } from '../../src/machine/context.js';
import { roles } from '../../src/policy/roles.js';
import { rules } from '../../src/policy/rules.js';
import {
  breachLabel,
  citationText,
  deadlineKindLabels,
  deadlineLabel,
  eventLabel,
  eventLabels,
  outcomeLabels,
  roleLabels,
  ruleCitations,
  ruleLabels,
  ruleStageLabels,
  pendingStepLabel,
  pendingStepReference,
  refusalLabel,
  refusalLabels,
} from '../../src/labels/index.js';
import { errorCodes } from '../../src/errors.js';

/** A label is words: no dotted event names, no kebab-case ids, no house shorthand. */
function expectPlain(label: string | undefined, of: string): void {
  expect(label, of).toBeTypeOf('string');
  expect(label!.length, of).toBeGreaterThan(3);
  expect(label, of).not.toMatch(/\b[a-z]+[.][a-z]+[A-Za-z]*\b/); // views.recorded
  expect(label, of).not.toMatch(/\b[a-z]+-[a-z]+-[a-z]+\b/); // first-family-plan-meeting
  expect(label, of).not.toMatch(/¶|^G "|^F step/);
  expect(label![0], of).toMatch(/[A-Z0-9e]/);
}

describe('labels', () => {
  it('every event type of the registry has its own plain-English label', () => {
    for (const type of eventTypes) expectPlain(eventLabels[type], type);
    const used = eventTypes.map((t) => eventLabels[t]);
    expect(new Set(used).size).toBe(used.length);
    // The table holds no label for an event the registry does not have (but the opening).
    expect(Object.keys(eventLabels).sort()).toEqual([...eventTypes, 'case.opened'].sort());
  });

  it("says whose view it is by relationship, never by name; an unknown type is shown as it is", () => {
    expect(eventLabel('views.recorded', 'parent-carer')).toBe("Parent/carer's view recorded");
    expect(eventLabel('views.recorded', 'practitioner')).toBe("Partner agency's view recorded");
    expect(eventLabel('views.recorded')).toBe(eventLabels['views.recorded']);
    expect(eventLabel('consent.given', 'parent-carer')).toBe('Consent to the CAF given');
    expect(eventLabel('made.up')).toBe('made.up');
  });

  it('every rule of the catalogue has its own label and a breach label', () => {
    for (const rule of rules) {
      expectPlain(ruleLabels[rule.id], rule.id);
      expectPlain(breachLabel(rule.id), rule.id);
    }
    const used = rules.map((r) => ruleLabels[r.id]);
    expect(new Set(used).size).toBe(used.length);
    expect(Object.keys(ruleLabels).sort()).toEqual(rules.map((r) => r.id).sort());
    for (const rule of rules) expectPlain(ruleStageLabels[rule.stage], rule.stage);
  });

  it('every timescale rule is a kind of deadline with a label, and deadline ids read as words', () => {
    const timescales = rules.filter((r) => r.kind === 'timescale').map((r) => r.id);
    expect(Object.keys(deadlineKindLabels).sort()).toEqual([...timescales].sort());
    expect(deadlineLabel('family-plan-review:3')).toBe('Family plan review 3');
    expect(deadlineLabel('disagreement-resolution:D-1')).toBe('Disagreement resolved (D-1)');
    expect(deadlineLabel('first-family-plan-meeting')).toBe('Initial family plan meeting');
    expect(deadlineLabel('something-else:1')).toBe('something-else:1');
  });

  it('every outcome and role has a label', () => {
    for (const outcome of outcomes) expectPlain(outcomeLabels[outcome], outcome);
    for (const role of roles) expectPlain(roleLabels[role], role);
  });

  it("writes every rule's citations out in full, one per source of the catalogue", () => {
    for (const rule of rules) {
      const texts = ruleCitations(rule.id);
      expect(texts.length, rule.id).toBe(rule.citations.length);
      for (const text of texts) {
        expect(text, rule.id).toMatch(/^(Practice guidance, '[^']+', paragraphs? \d[\d, and to]*|Flowchart, step \d+: '.+')$/);
      }
    }
    expect(ruleCitations('family-plan-review')).toEqual(["Practice guidance, 'Role of the Lead Professional', paragraph 2"]);
    expect(citationText({ source: 'G', section: 'Role of the Social Worker', paragraphs: [6, 2] })).toBe(
      "Practice guidance, 'Role of the Social Worker', paragraphs 2 and 6",
    );
    expect(citationText({ source: 'G', section: 'Role of the Lead Professional', paragraphs: [4, 2, 3] })).toBe(
      "Practice guidance, 'Role of the Lead Professional', paragraphs 2 to 4",
    );
    expect(ruleCitations('ecaf-referral-complete')[0]).toBe("Flowchart, step 5: 'Referral to e-CAF: summary CAF transfer form sections 1-12'");
  });

  it('a pending step reads as words: a kind folds into the label, an id stays as a reference', () => {
    expect(pendingStepLabel('familyPlanMeeting.held', 'initial')).toBe('Initial family plan meeting held');
    expect(pendingStepLabel('familyPlanMeeting.held', 'review')).toBe('Family plan review meeting held');
    expect(pendingStepReference('familyPlanMeeting.held', 'initial')).toBeNull();
    expect(pendingStepLabel('person.added', 'child')).toBe('Child added to the case');
    expect(pendingStepReference('person.added', 'parent-carer')).toBeNull();
    expect(pendingStepLabel('disagreement.resolved', 'D-2')).toBe('Disagreement resolved');
    expect(pendingStepReference('disagreement.resolved', 'D-2')).toEqual({ noun: 'Disagreement', id: 'D-2' });
    expect(pendingStepReference('disagreement.raised', 'school-1')).toEqual({ noun: 'Person', id: 'school-1' });
    expect(pendingStepReference('views.recorded', 'carer-1')).toEqual({ noun: 'Person', id: 'carer-1' });
    expect(pendingStepReference('consent.given', undefined)).toBeNull();
    // Every step the machine can wait for, with every detail a kind can take, reads as words.
    for (const type of eventTypes) expectPlain(pendingStepLabel(type), type);
  });

  it('every refusal code an audit entry can carry has words; any other code is just "Refused"', () => {
    for (const code of ['INVALID_EVENT', 'NOT_ALLOWED', 'EVENT_NOT_ACCEPTED', 'GATE_BLOCKED', 'NO_EFFECT', 'DUPLICATE_EVENT', 'UNKNOWN_EVENT', 'VOID_CONFLICT', 'FUTURE_DATED'] as const) {
      expect(errorCodes).toContain(code);
      expectPlain(refusalLabels[code], code);
      expect(refusalLabel(code)).toMatch(/^Refused: [a-z]/);
    }
    expect(refusalLabel('SOMETHING_NEW')).toBe('Refused');
    expect(refusalLabel(null)).toBe('Refused');
  });
});
