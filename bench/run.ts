/**
 * Runs the benchmark suites and prints a Markdown table for each, headed by the machine it ran on
 * (copy the output into docs/benchmarks.md). A new benchmark is a file exporting a `BenchSuite`,
 * added to `suites` below.
 *
 * Run with `npm run bench` (every suite) or `npx tsx bench/run.ts stores tick worklist` (the ones named).
 * The database suites need `DATABASE_URL` for a PostgreSQL server; `.ci/services/postgres.sh`
 * starts a throwaway one:
 * `bash -c 'source .ci/services/postgres.sh && npx tsx bench/run.ts stores tick'`.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { bpmnSuite } from './bpmn.js';
import { calendarSuite } from './calendar.js';
import { deliveryLatencySuite } from './delivery-latency.js';
import { drain, toMarkdown, type BenchSuite } from './harness.js';
import { postgresOverheadSuite } from './postgres-overhead.js';
import { sendOverheadSuite } from './send-overhead.js';
import { snapshotSizeSuite } from './snapshot-size.js';
import { storesSuite } from './stores.js';
import { tickSuite } from './tick.js';
import { verifySuite } from './verify.js';
import { worklistSuite } from './worklist.js';

const suites: Readonly<Record<string, BenchSuite>> = {
  calendar: calendarSuite,
  stores: storesSuite,
  tick: tickSuite,
  worklist: worklistSuite,
  'delivery-latency': deliveryLatencySuite,
  verify: verifySuite,
  'send-overhead': sendOverheadSuite,
  'postgres-overhead': postgresOverheadSuite,
  bpmn: bpmnSuite,
  'snapshot-size': snapshotSizeSuite,
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`Unknown suite(s): ${unknown.join(', ')}. Known: ${Object.keys(suites).join(', ')}.`);
  process.exit(2);
}
const selected = asked.length > 0 ? asked.map((name) => suites[name]!) : Object.values(suites);

const cpu = cpus();
console.log(
  `Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`,
);
// Other work on the machine slows every row: the load before and after tells whether a run was quiet.
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`Load average (1, 5, 15 min) at the start: ${load()}\n`);
for (const suite of selected) {
  const skip = suite.skipReason?.() ?? null;
  if (skip) {
    console.log(`## ${suite.title}\n\nSkipped: ${skip}\n`);
    continue;
  }
  const rows = await suite.run();
  const method = suite.method ?? 'Each row: 50,000 warm-up calls, then the median of 7 rounds of 200,000 calls.';
  console.log(`## ${suite.title}\n\n${method}\n\n${toMarkdown(rows, suite.baselines, suite.unit)}\n`);
  const summary = suite.summary?.() ?? null;
  if (summary) console.log(`${summary}\n`);
}
console.log(`Load average (1, 5, 15 min) at the end: ${load()}`);
drain();
