/**
 * A small, dependency-free benchmark harness. Each benchmark file exports a {@link BenchSuite};
 * `bench/run.ts` runs them and prints one Markdown table per suite. CPU-bound suites time a
 * synchronous call with {@link measure}; suites that wait on I/O (stores, a database) time whole
 * asynchronous rounds with {@link measureAsync}.
 */

/** One measured operation. */
export interface BenchRow {
  readonly name: string;
  readonly nsPerOp: number;
  readonly opsPerSec: number;
  /**
   * CPU time this process spent per operation (user + system), for asynchronous rows. On a shared
   * machine it moves far less than the wall-clock time, and it leaves out the time spent waiting on
   * a disk or a database server, so the two together say where the time went.
   */
  readonly cpuNsPerOp?: number;
}

/** A group of measurements, with the rows the others are compared against. */
export interface BenchSuite {
  readonly title: string;
  /** Names of rows shown as a cost multiple in a column of their own. */
  readonly baselines: readonly string[];
  /** How the rows were measured, printed under the title; `measure`'s defaults when omitted. */
  readonly method?: string;
  /** The unit of the time column (default `ns`): milliseconds read better for database round trips. */
  readonly unit?: TimeUnit;
  /** Lines printed under the table once the suite has run (e.g. ratios between its rows), or null. */
  readonly summary?: () => string | null;
  /** Why the suite cannot run here (e.g. no `DATABASE_URL`), or null when it can. */
  readonly skipReason?: () => string | null;
  /** Asynchronous for suites that wait on I/O; `bench/run.ts` awaits either. */
  readonly run: () => BenchRow[] | Promise<BenchRow[]>;
}

/** A unit for the time column of {@link toMarkdown}. */
export type TimeUnit = 'ns' | 'µs' | 'ms';

const nsPer: Record<TimeUnit, number> = { ns: 1, 'µs': 1e3, ms: 1e6 };

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

/** Options of {@link measureAsync}. */
export interface MeasureAsyncOptions {
  /** Untimed rounds first: the JIT, connection pools and caches warm up. */
  readonly warmup?: number;
  /** Timed rounds; the median is reported. */
  readonly rounds?: number;
}

/**
 * Times whole asynchronous rounds. `round(r)` does the work of round r and resolves with how many
 * operations it did; `prepare(r)`, when given, runs untimed before each round (fresh cases, a reset
 * of the database). Reports the median round's time per operation.
 */
export async function measureAsync(
  name: string,
  round: (r: number) => Promise<number>,
  options: MeasureAsyncOptions & { prepare?: (r: number) => Promise<void> } = {},
): Promise<BenchRow> {
  const { warmup = 1, rounds = 5, prepare } = options;
  const perRound: number[] = [];
  const cpuPerRound: number[] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    await prepare?.(r);
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const operations = await round(r);
    const elapsed = Number(process.hrtime.bigint() - started);
    const cpu = process.cpuUsage(cpuBefore);
    if (r >= warmup) {
      perRound.push(elapsed / operations);
      cpuPerRound.push(((cpu.user + cpu.system) * 1e3) / operations);
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const nsPerOp = median(perRound);
  return { name, nsPerOp, opsPerSec: 1e9 / nsPerOp, cpuNsPerOp: median(cpuPerRound) };
}

/** The type of the last result, so `sink` is observably used. */
export function drain(): string {
  return typeof sink;
}

/** The rows as a Markdown table, with each row's cost as a multiple of each baseline's. */
export function toMarkdown(rows: readonly BenchRow[], baselines: readonly string[], unit: TimeUnit = 'ns'): string {
  const bases = baselines.map((name) => rows.find((row) => row.name === name)?.nsPerOp ?? Number.NaN);
  const withCpu = rows.some((row) => row.cpuNsPerOp !== undefined);
  const header = [
    'operation',
    `${unit}/op`,
    'ops/sec',
    ...(withCpu ? [`CPU ${unit}/op (this process)`] : []),
    ...baselines.map((name) => `× ${name}`),
  ];
  const lines = [`| ${header.join(' | ')} |`, `| --- | ${header.slice(1).map(() => '---:').join(' | ')} |`];
  for (const row of rows) {
    const multiples = bases.map((base) => (row.nsPerOp / base).toFixed(2));
    // Whole numbers for nanoseconds (as before); two decimals below 10 for the coarser units.
    const shown = (ns: number) => {
      const time = ns / nsPer[unit];
      return unit === 'ns' ? time.toFixed(0) : time.toFixed(time < 10 ? 2 : 1);
    };
    const rate = row.opsPerSec >= 100 ? Math.round(row.opsPerSec).toLocaleString('en-GB') : row.opsPerSec.toFixed(1);
    const cpu = withCpu ? [row.cpuNsPerOp === undefined ? '' : shown(row.cpuNsPerOp)] : [];
    const cells = [row.name, shown(row.nsPerOp), rate, ...cpu, ...multiples];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
