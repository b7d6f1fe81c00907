/**
 * The generated malformed events of the bare machine's fuzz test (`fuzz.test.ts`), shared with the
 * reliability suite (`npm run reliability`): the base states of a case, the ways a valid event is
 * spoiled, and the judgement of whether the machine must refuse one. Seeded, so a run replays exactly.
 */
import { createActor } from 'xstate';
import {
  StepDownError,
  defaultPolicy,
  eventTypes,
  explainRefusal,
  stepDownMachine,
  type CaseSnapshot,
  type StepDownEvent,
} from '../../src/index.js';
import { eventProblem } from '../../src/machine/valid-event.js';
import { sampleEvent, samplePeople, sampleRecipients } from '../events/samples.js';
import { CaseRun, closeToCsc, event, readyForFinalMeeting, readyToCloseToCsc } from './harness.js';

import { prng } from './prng.js';
export type Rng = ReturnType<typeof prng>;

/** A chain of `depth` nested objects, built without recursion. */
export function deeplyNested(depth: number): unknown {
  let node: Record<string, unknown> = { leaf: 'x' };
  for (let i = 0; i < depth; i += 1) node = { nested: node };
  return node;
}

export const huge = 'x'.repeat(200_000);
export const hugeList = Array.from({ length: 5_000 }, (_, i) => `item-${i}`);
export const polluted = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}') as unknown;
export const deep = deeplyNested(20_000);
export const cyclic: Record<string, unknown> = { type: 'views.recorded' };
cyclic['self'] = cyclic;

/** Values a careless or hostile host might put anywhere. */
export const hostileValues: readonly unknown[] = [
  huge,
  '',
  '   ',
  '\u0000',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'Sarah Taylor',
  'Mrs Helen Price, Designated Safeguarding Lead',
  "'; DROP TABLE cases; --",
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '2024-02-30T10:00:00Z',
  '2024-05-01',
  '1 May 2024',
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  12345678901234567890n,
  null,
  undefined,
  true,
  false,
  {},
  [],
  [null],
  [[[]]],
  [{}],
  hugeList,
  polluted,
  deep,
  cyclic,
  Object.create(null) as unknown,
  new Date('2024-05-01T10:00:00Z'),
  /regex/,
  new Map([['a', 1]]),
  new Set([1]),
  Symbol('hostile'),
  () => 'a function',
  { role: 'Lead Professional', name: 'Jo Patel' },
];

export const unknownTypes: readonly string[] = [
  'views.recorde',
  'VIEWS.RECORDED',
  '',
  ' views.recorded',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'person.removed',
  'event.voided.twice',
  'clock.tock',
  'x'.repeat(10_000),
  // XState's own event types, sent by a host: the machine has no invoked actors or delays.
  'xstate.init',
  'xstate.error.actor.0.step-down',
  'xstate.done.actor.0.step-down',
  'xstate.done.state.step-down',
  'xstate.after.1000.step-down',
];

export const hostileActors: readonly unknown[] = [
  { id: 'sw-amira-khan', role: 'head-teacher' },
  { id: 'sw-amira-khan', role: 'Social Worker' },
  { id: 'Amira Khan', role: 'social-worker' },
  { id: '', role: 'social-worker' },
  { id: 'system', role: 'system' },
  { id: 'x'.repeat(129), role: 'team-manager' },
  { id: 'sw-amira-khan' },
  { role: 'social-worker' },
  { id: 'sw-amira-khan', role: 'social-worker', personId: 'Sarah Taylor' },
  { id: 'sw-amira-khan', role: 'social-worker', extra: 1 },
  'social-worker',
  null,
];

export const idFields = ['personId', 'disagreementId', 'voidedEventId', 'eventId'] as const;

/** Every dotted path of an event's fields, objects and lists included, deepest last. */
export function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [];
  const paths: string[][] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, key];
    paths.push(path, ...pathsOf(child, path));
  }
  return paths;
}

/** A copy of `event` with the value at `path` replaced (or removed when `remove`). */
export function withPath(event: object, path: readonly string[], value: unknown, remove = false): Record<string, unknown> {
  const copy = structuredClone(event) as Record<string, unknown>;
  let target = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (remove) {
    if (Array.isArray(target)) target.splice(Number(last), 1);
    else delete target[last];
  } else {
    target[last] = value;
  }
  return copy;
}

/** A case in one state, and the date the generated events carry there. */
export interface BaseState {
  readonly name: string;
  readonly snapshot: CaseSnapshot;
  readonly at: string;
}

