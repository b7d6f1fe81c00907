import { describe, expect, it } from 'vitest';
import { eventTypes, type EventType } from '../../src/events/index.js';
import { idPattern } from '../../src/ids/id.js';
import { invalidEvent, pathsOf, withField } from './invalid.js';
import { parseEvent } from '../../src/events/index.js';
import { sampleEvent, samplePeople, samplePersonAdded, sampleUniversalServicesMeeting } from './samples.js';

const at = '2024-05-01T10:00:00+01:00';

/** Every field the policy says is "documented": required free text, by dotted path. */
const requiredText: Readonly<Record<EventType, readonly string[]>> = {
  'person.added': ['name'],
  'person.updated': ['name'],
  'involvement.ended': ['reason'],
  'decision.agreed': ['rationale'],
  'views.recorded': ['summary'],
  'consent.given': ['informationShared.0', 'purpose'],
  'consent.refused': ['reason'],
  'disagreement.raised': ['reason'],
  'disagreement.resolved': ['summary'],
  'leadProfessional.agreed': ['contact'],
  'leadProfessional.notFound': ['agenciesAsked.0'],
  'leadProfessional.challengeFailed': ['agenciesChallenged.0'],
  'leadProfessional.panelFailed': [],
  'noLeadProfessional.recorded': ['caseNote', 'informed.agencies.0'],
  'stepDown.withdrawn': ['reason'],
  'finalMeeting.held': [
    'otherAttendees.0',
    'views.child',
    'views.parents',
    'views.partners',
    'cafAssessment.progress',
    'cafAssessment.remainingNeeds',
    'cafAssessment.childVoice',
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
  'documents.shared': [],
  'csc.closed': [],
  'ehm.infoRequested': ['questions.0'],
  'ehm.infoProvided': ['answers'],
  'ehm.authorised': [],
  'leadProfessional.contacted': [],
  'familyPlanMeeting.held': ['progress', 'childVoice'],
  'reassessment.completed': ['contributors.0'],
  'caf.closed': ['summary'],
  'consent.withdrawn': ['reason'],
  'stepUp.referred': ['reason'],
  'leadProfessional.left': ['reason'],
  'case.transferredOut': ['toAuthority'],
  'clock.tick': [],
  'calendar.updated': [],
  'event.voided': ['reason'],
  'policy.adopted': [],
};

/**
 * Every id the host supplies in an event's payload, by dotted path: id-shaped, never free text
 * (issue 9). The actor's id is checked for every event below.
 */
const requiredIds: Readonly<Partial<Record<EventType, readonly string[]>>> = {
  'person.added': ['personId'],
  'person.updated': ['personId'],
  'involvement.ended': ['personId'],
  'views.recorded': ['personId'],
  'consent.given': ['personId'],
  'consent.refused': ['personId', 'disagreementId'],
  'disagreement.raised': ['disagreementId', 'personId'],
  'disagreement.resolved': ['disagreementId'],
  'leadProfessional.agreed': ['personId'],
  'finalMeeting.held': ['attendees.0', 'familyPlan.actions.0.id'],
  'documents.shared': ['recipients.0'],
  'familyPlanMeeting.held': ['actions.0.id'],
  'consent.withdrawn': ['personId'],
  'event.voided': ['voidedEventId'],
  'policy.adopted': ['policyVersion'],
};

const idMessage = 'expected an id: letters, digits and . _ : - only, starting with a letter or digit, at most 128 characters';

/** Every list the policy needs at least one entry of. */
const nonEmptyLists: Readonly<Partial<Record<EventType, readonly string[]>>> = {
  'consent.given': ['informationShared'],
  'leadProfessional.notFound': ['agenciesAsked'],
  'leadProfessional.challengeFailed': ['agenciesChallenged'],
  'noLeadProfessional.recorded': ['informed.agencies'],
  'finalMeeting.held': ['attendees', 'otherAttendees', 'familyPlan.actions'],
  'eCaf.referralCompleted': ['form.familyExperiencing', 'form.keyAgencies'],
  'stepDown.returned': ['reasons'],
  'documents.shared': ['recipients'],
  'ehm.infoRequested': ['questions'],
  'familyPlanMeeting.held': ['actions'],
  'reassessment.completed': ['contributors'],
};

const textCases = eventTypes.flatMap((type) => requiredText[type].map((path) => [type, path] as const));
const listCases = eventTypes.flatMap((type) => (nonEmptyLists[type] ?? []).map((path) => [type, path] as const));
const idCases = eventTypes.flatMap((type) => (requiredIds[type] ?? []).map((path) => [type, path] as const));

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
    expect(pathsOf(invalidEvent({ ...valid, actor: { ...valid.actor, id: '' } }))).toEqual(['actor.id']);
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
    if (type === 'person.updated') return; // only the fields that change: see below
    const error = invalidEvent(withField(sampleEvent(type, at), path, undefined));
    expect(error.message).toMatch(new RegExp(`^Event '${type.replace('.', '\\.')}' is invalid: ${path}: required text is missing`));
  });
});

