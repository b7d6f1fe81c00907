import {
  createCaseEngine,
  type Actor,
  type CaseEngine,
  type CaseStore,
  type CaseView,
  type EventOf,
  type EventType,
  type Route,
} from '../../src/index.js';
import { sampleActionIds, sampleEvent } from '../events/samples.js';

/**
 * Journeys for the report tests, in the vocabulary of people by id. Every event that names a person
 * is built here in full (never from a shared sample that may still name people by text), so these
 * journeys depend on the shared samples only for payloads that name nobody (the e-CAF form, the
 * final meeting's plan, the closure summary).
 */

/** The sample case's people: ids are codes, names are display text inside `person.added` only. */
export const people = {
  child: { personId: 'child-1', relationship: 'child', name: 'Leo Taylor' },
  mum: { personId: 'carer-1', relationship: 'parent-carer', name: 'Sarah Taylor', parentalResponsibility: true },
  dad: { personId: 'carer-2', relationship: 'parent-carer', name: 'Mark Taylor', parentalResponsibility: true },
  school: { personId: 'partner-1', relationship: 'practitioner', name: 'Helen Price', agency: 'St Mary’s CE Primary School' },
  lp: { personId: 'lp-1', relationship: 'practitioner', name: 'Jo Patel', agency: 'Oakfield Health Visiting Team' },
} as const;

export type PersonKey = keyof typeof people;

/** The roles' sample senders: ids are codes, never names. */
export const actors = {
  sw: { id: 'usr-sw-4f1c', role: 'social-worker' },
  tm: { id: 'usr-tm-8a20', role: 'team-manager' },
  clw: { id: 'usr-clw-2d77', role: 'caf-link-worker' },
  lp: { id: 'usr-lp-91e3', role: 'lead-professional', personId: 'lp-1' },
  ehm: { id: 'usr-ehm-5b08', role: 'early-help-manager' },
} as const satisfies Record<string, Actor>;

/** Free text the journeys write (names, views, reasons): a report must contain none of it. */
export const freeText = [
  ...Object.values(people).flatMap((p) => [p.name, 'agency' in p ? p.agency : p.name]),
  'Taylor', 'Patel', 'St Mary', 'Oakfield',
  'Leo says', 'Sarah says', 'School agrees', 'worried that support', 'Mark does not want',
  'Entered on the wrong case', 'Recorded twice by mistake',
] as const;

/** An event of `type` dated `at` with the given fields and sender: nothing borrowed. */
export function ev<T extends EventType>(type: T, at: string, fields: object, actor: Actor = actors.sw): EventOf<T> {
  return { type, at, actor, ...fields } as unknown as EventOf<T>;
}

const actorByRole = new Map<string, Actor>(Object.values(actors).map((a) => [a.role, a]));

/**
 * A shared sample payload for an event that names no person, with overrides; sent by this file's
 * actor of the role the sample gives the step to (ids that are codes, never names).
 */
export function sample<T extends EventType>(type: T, at: string, overrides: object = {}): EventOf<T> {
  const base = sampleEvent(type, at);
  return { ...base, actor: actorByRole.get(base.actor.role) ?? base.actor, ...overrides } as EventOf<T>;
}

/** `person.added` for one of {@link people}, by the Social Worker. */
export function added(key: PersonKey, at: string): EventOf<'person.added'> {
  return ev('person.added', at, { ...people[key] });
}

/** A person's view. */
export function view(key: PersonKey, at: string, agrees = true): EventOf<'views.recorded'> {
  const summaries: Record<PersonKey, string> = {
    child: 'Leo says he likes the lunchtime club and wants to keep seeing Mrs Patel.',
    mum: 'Sarah says she feels more confident and would like support from school.',
    dad: 'Mark does not want Early Help involvement.',
    school: 'School agrees the threshold for CIN is no longer met.',
    lp: 'Health visiting agrees to lead the CAF.',
  };
  return ev('views.recorded', at, { personId: people[key].personId, agrees, summary: summaries[key] });
}

/** A parent/carer's informed consent. */
export function consent(key: 'mum' | 'dad', at: string): EventOf<'consent.given'> {
  return ev('consent.given', at, {
    personId: people[key].personId,
    informationShared: ['Step-down CAF assessment', 'Family plan'],
    purpose: 'So that the Lead Professional and the team around the family can support Leo.',
  });
}

/** A parent/carer's refusal, opening family disagreement `disagreementId`. */
export function refusal(key: 'mum' | 'dad', at: string, disagreementId: string): EventOf<'consent.refused'> {
  return ev('consent.refused', at, {
    personId: people[key].personId,
    reason: 'Mark does not want Early Help involvement; worried that support will stop.',
    disagreementId,
  });
}

/** A disagreement raised by a person (family or partner follows from who they are). */
export function disagreement(key: PersonKey, at: string, disagreementId: string): EventOf<'disagreement.raised'> {
  return ev('disagreement.raised', at, {
    disagreementId,
    personId: people[key].personId,
    reason: 'School agrees only after a further CIN review of the missing episode.',
  });
}