export function baseStates(): BaseState[] {
  const opened = '2024-03-25T09:00:00Z';
  const prep = { opened, decision: '2024-03-25T11:00:00Z', prep: '2024-03-27T10:00:00Z' };
  // Around the clock change of Sunday 31 March 2024 and Easter (29 March, 1 April).
  const dates = { meeting: '2024-04-03T10:00:00+01:00', firstFp: '2024-04-24', closed: '2024-04-10T15:00:00+01:00' };
  const states: { name: string; run: () => CaseRun; at: string }[] = [
    { name: 'decision, no people yet', run: () => new CaseRun('cin-outcome', opened), at: '2024-03-25T12:00:00Z' },
    { name: 'decision', run: () => new CaseRun('ten-day-checkpoint', opened).addFamily(), at: '2024-03-25T12:00:00Z' },
    {
      name: 'preparation',
      run: () => new CaseRun('cp-outcome', opened).addFamily().send(event('decision.agreed', prep.decision)),
      at: '2024-03-28T10:00:00Z',
    },
    { name: 'ready for the final meeting', run: () => readyForFinalMeeting('cin-outcome', prep), at: dates.meeting },
    {
      name: 'closure: waiting for the referral',
      run: () => readyForFinalMeeting('cin-outcome', prep).send(event('finalMeeting.held', dates.meeting, { firstFamilyPlanMeetingDate: dates.firstFp })),
      at: '2024-04-04T10:00:00+01:00',
    },
    { name: 'closure: waiting for the closure to CSC', run: () => readyToCloseToCsc(readyForFinalMeeting('cin-outcome', prep), dates), at: dates.closed },
    { name: 'under the CAF', run: () => closeToCsc(readyForFinalMeeting('cin-outcome', prep), dates), at: '2024-04-17T10:00:00+01:00' },
    {
      name: 'under the CAF, reviewing',
      run: () =>
        closeToCsc(readyForFinalMeeting('cin-outcome', prep), dates)
          .send(event('ehm.authorised', '2024-04-11T10:00:00+01:00'))
          .send(event('familyPlanMeeting.held', '2024-04-24T10:00:00+01:00', { kind: 'initial' })),
      at: '2024-05-06T10:00:00+01:00',
    },
    {
      name: 'stepped up (ended)',
      run: () => closeToCsc(readyForFinalMeeting('cin-outcome', prep), dates).send(event('stepUp.referred', '2024-04-12T10:00:00+01:00')),
      at: '2024-04-15T10:00:00+01:00',
    },
  ];
  return states.map(({ name, run, at }) => ({ name, snapshot: run().snapshot, at }));
}

export type Mutation = (rng: Rng, valid: StepDownEvent, state: BaseState) => unknown;

/** How a valid event is spoiled. Each is one thing a host gets wrong, or an attacker tries. */
export const mutations: Readonly<Record<string, Mutation>> = {
  'a field removed': (rng, valid) => {
    const paths = pathsOf(valid);
    return withPath(valid, rng.pick(paths), undefined, true);
  },
  'a field mistyped or hostile': (rng, valid) => withPath(valid, rng.pick(pathsOf(valid)), rng.pick(hostileValues)),
  'a top-level field hostile': (rng, valid) => ({ ...valid, [rng.pick(Object.keys(valid))]: rng.pick(hostileValues) }),
  'not an event at all': (rng) => rng.pick(hostileValues),
  'an unknown type': (rng, valid) => ({ ...valid, type: rng.pick(unknownTypes) }),
  'a type of another event': (rng, valid) => ({ ...valid, type: rng.pick(eventTypes) }),
  'a hostile actor': (rng, valid) => ({ ...valid, actor: rng.pick(hostileActors) }),
  'a role the policy does not give the step to': (rng, valid) => {
    const roles = ['social-worker', 'team-manager', 'caf-link-worker', 'lead-professional', 'early-help-manager', 'system'] as const;
    const role = rng.pick(roles.filter((r) => !defaultPolicy.permissions[valid.type].includes(r)));
    return role === undefined ? valid : { ...valid, actor: { id: `someone-${role}`, role } };
  },
  'a name where an id belongs': (rng, valid) => {
    const name = rng.pick(['Sarah Taylor', 'Jo Patel (LP)', 'Mum', 'Lead Professional (Oakfield Primary)', 'leo taylor']);
    const fields = [...idFields.filter((f) => f in valid), ...['attendees', 'recipients'].filter((f) => f in valid)];
    if (fields.length === 0) return { ...valid, actor: { ...valid.actor, id: name } };
    const field = rng.pick(fields);
    return { ...valid, [field]: field === 'attendees' || field === 'recipients' ? [name] : name };
  },
  'a person not on the case': (rng, valid) => {
    const stranger = rng.pick(['aunt-jo', 'grandma-taylor', 'SARAH', 'sarah ', 'leo-2']);
    if ('attendees' in valid) return { ...valid, attendees: [...valid.attendees, stranger] };
    if ('recipients' in valid) return { ...valid, recipients: [stranger] };
    return 'personId' in valid ? { ...valid, personId: stranger } : { ...valid, personId: stranger };
  },
  'an e-CAF with only section 11': (rng, valid, state) => {
    const referral = event('eCaf.referralCompleted', state.at);
    const form = rng.next() < 0.5 ? { firstFamilyPlanMeetingDate: '2024-04-24' } : { ...referral.form, backgroundAndHistory: undefined };
    return { ...referral, form };
  },
  'prototype pollution keys': (rng, valid) => {
    const keys = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}') as object;
    return rng.next() < 0.5 ? Object.assign(JSON.parse(JSON.stringify(valid)) as object, keys) : { ...valid, ...keys, prototype: {} };
  },
  'a date that is not one': (rng, valid) => ({
    ...valid,
    at: rng.pick(['2024-02-30T10:00:00Z', '2024-13-01T10:00:00Z', '2024-05-01T25:00:00Z', '2024-05-01T10:00:00', '2024-05-01', 1714550400000, new Date(0), '', huge]),
  }),
  'dated before the case opened': (_rng, valid) => ({ ...valid, at: '2024-03-24T09:00:00Z' }),
  'a list of duplicates or a huge list': (rng, valid) => {
    if ('attendees' in valid) return { ...valid, attendees: rng.next() < 0.5 ? [samplePeople.parent, samplePeople.parent] : hugeList };
    if ('recipients' in valid) return { ...valid, recipients: rng.next() < 0.5 ? [...sampleRecipients, samplePeople.parent] : hugeList };
    return { ...valid, [rng.pick(Object.keys(valid))]: hugeList };
  },
};
export const mutationNames = Object.keys(mutations);

