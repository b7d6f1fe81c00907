/**
 * The generated malformed events of the engine's fuzz test (`fuzz.test.ts`), shared with the
 * reliability suite (`npm run reliability`): a seeded PRNG, hostile values, the mutation of a valid
 * event and the cases the events go to.
 */
import { memoryStore } from '../../adapters/memory.js';
import { StepDownError, createCaseEngine, eventTypes, type CaseEngine, type EventType } from '../../src/index.js';
import { sampleEvent, sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { prng } from '../machine/prng.js';


export const hostile: readonly unknown[] = [
  null, undefined, 0, -1, 1e308, Number.NaN, true, false, '', ' ', 'Sarah Smith', 'a'.repeat(10_000), '\u0000', '\ud800',
  '../../etc/passwd', '__proto__', 'constructor', '2099-01-01T00:00:00Z', '2024-02-30T10:00:00Z', '2024-05-01', [], [null], [''],
  {}, { __proto__: { polluted: true } }, { toString: 'x' }, ['Sarah Smith'], { id: 'Sarah Smith' }, 'system', 'team-manager',
];

/** A malformed variant of a valid event: one to three mutations of its fields. */
export function mutate(base: Record<string, unknown>, random: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  if (random() < 0.03) return pick(hostile);
  const event: Record<string, unknown> = structuredClone(base);
  const mutations = 1 + Math.floor(random() * 3);
  for (let i = 0; i < mutations; i += 1) {
    const keys = Object.keys(event);
    const key = pick(keys);
    switch (Math.floor(random() * 8)) {
      case 0:
        delete event[key];
        break;
      case 1:
        event[key] = pick(hostile);
        break;
      case 2:
        event[`${key}x`] = event[key];
        delete event[key];
        break;
      case 3:
        event['type'] = random() < 0.5 ? pick(eventTypes) : `${typeof event['type'] === 'string' ? event['type'] : 'x'}.typo`;
        break;
      case 4:
        event['actor'] = { id: pick(['Sarah Smith', 'sw-1', '', 'tm-1']), role: pick(['social-worker', 'team-manager', 'system', 'admin', 'lead-professional']) };
        break;
      case 5: {
        const value = event[key];
        if (value !== null && typeof value === 'object') (value as Record<string, unknown>)[pick(['extra', '__proto__', 'id'])] = pick(hostile);
        else event[key] = { nested: value };
        break;
      }
      case 6:
        for (const idField of ['personId', 'disagreementId', 'eventId', 'voidedEventId']) if (idField in event || random() < 0.2) event[idField] = pick(hostile);
        break;
      default:
        event['at'] = pick(['2024-05-01T10:00:00', '2024-13-01T10:00:00Z', 'yesterday', '2099-05-01T10:00:00Z', 12]);
    }
  }
  return event;
}

/** Three cases at different stages: preparation, closure and under the CAF's family plan. */
export async function cases(engine: CaseEngine): Promise<string[]> {
  const tm = samplePeople.teamManager;
  const ids = ['F-prep', 'F-closure'];
  for (const caseId of ids) {
    await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.send(caseId, event('decision.agreed', '2024-03-05T10:00:00Z'));
    for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send(caseId, added);
  }
  for (const personId of [samplePeople.child, samplePeople.parent, samplePeople.partner]) {
    await engine.send('F-closure', event('views.recorded', '2024-03-07T10:00:00Z', { personId }));
  }
  await engine.send('F-closure', event('consent.given', '2024-03-07T11:00:00Z', { personId: samplePeople.parent }));
  await engine.send('F-closure', event('leadProfessional.agreed', '2024-03-08T11:00:00Z', { personId: samplePeople.leadProfessional.personId }));
  await engine.send('F-closure', event('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' }));
  return ids;
}

/** What {@link fuzzEngine} counted. */
export interface EngineFuzzFigures {
  readonly sent: number;
  /** Refused with a StepDownError, as they must be. */
  readonly refused: number;
  /** Throws of anything but a StepDownError: must be 0. */
  readonly otherThrows: number;
  /** Refused events after which the stored case was not as before: must be 0. */
  readonly changedByRefusal: number;
}

/**
 * The stored case as a refusal must leave it: everything but where its head points, which a
 * refusal moves on to its own audit entry (the head's version must stay).
 */
async function caseAsStored(store: ReturnType<typeof memoryStore>, caseId: string): Promise<string> {
  const { head, ...record } = (await store.load(caseId))!;
  return JSON.stringify({ ...record, headVersion: head?.version });
}

/** Sends `count` generated malformed events (seeded) to the engine over a memory store, spread over three cases. */
export async function fuzzEngine(count: number, seed: number): Promise<EngineFuzzFigures> {
  const store = memoryStore();
  const engine = createCaseEngine({ store, now: () => new Date('2024-12-31T12:00:00Z') });
  const caseIds = await cases(engine);
  const random = prng(seed).next;
  const bases = eventTypes.map((type: EventType) => sampleEvent(type, '2024-03-20T10:00:00Z') as unknown as Record<string, unknown>);
  let sent = 0;
  let refused = 0;
  let otherThrows = 0;
  let changedByRefusal = 0;
  for (let i = 0; i < count; i += 1) {
    const caseId = caseIds[i % caseIds.length]!;
    const input = mutate(bases[Math.floor(random() * bases.length)]!, random);
    const before = await caseAsStored(store, caseId);
    sent += 1;
    try {
      await engine.send(caseId, input as never);
    } catch (error) {
      if (!(error instanceof StepDownError)) {
        otherThrows += 1;
        continue;
      }
      refused += 1;
      if ((await caseAsStored(store, caseId)) !== before) changedByRefusal += 1;
    }
  }
  return { sent, refused, otherThrows, changedByRefusal };
}