/** The Team Manager resolves a disagreement. */
export function resolved(
  at: string,
  disagreementId: string,
  outcome: 'agreed' | 'step-down-withdrawn' = 'agreed',
): EventOf<'disagreement.resolved'> {
  return ev('disagreement.resolved', at, { disagreementId, outcome, summary: 'Discussed with the Team Manager; a safety plan was added.' }, actors.tm);
}

/** The Lead Professional agrees. */
export function lpAgreed(at: string, key: PersonKey = 'lp'): EventOf<'leadProfessional.agreed'> {
  return ev('leadProfessional.agreed', at, { personId: people[key].personId, contact: 'jo.patel@oakfield.example.nhs.uk' });
}

/** The final meeting, attended by the given people, setting the first family plan meeting. */
export function finalMeeting(
  at: string,
  firstFamilyPlanMeetingDate: string,
  attendees: readonly PersonKey[] = ['mum', 'school', 'lp'],
  kind: 'final-cin' | 'core-group' | 'multi-agency' = 'final-cin',
): EventOf<'finalMeeting.held'> {
  const { otherAttendees: _drop, ...meeting } = sample('finalMeeting.held', at) as EventOf<'finalMeeting.held'> & { otherAttendees?: unknown };
  return { ...meeting, kind, attendees: attendees.map((k) => people[k].personId), firstFamilyPlanMeetingDate };
}

/** Documents shared with the given people. */
export function shared(at: string, recipients: readonly PersonKey[] = ['mum', 'school', 'lp']): EventOf<'documents.shared'> {
  return ev('documents.shared', at, { recipients: recipients.map((k) => people[k].personId) });
}

/** A family plan meeting reporting every action open or every action met. */
export function familyPlanMeeting(at: string, kind: 'initial' | 'review' | 'final', met = false): EventOf<'familyPlanMeeting.held'> {
  const actions = sampleActionIds.map((id) => ({ id, status: met ? ('met' as const) : ('open' as const) }));
  return sample('familyPlanMeeting.held', at, { kind, actions });
}

/** A void of event `voidedEventId`, sent by `actor` (the role that sent it, or a Team Manager). */
export function voided(at: string, voidedEventId: string, actor: Actor = actors.tm, reason = 'Entered on the wrong case.'): EventOf<'event.voided'> {
  return ev('event.voided', at, { voidedEventId, reason }, actor);
}

/**
 * A test engine whose clock follows the case, as a host's would: each event is recorded 10 minutes
 * after its date, or at the latest time already seen (the clock never runs back), so a step sent
 * after a later one is recorded late, as it would be. `recordAt(iso)` pins the clock for the steps
 * sent until it is called again with null: a step recorded days after its date.
 */
export function testEngine(options: { store?: CaseStore } = {}): { engine: CaseEngine; recordAt: (iso: string | null) => void } {
  let now = 0;
  let pinned: number | null = null;
  const follow = (at: unknown) => {
    const t = typeof at === 'string' ? Date.parse(at) : NaN;
    if (Number.isFinite(t)) now = Math.max(now, t + 10 * 60_000);
  };
  const inner = createCaseEngine({ ...options, now: () => new Date(pinned ?? now) });
  const engine: CaseEngine = {
    ...inner,
    open: (request) => {
      follow(request.at);
      return inner.open(request);
    },
    send: (caseId, input, options) => {
      follow((input as { at?: unknown } | null)?.at);
      return inner.send(caseId, input, options);
    },
    tick: (at) => {
      follow(at);
      return inner.tick(at);
    },
  };
  return { engine, recordAt: (iso) => (pinned = iso === null ? null : Date.parse(iso)) };
}

/** Opens a case on a route at `at`, by the Team Manager. */
export async function openCase(engine: CaseEngine, caseId: string, route: Route, at: string): Promise<void> {
  await engine.open({ caseId, route, at, actor: actors.tm });
}

/** Sends events in order, each accepted (a refusal fails the test by throwing). */
export async function sendAll(engine: CaseEngine, caseId: string, events: readonly EventOf<EventType>[]): Promise<CaseView | null> {
  let last: CaseView | null = null;
  for (const event of events) last = await engine.send(caseId, event);
  return last;
}

/** The people of the sample case, added on the day the case opened (2024-03-04). */
export function peopleAdded(keys: readonly PersonKey[] = ['child', 'mum', 'school']): EventOf<'person.added'>[] {
  return keys.map((k) => added(k, '2024-03-04T10:00:00Z'));
}

/**
 * The child, the mother and the school added (#2–4), the decision (#5, Tuesday 2024-03-05) and a
 * view from each (#6–8, Wednesday 2024-03-06); consent and the Lead Professional are left to the caller.
 */