/** A valid event of a random type for the state, sometimes naming a person of the sample family. */
export function validEvent(rng: Rng, state: BaseState): StepDownEvent {
  const type = rng.pick(eventTypes);
  const valid = sampleEvent(type, state.at);
  if ('personId' in valid && type !== 'person.added' && rng.next() < 0.5) {
    return { ...valid, personId: rng.pick([samplePeople.child, samplePeople.parent, samplePeople.partner, samplePeople.leadProfessional.personId]) } as StepDownEvent;
  }
  return valid;
}

/** The event is one the machine must refuse: invalid, or valid but refused by explainRefusal. */
export function mustRefuse(snapshot: CaseSnapshot, input: unknown, failures: string[]): boolean {
  if (eventProblem(input, defaultPolicy) !== null) {
    // explainRefusal validates first: a plain-JavaScript host gets INVALID_EVENT, never a crash.
    try {
      explainRefusal(snapshot, input as StepDownEvent);
      failures.push('explainRefusal accepted an event eventProblem refused');
    } catch (error) {
      if (!(error instanceof StepDownError)) failures.push(`explainRefusal threw ${String(error)}`);
    }
    return true;
  }
  return explainRefusal(snapshot, input as StepDownEvent) !== null;
}

/** A running actor restored from a persisted snapshot, as a host resumes a case. */
export function actorFrom(snapshot: CaseSnapshot) {
  // xstate types a persisted snapshot as Snapshot<unknown>; it is this machine's own.
  // The input is read only when a case opens; a restored actor resumes from the snapshot.
  const input = { caseId: snapshot.context.caseId, route: snapshot.context.route, openedAt: snapshot.context.openedAt };
  return createActor(stepDownMachine, { input, snapshot: stepDownMachine.getPersistedSnapshot(snapshot) as never });
}

/** What a refused event must leave as it was: the state value, the context and the status. */
export function fingerprint(snapshot: CaseSnapshot): string {
  return JSON.stringify([snapshot.value, snapshot.context, snapshot.status]);
}

/** What changed, by part, for a failure message: no values. */
export function describeChange(before: CaseSnapshot, after: CaseSnapshot, input: unknown): string {
  const parts = (['value', 'context', 'status'] as const).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const changedKeys = Object.keys(after.context).filter(
    (k) => JSON.stringify((before.context as unknown as Record<string, unknown>)[k]) !== JSON.stringify((after.context as unknown as Record<string, unknown>)[k]),
  );
  const type = typeof input === 'object' && input !== null ? String((input as { type?: unknown }).type) : typeof input;
  return `${type}: ${parts.join(', ')} (${changedKeys.join(', ')})`;
}

/** The generated events, the same on every run. */
export function generate(states: readonly BaseState[], count: number, seed: number) {
  const rng = prng(seed);
  return Array.from({ length: count }, () => {
    const state = rng.pick(states);
    const mutation = rng.pick(mutationNames);
    return { state, mutation, input: mutations[mutation]!(rng, validEvent(rng, state), state) };
  });
}
