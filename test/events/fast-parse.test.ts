/**
 * The event reader that spares most events zod's bookkeeping (`src/events/fast-parse.ts`) against
 * zod itself: on every sample event, on padded text, on every event of every built-in scenario and
 * on thousands of broken events, whatever it accepts zod accepts, with the same output to the order
 * of its fields, and every valid event takes the quick way.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { fastReader } from '../../src/events/fast-parse.js';
import { eventTypes, stepDownEventSchema } from '../../src/events/registry.js';
import { builtInScenarioNames, resolveScenario, simulate } from '../../src/simulator/index.js';
import { mutate } from '../engine/fuzz-events.js';
import { prng } from '../machine/prng.js';
import { sampleEvent } from './samples.js';

const quick = fastReader(stepDownEventSchema);

/** Zod's reading and the quick one of one input: the quick one only where zod accepts, and the same. */
function agree(input: unknown): { zod: boolean; quick: boolean } {
  const fast = quick(input);
  const parsed = stepDownEventSchema.safeParse(input);
  if (fast !== undefined) {
    expect(parsed.success).toBe(true);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(parsed.data));
    expect(fast).toEqual(parsed.data);
  }
  return { zod: parsed.success, quick: fast !== undefined };
}

/** True when every object in `value` is a plain object (or null-prototype) or an array with an array's prototype. */
function plainThroughout(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return proto === Array.prototype && value.every(plainThroughout);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every(plainThroughout);
}

describe('the quick event reader', () => {
  it('reads every sample event as zod does, and quickly', () => {
    for (const type of eventTypes) {
      const sample = sampleEvent(type, '2024-05-01T10:00:00+01:00');
      expect(agree(sample), type).toEqual({ zod: true, quick: true });
      // Free text is trimmed by the same check, at every depth.
      const padded = JSON.parse(JSON.stringify(sample, (_key, value: unknown) => (typeof value === 'string' && /\s/.test(value) ? `  ${value}\n` : value)));
      const read = agree(padded);
      expect(read.quick, type).toBe(read.zod);
    }
  });

  it('reads every event of every built-in scenario as zod does', async () => {
    let events = 0;
    for (const name of builtInScenarioNames()) {
      const store = memoryStore();
      const { scenario, source } = await resolveScenario(name);
      await simulate(scenario, { source, store });
      for (const caseId of (await store.caseIds?.(null, 100)) ?? []) {
        for (const entry of (await store.audit(caseId)).slice(1)) {
          if (entry.event === null) continue;
          expect(agree(entry.event)).toEqual({ zod: true, quick: true });
          events += 1;
        }
      }
    }
    expect(events).toBeGreaterThan(400);
  }, 120_000);

  it('accepts no broken event zod refuses, and takes the quick way for every one zod accepts', () => {
    const random = prng(15).next;
    let refused = 0;
    let accepted = 0;
    for (let i = 0; i < 6000; i++) {
      const base = sampleEvent(eventTypes[i % eventTypes.length]!, '2024-05-01T10:00:00+01:00') as unknown as Record<string, unknown>;
      let input: unknown;
      try {
        input = mutate(base, random);
      } catch {
        continue; // a mutation that JavaScript itself refuses (a cyclic __proto__)
      }
      const { zod, quick: fast } = agree(input);
      if (zod) {
        accepted += 1;
        // An object whose prototype is not a plain object's (a mutation can give it an array's) is
        // left to zod, which may accept it: the quick way is only promised for plain JSON values.
        if (plainThroughout(input)) expect(fast).toBe(true);
      } else refused += 1;
    }
    expect(refused).toBeGreaterThan(3000);
    expect(accepted).toBeGreaterThan(100);
  }, 120_000);
});
