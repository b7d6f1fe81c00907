/**
 * The send path's own ways of doing what xstate and zod do, held to what they replace over every
 * event of every built-in scenario (accepted and refused): `inertTransition` against xstate's
 * `transition`, `inState` against `snapshot.matches`, and `plainlyPersisted` against the stored
 * case's zod schema.
 */
import { initialTransition, transition, type StateValue } from 'xstate';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { inertTransition } from '../../src/machine/inert-transition.js';
import { inState } from '../../src/machine/in-state.js';
import { emittedNotifications } from '../../src/machine/notifications.js';
import { plainlyPersisted } from '../../src/machine/persisted-shape.js';
import { persistCase, restoreCase } from '../../src/machine/persistence.js';
import { createStepDownMachine, type CaseSnapshot, type StepDownEvent } from '../../src/index.js';
import { builtInScenarioNames, resolveScenario, simulate } from '../../src/simulator/index.js';
import type { CaseInput } from '../../src/machine/context.js';

const machine = createStepDownMachine();

/** Every state's path as a state value (`{ underCaf: { ehm: 'qualityAssurance' } }`), and each top-level name. */
const paths: StateValue[] = [];
const visit = (node: { path: string[]; states: Record<string, unknown> }) => {
  if (node.path.length > 0) {
    let value: StateValue = node.path.at(-1)!;
    for (const key of node.path.slice(0, -1).reverse()) value = { [key]: value };
    paths.push(value);
  }
  for (const child of Object.values(node.states)) visit(child as typeof node);
};
visit(machine.root as never);

/** Each built-in scenario's opening input and every event its trail holds, refused ones included. */
async function scenarioTrails(): Promise<{ name: string; input: CaseInput; events: StepDownEvent[] }[]> {
  const trails = [];
  for (const name of builtInScenarioNames()) {
    const store = memoryStore();
    const { scenario, source } = await resolveScenario(name);
    await simulate(scenario, { source, store });
    for (const caseId of (await store.caseIds?.(null, 100)) ?? []) {
      const [opened, ...rest] = await store.audit(caseId);
      const events = rest.filter((e) => e.event !== null).map((e) => e.event as StepDownEvent);
      trails.push({ name, input: opened!.event as CaseInput, events });
    }
  }
  return trails;
}

describe('the send path against what it replaces', () => {
  it('inertTransition, inState and plainlyPersisted agree with xstate and zod on every event of every built-in scenario', async () => {
    const trails = await scenarioTrails();
    expect(trails.length).toBeGreaterThanOrEqual(builtInScenarioNames().length);
    let events = 0;
    let unchanged = 0;
    for (const { input, events: sent } of trails) {
      let [snapshot] = initialTransition(machine, input);
      for (const event of sent) {
        const before = JSON.stringify(snapshot.context);
        const [expected, expectedActions] = transition(machine, snapshot, event);
        const [next, actions] = inertTransition(machine, snapshot, event);
        // Neither changed the snapshot it started from: the engine starts the next event from a kept one.
        expect(JSON.stringify(snapshot.context)).toBe(before);
        // The same snapshot object back when nothing changed: the engine's test for a refusal.
        expect(next === snapshot).toBe(expected === snapshot);
        if (next === snapshot) unchanged += 1;
        expect({ value: next.value, context: next.context, status: next.status }).toEqual({
          value: expected.value,
          context: expected.context,
          status: expected.status,
        });
        // The same actions, but for the actor each names as `self` (xstate makes a new one per call).
        const plain = (list: typeof actions) => list.map(({ type, params }) => ({ type, params }));
        expect(plain(actions)).toEqual(plain(expectedActions));
        expect(emittedNotifications(actions)).toEqual(emittedNotifications(expectedActions));
        for (const path of paths) expect(inState(next, path)).toBe(next.matches(path as never));
        // The context as the text a store keeps reads it back, to the last undefined field: the engine
        // may start the next event from this very object instead of that text (own-records.ts).
        expect(JSON.parse(JSON.stringify(next.context))).toStrictEqual(next.context);
        const persisted = JSON.parse(JSON.stringify(persistCase(next, {})));
        expect(plainlyPersisted(persisted)).toBe(true);
        expect(restoreCase(persisted, machine).context).toEqual(next.context);
        snapshot = next as CaseSnapshot;
        events += 1;
      }
    }
    expect(events).toBeGreaterThan(400);
    expect(unchanged).toBeGreaterThan(0);
  }, 120_000);

  it('plainlyPersisted leaves to zod every record zod would refuse', () => {
    const [opened] = initialTransition(machine, { caseId: 'C-1', route: 'cin-outcome', openedAt: '2024-05-01T10:00:00+01:00' });
    const good = JSON.parse(JSON.stringify(persistCase(opened, {})));
    const broken: unknown[] = [
      { ...good, machineVersion: '2' },
      { ...good, value: 7 },
      { ...good, value: { withChildrensSocialCare: 7 } },
      { ...good, value: ['decision'] },
      { ...good, context: null },
      { ...good, context: [] },
      { ...good, context: { ...good.context, caseId: '' } },
      { ...good, context: { ...good.context, caseId: 7 } },
      { ...good, context: { ...good.context, route: null } },
      { ...good, context: { ...good.context, openedAt: undefined } },
      { ...good, context: { ...good.context, deadlines: {} } },
      Object.assign(Object.create({ inherited: true }), good),
    ];
    for (const record of broken) {
      if (!plainlyPersisted(record)) continue;
      // Taken without zod only where zod takes it too.
      expect(() => restoreCase(record, machine)).not.toThrow();
    }
    expect(broken.filter((record) => plainlyPersisted(record)).length).toBeLessThanOrEqual(1);
    expect(plainlyPersisted(good)).toBe(true);
  });
});
