/**
 * What `engine.send` on the memory store adds to the work no engine can avoid: per event, parse the
 * stored JSON, resolve it into a snapshot, xstate's `transition`, and stringify the result. Both
 * sides replay the same lifecycle (the accepted events of `reassessment-at-twelve-months`, see
 * `lifecycle.ts`) over fresh cases, in alternating rounds of one run.
 */
import { transition } from 'xstate';
import { memoryStore } from '../adapters/memory.js';
import { createCaseEngine, stepDownMachine, type CaseEngine } from '../src/index.js';
import { initialTransition } from 'xstate';
import type { BenchSuite } from './harness.js';
import { reassessmentLifecycle } from './lifecycle.js';
import { paired, ratioText, type PairedResult } from './paired.js';

// Rounds of a few hundred milliseconds each, so one collection of the heap does not decide a round.
const casesPerRound = 36;
const rounds = 15;
let result: PairedResult | null = null;
let sends = 0;

/** The bare work: the stored case as a JSON string, parsed, resolved, moved on by the event, stringified. */
function bareLifecycle(json: string, events: readonly unknown[]): string {
  let stored = json;
  for (const event of events) {
    const { value, context } = JSON.parse(stored) as { value: never; context: never };
    const snapshot = stepDownMachine.resolveState({ value, context });
    const [next] = transition(stepDownMachine, snapshot, event as never);
    stored = JSON.stringify({ value: next.value, context: next.context });
  }
  return stored;
}

export const sendOverheadSuite: BenchSuite = {
  title: 'Write path: engine.send on the memory store ÷ the bare transition',
  baselines: ['bare: JSON.parse + resolveState + transition + JSON.stringify'],
  unit: 'µs',
  get method() {
    return (
      `Each round sends the ${sends} accepted events of the \`reassessment-at-twelve-months\` scenario to ` +
      `${casesPerRound} fresh cases (opened untimed before the round), through \`engine.send\` on a memory store, ` +
      'and runs the same events through the bare work on a JSON string. Two untimed pairs of rounds, then ' +
      `${rounds} timed pairs, alternating which side goes first; the time is the median round, the ratio each round's.`
    );
  },
  summary: () => (result ? `engine.send ÷ bare transition: **${ratioText(result)}** (target ≤ 1.5×).` : null),
  async run() {
    const lifecycle = await reassessmentLifecycle();
    sends = lifecycle.events.length;
    const store = memoryStore();
    const engine: CaseEngine = createCaseEngine({ store, now: () => lifecycle.now });
    const ids = (r: number) => Array.from({ length: casesPerRound }, (_, i) => `so-r${r}-c${i}`);
    const [opened] = initialTransition(stepDownMachine, { caseId: 'bare', route: lifecycle.open.route, openedAt: lifecycle.open.at });
    const openedJson = JSON.stringify({ value: opened.value, context: opened.context });
    let last = '';
    result = await paired(
      ['engine.send (memory store)', 'bare: JSON.parse + resolveState + transition + JSON.stringify'],
      async (r) => {
        for (const caseId of ids(r)) {
          let view;
          for (const event of lifecycle.events) view = await engine.send(caseId, event);
          if (view?.outcome !== 'caf-closed') throw new Error(`${caseId} ended at ${view?.states.join(', ')}`);
        }
        return casesPerRound * sends;
      },
      async () => {
        for (let i = 0; i < casesPerRound; i++) last = bareLifecycle(openedJson, lifecycle.events);
        if (!last.includes('"outcome":"caf-closed"')) throw new Error('the bare lifecycle did not reach caf-closed');
        return casesPerRound * sends;
      },
      {
        rounds,
        prepare: async (r) => {
          for (const caseId of ids(r)) await engine.open({ ...lifecycle.open, caseId });
        },
      },
    );
    return result.rows;
  },
};
