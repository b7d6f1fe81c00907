/**
 * Time per persisted step against bpmn-engine (a dev dependency, used here only): a BPMN process of
 * as many user tasks in sequence as the `reassessment-at-twelve-months` lifecycle has events. Each
 * bpmn-engine step is what a host persisting between steps does: recover the engine from the JSON
 * state saved after the last step, resume it, signal the waiting task, take the state and stringify
 * it. Each of ours is `engine.send` on the memory store (which loads, judges, and saves the case as
 * JSON). Alternating rounds of one run.
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { memoryStore } from '../adapters/memory.js';
import { createCaseEngine } from '../src/index.js';
import type { BenchSuite } from './harness.js';
import { reassessmentLifecycle } from './lifecycle.js';
import { paired, ratioText, type PairedResult } from './paired.js';

const casesPerRound = 1;
let result: PairedResult | null = null;

function processOf(steps: number): string {
  const tasks = Array.from({ length: steps }, (_, i) => `<userTask id="step${i}" />`).join('');
  const flows = [
    `<sequenceFlow id="f-start" sourceRef="start" targetRef="step0" />`,
    ...Array.from({ length: steps - 1 }, (_, i) => `<sequenceFlow id="f${i}" sourceRef="step${i}" targetRef="step${i + 1}" />`),
    `<sequenceFlow id="f-end" sourceRef="step${steps - 1}" targetRef="end" />`,
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://bench">
  <process id="lifecycle" isExecutable="true"><startEvent id="start" />${tasks}<endEvent id="end" />${flows}</process>
</definitions>`;
}

/** Runs the process to its first wait and returns the saved state. */
async function startProcess(source: string): Promise<string> {
  const listener = new EventEmitter();
  const waiting = new Promise<void>((resolve) => listener.once('wait', () => resolve()));
  const engine = new Engine({ name: 'lifecycle', source });
  await engine.execute({ listener });
  await waiting;
  return JSON.stringify(await engine.getState());
}

/** One persisted step: recover from the saved state, signal the waiting task, save the state again. */
async function bpmnStep(saved: string, taskId: string): Promise<string> {
  const listener = new EventEmitter();
  const engine = new Engine({ name: 'lifecycle' }).recover(JSON.parse(saved));
  const execution = await engine.resume({ listener });
  execution.signal({ id: taskId });
  return JSON.stringify(await engine.getState());
}

export const bpmnSuite: BenchSuite = {
  title: 'Per persisted step: engine.send ÷ bpmn-engine with its state saved between steps',
  baselines: [],
  unit: 'µs',
  method:
    `Each round drives ${casesPerRound} cases through every event of \`reassessment-at-twelve-months\` with ` +
    '`engine.send` (memory store), and as many processes through the same number of user tasks with bpmn-engine, ' +
    'recovering each from its JSON state, resuming, signalling the waiting task and saving the state again. ' +
    'One untimed pair of rounds, then 5 timed pairs alternating which side goes first.',
  summary: () => (result ? `bpmn-engine time per persisted step ÷ ours: **${ratioText({ ...result, ratio: { median: 1 / result.ratio.median, low: 1 / result.ratio.high, high: 1 / result.ratio.low } }, 1)}** (aim ≥ 100×).` : null),
  async run() {
    const lifecycle = await reassessmentLifecycle();
    const steps = lifecycle.events.length;
    const source = processOf(steps);
    const engine = createCaseEngine({ store: memoryStore(), now: () => lifecycle.now });
    const ids = (r: number) => Array.from({ length: casesPerRound }, (_, i) => `bp-r${r}-c${i}`);
    const started = await startProcess(source);
    result = await paired(
      ['engine.send (memory store), per step', 'bpmn-engine recover + resume + signal + getState, per step'],
      async (r) => {
        for (const caseId of ids(r)) for (const event of lifecycle.events) await engine.send(caseId, event);
        return casesPerRound * steps;
      },
      async () => {
        for (let c = 0; c < casesPerRound; c++) {
          let saved = started;
          for (let i = 0; i < steps; i++) saved = await bpmnStep(saved, `step${i}`);
          // Still `running` would mean a task is left waiting: every step must have been taken.
          if ((JSON.parse(saved) as { state: string }).state === 'running') throw new Error('the BPMN process did not complete');
        }
        return casesPerRound * steps;
      },
      { rounds: 5, warmup: 1, prepare: async (r) => { for (const caseId of ids(r)) await engine.open({ ...lifecycle.open, caseId }); } },
    );
    return result.rows;
  },
};
