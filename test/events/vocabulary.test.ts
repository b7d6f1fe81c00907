import { describe, expect, it } from 'vitest';
import {
  eventSchemas,
  eventTypes,
  parseEvent,
  stepDownEventSchema,
  type EventOf,
  type EventType,
  type StepDownEvent,
} from '../../src/events/index.js';
import { invalidEvent, pathsOf, withField } from './invalid.js';
import { sampleEvent, sampleUniversalServicesMeeting } from './samples.js';

const at = '2024-05-01T10:00:00+01:00';

describe('the event vocabulary', () => {
  it('has the 39 public event types, keyed by type: the 33 of the policy, the 3 about people, the calendar update, the policy adoption and the void', () => {
    expect(eventTypes).toHaveLength(39);
    expect(eventTypes).toContain('calendar.updated');
    expect(eventTypes).toContain('policy.adopted');
    expect(eventTypes).toEqual(expect.arrayContaining(['leadProfessional.left', 'case.transferredOut']));
    expect(eventTypes.slice(0, 3)).toEqual(['person.added', 'person.updated', 'involvement.ended']);
    expect(eventTypes.slice(-2)).toEqual(['event.voided', 'policy.adopted']);
    expect(Object.keys(eventSchemas)).toEqual([...eventTypes]);
    for (const type of eventTypes) expect(eventSchemas[type].shape.type.value).toBe(type);
  });

  it.each(eventTypes)('%s accepts a realistic sample and returns it typed', (type) => {
    const event = sampleEvent(type, at);
    expect(parseEvent(event)).toEqual(event);
    expect(stepDownEventSchema.parse(event)).toEqual(event);
  });

  it('narrows by type', () => {
    const event: StepDownEvent = parseEvent(sampleEvent('views.recorded', at));
    if (event.type !== 'views.recorded') throw new Error('unexpected type');
    const views: EventOf<'views.recorded'> = event;
    expect(views.personId).toBe('sarah');
    const type: EventType = views.type;
    expect(type).toBe('views.recorded');
  });

  it('trims free text', () => {
    const event = parseEvent({ ...sampleEvent('stepUp.referred', at), reason: '  Leo disclosed a new concern.  ' });
    expect(event).toMatchObject({ reason: 'Leo disclosed a new concern.' });
  });
});

describe('every path a case takes (issue 10)', () => {
  it('decision.agreed takes an optional destination, caf or universal-services, and nothing else', () => {
    expect(parseEvent(sampleEvent('decision.agreed', at))).not.toHaveProperty('destination');
    for (const destination of ['caf', 'universal-services'] as const) {
      expect(parseEvent({ ...sampleEvent('decision.agreed', at), destination })).toMatchObject({ destination });
    }
    const error = invalidEvent({ ...sampleEvent('decision.agreed', at), destination: 'universal' });
    expect(pathsOf(error)).toEqual(['destination']);
  });

  it('finalMeeting.held: the CAF assessment, the family plan and the first meeting date are optional in the schema; rule destination-plan judges them', () => {
    const { cafAssessment: _a, familyPlan: _p, firstFamilyPlanMeetingDate: _d, ...bare } = sampleEvent('finalMeeting.held', at);
    expect(() => parseEvent(bare)).not.toThrow();
    const universal = sampleUniversalServicesMeeting(at);
    expect(parseEvent(universal)).toEqual(universal);
    expect(universal).not.toHaveProperty('familyPlan');
    // Present, each part is still whole: a family plan must be SMART and agreed.
    expect(pathsOf(invalidEvent(withField(sampleEvent('finalMeeting.held', at), 'familyPlan.smart', false)))).toEqual(['familyPlan.smart']);
  });

  it('stepDown.returned takes an optional reconvene, true or false only', () => {
    expect(parseEvent({ ...sampleEvent('stepDown.returned', at), reconvene: true })).toMatchObject({ reconvene: true });
    expect(pathsOf(invalidEvent({ ...sampleEvent('stepDown.returned', at), reconvene: 'yes' }))).toEqual(['reconvene']);
  });

  it('the Lead Professional acts as a person of the case: actor.personId is id-shaped', () => {
    const left = sampleEvent('leadProfessional.left', at);
    expect(left.actor).toEqual({ id: 'lp-jo-patel', role: 'lead-professional', personId: 'jo-patel' });
    expect(pathsOf(invalidEvent({ ...left, actor: { ...left.actor, personId: 'Jo Patel' } }))).toEqual(['actor.personId']);
  });
});