export async function decidedWithViews(engine: CaseEngine, caseId: string, route: Route = 'cin-outcome'): Promise<void> {
  await openCase(engine, caseId, route, '2024-03-04T09:00:00Z');
  await sendAll(engine, caseId, [
    ...peopleAdded(),
    sample('decision.agreed', '2024-03-05T10:00:00Z'),
    view('child', '2024-03-06T10:00:00Z'),
    view('mum', '2024-03-06T10:00:00Z'),
    view('school', '2024-03-06T10:00:00Z'),
  ]);
}

/** The day every closure step is taken in {@link closedToCsc}: the first family plan meeting is due 28 days later, 2024-04-18. */
export const closing = '2024-03-21T16:00:00Z';

/** The closure steps from the e-CAF referral to the closure to CSC, all on `at`, for a meeting that set `firstFp`. */
export function closureSteps(at: string, firstFp: string): EventOf<EventType>[] {
  const form = { ...sample('eCaf.referralCompleted', at).form, firstFamilyPlanMeetingDate: firstFp };
  return [
    sample('eCaf.referralCompleted', at, { form }),
    sample('transferDetails.completed', at),
    sample('closureSummary.completed', at),
    sample('fileReview.completed', at),
    sample('stepDown.authorised', at),
    shared(at),
    sample('csc.closed', at),
  ];
}

/**
 * A CIN case taken to the closure to CSC on Thursday 2024-03-21: the Lead Professional added (#9)
 * and agreed at once (#11), the mother's consent (#10), the final meeting (#12, 2024-03-14) setting
 * the first family plan meeting for 2024-04-10, the closure steps (#13–19). The initial family plan
 * meeting is then due by the end of 2024-04-18: 28 days after the closure, across Easter and the
 * clock change.
 */
export async function closedToCsc(engine: CaseEngine, caseId: string): Promise<void> {
  await decidedWithViews(engine, caseId);
  await sendAll(engine, caseId, [
    added('lp', '2024-03-07T09:00:00Z'),
    consent('mum', '2024-03-07T11:00:00Z'),
    lpAgreed('2024-03-08T11:00:00Z'),
    finalMeeting('2024-03-14T10:00:00Z', '2024-04-10'),
    ...closureSteps(closing, '2024-04-10'),
  ]);
}

/**
 * A whole CIN step down to a closed CAF, with a tick on Monday 2024-04-22 that finds the initial
 * family plan meeting overdue (due 2024-04-18); it is then held late, on 2024-04-23. The entries are
 * numbered: #1 opened, #2–4 people, #5 decision, #6–8 views, #9 the Lead Professional added, #10
 * consent, #11 LP agreed, #12 final meeting, #13–19 closure (#19 csc.closed), #20 EHM, #21 LP
 * contacted, #22 tick, #23–24 family plan meetings, #25 CAF closed.
 */
export async function runToClosedCaf(engine: CaseEngine, caseId: string): Promise<CaseView> {
  await closedToCsc(engine, caseId);
  await sendAll(engine, caseId, [
    sample('ehm.authorised', '2024-03-25T10:00:00Z'),
    sample('leadProfessional.contacted', '2024-03-26T10:00:00Z'),
  ]);
  await engine.tick('2024-04-22T07:00:00+01:00');
  await sendAll(engine, caseId, [
    familyPlanMeeting('2024-04-23T10:00:00+01:00', 'initial'),
    familyPlanMeeting('2024-06-10T10:00:00+01:00', 'final', true),
  ]);
  return engine.send(caseId, sample('caf.closed', '2024-06-11T10:00:00+01:00'));
}

/** Keys whose string values are codes, enums, ids or dates, never personal data: left as they are. */
const codeKeys = new Set([
  'type', 'at', 'recordedAt', 'kind', 'outcome', 'role', 'relationship', 'disagreementId', 'voidedEventId', 'eventId',
  'personId', 'id', 'status', 'attendees', 'recipients', 'firstFamilyPlanMeetingDate', 'by', 'panelDate',
]);

/**
 * Puts `marker` into every piece of free text and every name of an event (any string not under a
 * code key): names, agencies, views, reasons, the e-CAF form, a void's reason. Ids are left alone,
 * so the events still agree with each other.
 */
export function markPersonalData<T>(value: T, marker: string, key = ''): T {
  if (typeof value === 'string') return (codeKeys.has(key) ? value : `${marker} ${value}`) as T;
  if (Array.isArray(value)) return value.map((v) => markPersonalData(v, marker, key)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'actor' ? v : markPersonalData(v, marker, k)]),
    ) as T;
  }
  return value;
}

/**
 * The engine seen through a filter that marks every event's free text with `marker` before it
 * reaches the engine: any journey written against an engine becomes a personal-data probe.
 */
export function markingEngine(engine: CaseEngine, marker: string): CaseEngine {
  return { ...engine, send: (caseId, input, options) => engine.send(caseId, markPersonalData(input, marker), options) };
}
