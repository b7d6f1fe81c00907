/**
 * Runs every benchmark suite and prints a Markdown table for each, headed by the machine it ran on
 * (copy the output into docs/benchmarks.md). A new benchmark is a file exporting a `BenchSuite`,
 * added to `suites` below.
 *
 * Run with `npm run bench`.
 */
import { cpus } from 'node:os';
import { calendarSuite } from './calendar.js';
import { drain, toMarkdown, type BenchSuite } from './harness.js';

const suites: readonly BenchSuite[] = [calendarSuite];

const cpu = cpus();
console.log(`Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${process.platform}/${process.arch}`);
console.log('Each row: 50,000 warm-up calls, then the median of 7 rounds of 200,000 calls.\n');
for (const suite of suites) {
  console.log(`## ${suite.title}\n\n${toMarkdown(suite.run(), suite.baselines)}\n`);
}
drain();
