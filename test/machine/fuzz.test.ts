import { getNextSnapshot, transition } from 'xstate';
import { afterAll, describe, expect, it } from 'vitest';
import { StepDownError, explainRefusal, stepDownMachine, type CaseSnapshot, type StepDownEvent } from '../../src/index.js';
import { actorFrom, baseStates, describeChange, fingerprint, generate, mustRefuse, mutationNames } from './fuzz-cases.js';
import { samplePeople } from '../events/samples.js';
import { event } from './harness.js';

// Issue 9 "A machine that is safe on its own": the exported stepDownMachine judges every event it
// receives. Malformed events, generated from a seeded PRNG so every run sends the same ones, go to
// the bare machine from several states of a case through xstate's `transition`, `getNextSnapshot`
// and a running actor. None may throw, and none that the machine refuses may change the case.

/** How many generated events each path receives; the test names report it. */
const EVENTS = 24_000;
const SEED = 0x5eed_0009;

describe(`the bare stepDownMachine, sent ${EVENTS.toLocaleString('en-GB')} generated malformed events from 9 states of a case (seed ${SEED.toString(16)})`, () => {
  const states = baseStates();
  const before = new Map(states.map((s) => [s, fingerprint(s.snapshot)]));
  const judgeFailures: string[] = [];
  // Each event is judged once: must the machine refuse it in its state?
  const cases = generate(states, EVENTS, SEED).map((c) => ({ ...c, refused: mustRefuse(c.state.snapshot, c.input, judgeFailures) }));
  const refusedCount = cases.filter((c) => c.refused).length;
  const actorCount = cases.filter((c) => c.refused && c.state.snapshot.status === 'active' && typeof c.input === 'object' && c.input !== null).length;
  const n = (count: number) => count.toLocaleString('en-GB');

  afterAll(() => {
    // No prototype was polluted along the way.
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it(`judges all ${n(EVENTS)} with eventProblem and explainRefusal: ${n(refusedCount)} refused, ${n(EVENTS - refusedCount)} valid and accepted; explainRefusal throws nothing but INVALID_EVENT`, () => {
    expect(judgeFailures).toEqual([]);
    const perMutation = new Set(cases.filter((c) => c.refused).map((c) => c.mutation));
    expect([...perMutation].sort()).toEqual([...mutationNames].sort());
    expect(refusedCount).toBeGreaterThan(EVENTS * 0.9);
  });

  it(`through transition: ${n(EVENTS)} events, zero throws, zero changes by the ${n(refusedCount)} refused`, { timeout: 60_000 }, () => {
    const problems: string[] = [];
    for (const { state, input, mutation, refused } of cases) {
      let next: CaseSnapshot;
      try {
        [next] = transition(stepDownMachine, state.snapshot, input as StepDownEvent);
      } catch (error) {
        problems.push(`${mutation} in ${state.name}: threw ${String(error)}`);
        continue;
      }
      if (refused && next !== state.snapshot && fingerprint(next) !== before.get(state)) {
        problems.push(`${mutation} in ${state.name}: a refused event changed the case: ${describeChange(state.snapshot, next, input)}`);
      }
      // explainRefusal and the machine agree: an event it accepts is taken.
      if (!refused && next === state.snapshot) problems.push(`${mutation} in ${state.name}: accepted by explainRefusal, not taken`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(problems).toHaveLength(0);
    // The base snapshots themselves were never mutated.
    for (const state of states) expect(fingerprint(state.snapshot)).toBe(before.get(state));
  });

  it(`through getNextSnapshot: ${n(EVENTS)} events, zero throws, zero changes by the ${n(refusedCount)} refused`, { timeout: 60_000 }, () => {
    const problems: string[] = [];
    for (const { state, input, mutation, refused } of cases) {
      try {
        const next = getNextSnapshot(stepDownMachine, state.snapshot, input as StepDownEvent);
        if (refused && next !== state.snapshot && fingerprint(next) !== before.get(state)) {
          problems.push(`${mutation} in ${state.name}: a refused event changed the case: ${describeChange(state.snapshot, next, input)}`);
        }
      } catch (error) {
        problems.push(`${mutation} in ${state.name}: threw ${String(error)}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(problems).toHaveLength(0);
  });

  it(`through a running actor (createActor): the ${n(actorCount)} refused event objects for the 8 open states, zero throws, zero errors, zero changes`, { timeout: 60_000 }, () => {
    const problems: string[] = [];
    let sent = 0;
    // An actor whose case has ended is stopped: XState takes nothing more (and warns), so only the open
    // states run. XState's Actor.send itself rejects a string, null or undefined before the machine is
    // asked (see the next test), so the actor is sent every refused event that is an object.
    const open = states.filter((s) => s.snapshot.status === 'active');
    for (const state of open) {
      const actor = actorFrom(state.snapshot);
      actor.subscribe({ error: (error) => problems.push(`${state.name}: actor error ${String(error)}`) });
      actor.start();
      const start = fingerprint(actor.getSnapshot());
      expect(start === before.get(state) ? 'same' : describeChange(state.snapshot, actor.getSnapshot(), null), state.name).toBe('same');
      for (const c of cases) {
        if (c.state !== state || !c.refused || typeof c.input !== 'object' || c.input === null) continue;
        const previous = actor.getSnapshot();
        try {
          actor.send(c.input as StepDownEvent);
        } catch (error) {
          problems.push(`${c.mutation} in ${state.name}: send threw ${String(error)}`);
          continue;
        }
        sent += 1;
        const now = actor.getSnapshot();
        if (now !== previous && fingerprint(now) !== start) {
          problems.push(`${c.mutation} in ${state.name}: a refused event changed the actor: ${describeChange(previous, now, c.input)}`);
        }
      }
      if (fingerprint(actor.getSnapshot()) !== start) problems.push(`${state.name}: the actor's case changed`);
      actor.stop();
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(problems).toHaveLength(0);
    const expected = cases.filter(
      (c) => c.refused && c.state.snapshot.status === 'active' && typeof c.input === 'object' && c.input !== null,
    ).length;
    expect(sent).toBe(expected);
    expect(sent).toBe(actorCount);
    expect(sent).toBeGreaterThan(EVENTS * 0.7);
  });

  it('through a running actor: XState’s own Actor.send reads a type from null or undefined and throws before the machine is asked (and refuses a string in its development build); the case is unchanged', () => {
    const state = states.find((s) => s.name === 'preparation')!;
    const view = event('views.recorded', state.at, { personId: samplePeople.child });
    for (const input of [null, undefined, 'views.recorded', '', 42]) {
      const actor = actorFrom(state.snapshot).start();
      let thrown: unknown = null;
      try {
        actor.send(input as unknown as StepDownEvent);
      } catch (error) {
        thrown = error;
      }
      if (input === null || input === undefined) expect(thrown, String(input)).toBeInstanceOf(TypeError);
      else if (thrown !== null) expect(String(thrown)).toContain('Only event objects may be sent to actors');
      expect(fingerprint(actor.getSnapshot())).toBe(before.get(state));
      // After a string or a number the actor still takes events. (After XState throws on null or
      // undefined its mailbox takes nothing more: docs/reliability.md "The bare machine".)
      if (input !== null && input !== undefined) {
        actor.send(view);
        expect(actor.getSnapshot().context.views[samplePeople.child]).toBeDefined();
      }
      actor.stop();
    }
  });

  it('XState’s own event types sent by a host change nothing: an error, done or delayed event leaves the status, state and context as they were', () => {
    const problems: string[] = [];
    for (const state of states) {
      for (const type of ['xstate.error.actor.0.step-down', 'xstate.done.actor.0.step-down', 'xstate.done.state.step-down', 'xstate.after.1000.step-down', 'xstate.init']) {
        for (const next of [transition(stepDownMachine, state.snapshot, { type } as never)[0], getNextSnapshot(stepDownMachine, state.snapshot, { type } as never)]) {
          if (fingerprint(next) !== before.get(state)) problems.push(`${type} in ${state.name}: ${describeChange(state.snapshot, next, { type })}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('an ended case takes nothing: the people of the case and the clock, taken in every open state, change nothing once the case has an outcome', () => {
    const ended = states.find((s) => s.snapshot.status === 'done')!;
    expect(ended.snapshot.context.outcome).toBe('stepped-up');
    const problems: string[] = [];
    for (const e of [
      event('person.added', ended.at, { personId: 'aunt-jo', relationship: 'family-member', name: 'A family member' }),
      event('person.updated', ended.at, { personId: samplePeople.parent, name: 'A new name' }),
      event('involvement.ended', ended.at, { personId: samplePeople.partner }),
      event('clock.tick', '2026-01-01T09:00:00Z'),
    ]) {
      expect(explainRefusal(ended.snapshot, e)?.code).toBe('EVENT_NOT_ACCEPTED');
      for (const next of [transition(stepDownMachine, ended.snapshot, e)[0], getNextSnapshot(stepDownMachine, ended.snapshot, e)]) {
        if (fingerprint(next) !== before.get(ended)) problems.push(`${e.type}: ${describeChange(ended.snapshot, next, e)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
