import { describe, expect, it } from 'vitest';
import { eventTypes, type EventType } from '../../src/events/index.js';
import { invalidEvent, pathsOf, withField } from './invalid.js';
import { sampleEvent } from './samples.js';

const at = '2024-05-01T10:00:00+01:00';

/** Every field the policy says is "documented": required free text, by dotted path. */
const requiredText: Readonly<Record<EventType, readonly string[]>> = {
  'decision.agreed': ['rationale'],
  'views.recorded': ['name', 'summary'],
  'consent.given': ['parentCarer', 'informationShared.0', 'purpose'],
  'consent.refused': ['parentCarer', 'reason', 'disagreementId'],
  'disagreement.raised': ['disagreementId', 'party', 'reason'],
  'disagreement.resolved': ['disagreementId', 'summary'],
  'leadProfessional.agreed': ['name', 'agency', 'contact'],
  'leadProfessional.notFound': ['agenciesAsked.0'],
  'leadProfessional.challengeFailed': ['agenciesChallenged.0'],
  'leadProfessional.panelFailed': [],
  'noLeadProfessional.recorded': ['caseNote', 'informed.agencies.0'],
  'stepDown.withdrawn': ['reason'],
  'finalMeeting.held': [
    'attendees.0.role',
    'attendees.0.name',
    'views.child',
    'views.parents',
    'views.partners',
    'cafAssessment.progress',
    'cafAssessment.remainingNeeds',
    'cafAssessment.childVoice',
    'familyPlan.actions.0.id',
    'familyPlan.actions.0.description',
    'familyPlan.actions.0.owner',
  ],
  'eCaf.referralCompleted': [
    'form.backgroundAndHistory',
    'form.reasonForStepDown',
    'form.familyExperiencing.0',
    'form.keyAgencies.0',
    'form.voiceOfChild',
    'form.voiceOfParents',
    'form.childsNeeds.health',
    'form.childsNeeds.familyRelationships',
    'form.parentingCapacity.adverseChildhoodExperiences',
    'form.parentingCapacity.adultIssues',
    'form.environmentalFactors.housingFacilitiesIncome',
    'form.familyPlanOutline',
    'form.leadProfessional.name',
    'form.leadProfessional.contact',
  ],
  'transferDetails.completed': [],
  'closureSummary.completed': ['whyInvolved', 'whatWasDone', 'outcome', 'impact', 'whyThresholdNoLongerMet', 'stepDownPlan'],
  'fileReview.completed': [],
  'stepDown.authorised': [],
  'stepDown.returned': ['reasons.0'],
  'documents.shared': ['recipients.0'],
  'csc.closed': [],
  'ehm.infoRequested': ['questions.0'],
  'ehm.infoProvided': ['answers'],
  'ehm.authorised': [],
  'leadProfessional.contacted': [],
  'familyPlanMeeting.held': ['progress', 'childVoice', 'actions.0.id'],
  'reassessment.completed': ['contributors.0'],
  'caf.closed': ['summary'],
  'consent.withdrawn': ['parentCarer', 'reason'],
  'stepUp.referred': ['reason'],
  'clock.tick': [],
};

/** Every list the policy needs at least one entry of. */
const nonEmptyLists: Readonly<Partial<Record<EventType, readonly string[]>>> = {
  'consent.given': ['informationShared'],
  'leadProfessional.notFound': ['agenciesAsked'],
  'leadProfessional.challengeFailed': ['agenciesChallenged'],
  'noLeadProfessional.recorded': ['informed.agencies'],
  'finalMeeting.held': ['attendees', 'familyPlan.actions'],
  'eCaf.referralCompleted': ['form.familyExperiencing', 'form.keyAgencies'],
  'stepDown.returned': ['reasons'],
  'documents.shared': ['recipients'],
  'ehm.infoRequested': ['questions'],
  'familyPlanMeeting.held': ['actions'],
  'reassessment.completed': ['contributors'],
};