describe('at', () => {
  it.each(['2024-05-01T10:00:00Z', '2024-05-01T10:00:00+01:00', '2024-10-27T01:30:00.250-05:30'])('accepts %s', (value) => {
    expect(parseEvent(sampleEvent('clock.tick', value)).at).toBe(value);
  });

  it.each(['2024-05-01T10:00:00', '2024-05-01', '2024-05-01T10:00Z', '2024-05-01T10:00:00+0100', '1 May 2024', '2024-02-30T10:00:00Z'])(
    'rejects %s',
    (value) => {
      const error = invalidEvent(sampleEvent('clock.tick', value));
      expect(error.message).toBe(
        "Event 'clock.tick' is invalid: at: expected an ISO 8601 date-time with offset, e.g. 2024-05-01T10:00:00+01:00",
      );
    },
  );
});

describe('what parseEvent refuses before the schema', () => {
  it.each([null, undefined, 'views.recorded', 42, [sampleEvent('clock.tick', at)]])('a non-object: %j', (input) => {
    const error = invalidEvent(input);
    expect(pathsOf(error)).toEqual(['(event)']);
    expect(error.message).toMatch(/^Event is invalid: expected an event object with type, at and actor, got /);
  });

  it('an unknown type, naming the allowed types and not the type sent', () => {
    const error = invalidEvent({ ...sampleEvent('clock.tick', at), type: 'views.recorde-MARKER-Zx91' });
    expect(pathsOf(error)).toEqual(['type']);
    expect(error.message).toContain('not a known event type');
    for (const type of eventTypes) expect(error.message).toContain(type);
    expect(error.message).not.toContain('Zx91');
  });

  it('a missing type', () => {
    const error = invalidEvent(withField(sampleEvent('clock.tick', at), 'type', undefined));
    expect(error.message).toContain('type: required, missing; expected one of: person.added, person.updated, involvement.ended, decision.agreed,');
  });
});

describe('gates are the machine’s, not the schema’s', () => {
  it('accepts parents not aware of the transfer: rule parents-aware-of-transfer refuses it with a reason', () => {
    expect(() => parseEvent({ ...sampleEvent('transferDetails.completed', at), parentsAware: false })).not.toThrow();
  });

  it('accepts a file review with gaps: rule tm-file-review gates on it', () => {
    expect(() => parseEvent({ ...sampleEvent('fileReview.completed', at), chronology: false })).not.toThrow();
  });

  it('accepts any known role: rule division-of-duties refuses and audits the wrong one', () => {
    expect(() => parseEvent(sampleEvent('clock.tick', at, { role: 'social-worker' }))).not.toThrow();
  });
});

describe('fields that must be true', () => {
  it.each([
    ['noLeadProfessional.recorded', 'informed.socialWorker'],
    ['noLeadProfessional.recorded', 'informed.family'],
    ['finalMeeting.held', 'familyPlan.smart'],
    ['finalMeeting.held', 'familyPlan.agreedByFamily'],
    ['finalMeeting.held', 'familyPlan.agreedByPartners'],
  ] as const)('%s %s', (type, path) => {
    const error = invalidEvent(withField(sampleEvent(type, at), path, false));
    expect(error.message).toBe(`Event '${type}' is invalid: ${path}: expected true`);
    expect(invalidEvent(withField(sampleEvent(type, at), path, undefined)).message).toContain(`${path}: required, missing`);
  });
});

