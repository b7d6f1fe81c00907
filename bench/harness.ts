/**
 * A small, dependency-free benchmark harness. Each benchmark file exports a {@link BenchSuite};
 * `bench/run.ts` runs them all and prints one Markdown table per suite.
 */

/** One measured operation. */
export interface BenchRow {
  readonly name: string;
  readonly nsPerOp: number;
  readonly opsPerSec: number;
}

/** A group of measurements, with the rows the others are compared against. */
export interface BenchSuite {
  readonly title: string;
  /** Names of rows shown as a cost multiple in a column of their own. */
  readonly baselines: readonly string[];
  readonly run: () => BenchRow[];
}

export interface MeasureOptions {
  /** Calls before timing starts, so the JIT has compiled the hot path. */
  readonly warmup?: number;
  /** Calls per timed round. */
  readonly iterations?: number;
  /** Timed rounds; the median round is reported, which discounts a round hit by GC or a noisy neighbour. */
  readonly rounds?: number;
}

// Written to by every call so the JIT cannot discard the work being measured.
let sink: unknown;

/** Times `operation(i)` for i = 0, 1, 2, …, after a warm-up; reports the median round. */
export function measure(name: string, operation: (i: number) => unknown, options: MeasureOptions = {}): BenchRow {
  const { warmup = 50_000, iterations = 200_000, rounds = 7 } = options;
  for (let i = 0; i < warmup; i++) sink = operation(i);
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink = operation(i);
    perRound.push(Number(process.hrtime.bigint() - started) / iterations);
  }
  perRound.sort((a, b) => a - b);
  const nsPerOp = perRound[Math.floor(rounds / 2)]!;
  return { name, nsPerOp, opsPerSec: 1e9 / nsPerOp };
}

/** The type of the last result, so `sink` is observably used. */
export function drain(): string {
  return typeof sink;
}

/** The rows as a Markdown table, with each row's cost as a multiple of each baseline's. */
export function toMarkdown(rows: readonly BenchRow[], baselines: readonly string[]): string {
  const bases = baselines.map((name) => rows.find((row) => row.name === name)?.nsPerOp ?? Number.NaN);
  const header = ['operation', 'ns/op', 'ops/sec', ...baselines.map((name) => `× ${name}`)];
  const lines = [`| ${header.join(' | ')} |`, `| --- | ${header.slice(1).map(() => '---:').join(' | ')} |`];
  for (const row of rows) {
    const multiples = bases.map((base) => (row.nsPerOp / base).toFixed(2));
    const cells = [row.name, row.nsPerOp.toFixed(0), Math.round(row.opsPerSec).toLocaleString('en-GB'), ...multiples];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