const textCases = eventTypes.flatMap((type) => requiredText[type].map((path) => [type, path] as const));
const listCases = eventTypes.flatMap((type) => (nonEmptyLists[type] ?? []).map((path) => [type, path] as const));

describe.each(eventTypes)('%s rejects', (type) => {
  const valid = sampleEvent(type, at);

  it('a missing at', () => {
    const error = invalidEvent(withField(valid, 'at', undefined));
    expect(error.message).toBe(
      `Event '${type}' is invalid: at: required date-time is missing — When it happened, not when it was recorded: ISO 8601 with offset, e.g. 2024-05-01T10:00:00+01:00`,
    );
  });

  it('an at without offset', () => {
    const error = invalidEvent({ ...valid, at: '2024-05-01T10:00:00' });
    expect(pathsOf(error)).toEqual(['at']);
    expect(error.message).toContain('with offset');
  });

  it('a role the policy does not know', () => {
    const error = invalidEvent({ ...valid, actor: { ...valid.actor, role: 'head-teacher' } });
    expect(pathsOf(error)).toEqual(['actor.role']);
  });

  it('a missing or blank actor id', () => {
    expect(pathsOf(invalidEvent({ ...valid, actor: { role: valid.actor.role } }))).toEqual(['actor.id']);
    expect(pathsOf(invalidEvent({ ...valid, actor: { ...valid.actor, id: ' ' } }))).toEqual(['actor.id']);
  });

  it('an unknown field, here and in the actor', () => {
    const error = invalidEvent({ ...valid, note: 'MARKER-NOTE-Zx91', actor: { ...valid.actor, team: 'North' } });
    expect(pathsOf(error)).toEqual(['actor.team', 'note']);
    expect(error.message).not.toContain('Zx91');
  });

  it('without leaking any of its values into the error', () => {
    const marked = markStrings(valid);
    const error = invalidEvent({ ...marked, at: '2024-05-01T10:00:00 MARKER-AT-Zx91', extra: 'MARKER-EXTRA-Zx91' });
    expect(error.message).not.toContain('Zx91');
    expect(JSON.stringify(error.details)).not.toContain('Zx91');
  });
});

describe('required text', () => {
  it.each(textCases)('%s %s: empty and whitespace-only are not text', (type, path) => {
    for (const blank of ['', '   ', '\n\t ']) {
      const error = invalidEvent(withField(markStrings(sampleEvent(type, at)), path, blank));
      expect(error.message).toBe(`Event '${type}' is invalid: ${path}: required text is empty`);
      expect(error.details.issues).toEqual([{ path, code: 'invalid_format', message: 'required text is empty' }]);
    }
  });

  it.each(textCases)('%s %s: missing text is named', (type, path) => {
    if (/\.\d+$/.test(path)) return; // a list entry cannot be missing, only blank
    const error = invalidEvent(withField(sampleEvent(type, at), path, undefined));
    expect(error.message).toMatch(new RegExp(`^Event '${type.replace('.', '\\.')}' is invalid: ${path}: required text is missing`));
  });
});

describe('lists of at least one', () => {
  it.each(listCases)('%s %s: an empty list is refused', (type, path) => {
    const error = invalidEvent(withField(sampleEvent(type, at), path, []));
    expect(error.message).toBe(`Event '${type}' is invalid: ${path}: needs at least 1 entry`);
  });
});

/** A copy of `value` with every string that is free text prefixed with a marker. */
function markStrings<T>(value: T): T {
  const untouched = new Set(['type', 'at', 'role', 'party', 'by', 'kind', 'outcome', 'status', 'panelDate', 'firstFamilyPlanMeetingDate']);
  const walk = (node: unknown, key: string): unknown => {
    if (typeof node === 'string') return untouched.has(key) ? node : `MARKER-${key}-Zx91 ${node}`;
    if (Array.isArray(node)) return node.map((item) => walk(item, key));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    }
    return node;
  };
  return walk(value, '') as T;
}
