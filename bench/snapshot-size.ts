/**
 * How a case's stored snapshot grows with its age: the `reassessment-at-twelve-months` lifecycle
 * through `engine.send` on a memory store, the stored record's bytes read after the last event of
 * each month. Two sizes: the machine's snapshot (state value and context, what `persistCase` writes
 * without the ledger) and the whole stored snapshot with the engine's ledger of event ids.
 */
import { memoryStore } from '../adapters/memory.js';
import { createCaseEngine } from '../src/index.js';
import type { BenchRow, BenchSuite } from './harness.js';
import { reassessmentLifecycle } from './lifecycle.js';

let lines: string[] = [];

export const snapshotSizeSuite: BenchSuite = {
  title: 'Snapshot size by the case\'s age',
  baselines: [],
  method:
    'The stored snapshot of one case after the last event of its 1st, 4th, 8th, 12th and 16th month of the ' +
    '`reassessment-at-twelve-months` lifecycle (bytes of UTF-8 JSON; the "ns/op" column holds bytes). Sizes, not times: one run.',
  summary: () => (lines.length === 0 ? null : lines.join('\n')),
  async run() {
    const lifecycle = await reassessmentLifecycle();
    const store = memoryStore();
    const engine = createCaseEngine({ store, now: () => lifecycle.now });
    await engine.open({ ...lifecycle.open, caseId: 'size' });
    const opened = Date.parse(lifecycle.open.at);
    const month = (at: string) => Math.floor((Date.parse(at) - opened) / (30.44 * 86_400_000)) + 1;
    const sizes = new Map<number, { machine: number; stored: number }>();
    for (const event of lifecycle.events) {
      await engine.send('size', event);
      const { snapshot } = (await store.load('size'))!;
      const { ledger: _ledger, ...machine } = snapshot as { ledger?: unknown };
      sizes.set(month(event.at), {
        machine: Buffer.byteLength(JSON.stringify(machine)),
        stored: Buffer.byteLength(JSON.stringify(snapshot)),
      });
    }
    const at = (m: number) => {
      for (let k = m; k >= 1; k--) if (sizes.has(k)) return sizes.get(k)!;
      throw new Error(`no event in the first ${m} months`);
    };
    const rows: BenchRow[] = [];
    for (const m of [1, 4, 8, 12, 16]) {
      const s = at(m);
      rows.push({ name: `month ${m}: machine snapshot (value + context), bytes`, nsPerOp: s.machine, opsPerSec: 0 });
      rows.push({ name: `month ${m}: stored snapshot with the ledger, bytes`, nsPerOp: s.stored, opsPerSec: 0 });
    }
    const ratio = (k: 'machine' | 'stored') => (at(16)[k] / at(1)[k]).toFixed(2);
    lines = [
      `Machine snapshot after 16 months ÷ after 1 month: **${ratio('machine')}×** (target ≤ 1.5×).`,
      `Stored snapshot with the ledger, 16 months ÷ 1 month: ${ratio('stored')}×.`,
    ];
    return rows;
  },
};