describe('action ids', () => {
  it('rejects duplicate ids in the final meeting’s family plan, at the duplicate, without the id', () => {
    const event = sampleEvent('finalMeeting.held', at);
    // The sample is a CAF's meeting: its family plan is always there.
    const familyPlan = event.familyPlan!;
    const [first, second, third] = familyPlan.actions;
    const actions = [first, { ...second, id: 'FP-DUP-MARKER-Zx91' }, { ...third, id: 'FP-DUP-MARKER-Zx91' }];
    const error = invalidEvent({ ...event, familyPlan: { ...familyPlan, actions } });
    expect(error.details.issues).toEqual([
      { path: 'familyPlan.actions.2.id', code: 'custom', message: 'duplicate id: each entry needs its own id' },
    ]);
    expect(error.message).not.toContain('Zx91');
  });

  it('rejects duplicate ids in a family plan meeting', () => {
    const event = sampleEvent('familyPlanMeeting.held', at);
    const actions = [...event.actions, { id: 'FP-1', status: 'met' }];
    expect(pathsOf(invalidEvent({ ...event, actions }))).toEqual(['actions.3.id']);
  });

  it('rejects an action without a target date, naming the nested path', () => {
    const event = sampleEvent('finalMeeting.held', at);
    const error = invalidEvent(withField(event, 'familyPlan.actions.1.by', '31/05/2024'));
    expect(error.message).toBe(
      "Event 'finalMeeting.held' is invalid: familyPlan.actions.1.by: expected a calendar date YYYY-MM-DD, e.g. 2024-05-29",
    );
  });
});

describe('the error message', () => {
  it('names each bad field and what is wrong, as the host reads it', () => {
    const event = { ...sampleEvent('views.recorded', '2024-05-01T10:00:00'), summary: '   ' };
    const error = invalidEvent(event);
    expect(error.message).toBe(
      "Event 'views.recorded' is invalid: at: expected an ISO 8601 date-time with offset, e.g. 2024-05-01T10:00:00+01:00; summary: required text is empty",
    );
    expect(error.details.issues).toEqual([
      { path: 'at', code: 'invalid_format', message: 'expected an ISO 8601 date-time with offset, e.g. 2024-05-01T10:00:00+01:00' },
      { path: 'summary', code: 'invalid_format', message: 'required text is empty' },
    ]);
  });

  it('says a field is missing, with what the field is for', () => {
    const error = invalidEvent(withField(sampleEvent('views.recorded', at), 'summary', undefined));
    expect(error.message).toBe(
      "Event 'views.recorded' is invalid: summary: required text is missing — Their view, as documented. For a baby or unborn child, their lived experience",
    );
  });

  it('says what type was sent instead, not the value', () => {
    const error = invalidEvent({ ...sampleEvent('views.recorded', at), agrees: 'yes MARKER-Zx91' });
    expect(error.message).toBe("Event 'views.recorded' is invalid: agrees: expected true or false, got a string");
  });

  it('names an unknown field so a typo can be fixed, but withholds a key that is not a field name', () => {
    const event = { ...sampleEvent('views.recorded', at), sumary: 'x', 'Sarah Taylor MARKER-Zx91': 'y' };
    const error = invalidEvent(event);
    expect(pathsOf(error)).toEqual(['sumary', '(unknown field name withheld)']);
    expect(error.message).toContain('sumary: unknown field; check its spelling');
    expect(error.message).not.toContain('Zx91');
  });

  it('names the allowed values of an enumeration', () => {
    const error = invalidEvent({ ...sampleEvent('disagreement.resolved', at), outcome: 'withdrawn' });
    expect(error.message).toBe(
      'Event \'disagreement.resolved\' is invalid: outcome: expected "agreed" or "step-down-withdrawn"',
    );
  });

  it('refuses the old vocabulary: a view, consent or attendee by name is an unknown field or not an id', () => {
    const view = { ...sampleEvent('views.recorded', at), party: 'parent', name: 'Sarah Taylor' };
    expect(pathsOf(invalidEvent(view))).toEqual(['party', 'name']);
    const { personId: _p, ...consent } = sampleEvent('consent.given', at);
    expect(pathsOf(invalidEvent({ ...consent, parentCarer: 'Sarah Taylor' }))).toEqual(['personId', 'parentCarer']);
    const meeting = { ...sampleEvent('finalMeeting.held', at), attendees: [{ role: 'Lead Professional', name: 'Jo Patel' }] };
    expect(pathsOf(invalidEvent(meeting))).toEqual(['attendees.0']);
  });
});