describe('ids the host supplies', () => {
  const notIds = [
    '',
    '   ',
    'Sarah Taylor MARKER-Zx91',
    'MARKER-Zx91/../../etc',
    '__proto__',
    '-leading-dash-Zx91',
    `MARKER-Zx91${'x'.repeat(129)}`,
    'café-Zx91',
  ];

  it.each(idCases)('%s %s: only an id-shaped value is an id; the value is never repeated', (type, path) => {
    expect(idPattern.test(String(getField(sampleEvent(type, at), path)))).toBe(true);
    for (const value of notIds) {
      const error = invalidEvent(withField(sampleEvent(type, at), path, value));
      expect(error.details.issues).toEqual([{ path, code: 'invalid_format', message: idMessage }]);
      expect(error.message).not.toContain('Zx91');
    }
  });

  it.each(idCases)('%s %s: a number or an object is not an id', (type, path) => {
    expect(pathsOf(invalidEvent(withField(sampleEvent(type, at), path, 42)))).toEqual([path]);
    expect(pathsOf(invalidEvent(withField(sampleEvent(type, at), path, { id: 'leo' })))).toEqual([path]);
  });

  it.each(eventTypes)('%s: the actor id is id-shaped, never a name', (type) => {
    const valid = sampleEvent(type, at);
    const error = invalidEvent({ ...valid, actor: { ...valid.actor, id: 'Amira Khan MARKER-Zx91' } });
    expect(error.details.issues).toEqual([{ path: 'actor.id', code: 'invalid_format', message: idMessage }]);
    expect(error.message).not.toContain('Zx91');
  });

  it('a person listed twice among attendees or recipients is refused at the repeat', () => {
    const meeting = sampleEvent('finalMeeting.held', at);
    expect(pathsOf(invalidEvent({ ...meeting, attendees: ['sarah', 'jo-patel', 'sarah'] }))).toEqual(['attendees.2']);
    const shared = sampleEvent('documents.shared', at);
    expect(pathsOf(invalidEvent({ ...shared, recipients: ['sarah', 'sarah'] }))).toEqual(['recipients.1']);
  });
});

describe('a last meeting for universal services', () => {
  it('finalMeeting.held universalServicesPlan: empty and whitespace-only are not text, and the plan is never repeated', () => {
    for (const blank of ['', '   ', '\n\t ']) {
      const error = invalidEvent({ ...markStrings(sampleUniversalServicesMeeting(at)), universalServicesPlan: blank });
      expect(error.details.issues).toEqual([{ path: 'universalServicesPlan', code: 'invalid_format', message: 'required text is empty' }]);
      expect(error.message).not.toContain('Zx91');
    }
  });
});

describe('person.updated', () => {
  it('gives only the fields that change, but at least one of them', () => {
    const { name: _name, ...nothing } = sampleEvent('person.updated', at);
    const error = invalidEvent(nothing);
    expect(error.message).toBe("Event 'person.updated' is invalid: (event): nothing to update: give name, agency or parentalResponsibility");
    expect(() => parseEvent({ ...nothing, parentalResponsibility: false })).not.toThrow();
  });
});

describe('person.added', () => {
  it('an agency is required for a practitioner and only for one; parental responsibility is only a parent/carer’s', () => {
    const practitioner = samplePersonAdded(samplePeople.partner, at);
    expect(pathsOf(invalidEvent(withField(practitioner, 'agency', undefined)))).toEqual(['agency']);
    expect(pathsOf(invalidEvent({ ...samplePersonAdded(samplePeople.child, at), agency: 'St Mary’s' }))).toEqual(['agency']);
    expect(pathsOf(invalidEvent({ ...samplePersonAdded(samplePeople.child, at), parentalResponsibility: true }))).toEqual([
      'parentalResponsibility',
    ]);
    expect(() => parseEvent(samplePersonAdded(samplePeople.parent, at))).not.toThrow();
  });

  it('a relationship that is none of the four is refused, naming the four', () => {
    const error = invalidEvent({ ...samplePersonAdded(samplePeople.parent, at), relationship: 'mum' });
    expect(error.message).toBe(
      'Event \'person.added\' is invalid: relationship: expected "child" or "parent-carer" or "family-member" or "practitioner"',
    );
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
  const untouched = new Set([
    'type', 'at', 'role', 'relationship', 'kind', 'outcome', 'status', 'panelDate', 'firstFamilyPlanMeetingDate', 'by',
    // ids are id-shaped: a marker with a space would make them invalid for another reason
    'id', 'personId', 'disagreementId', 'voidedEventId', 'attendees', 'recipients',
  ]);
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

/** The value at a dotted path of `event`. */
function getField(event: object, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], event);
}
