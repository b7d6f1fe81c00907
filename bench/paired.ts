/**
 * Ratios measured side by side: two operations timed in alternating rounds of the same run, so a
 * noisy neighbour slows both alike. Each round gives one ratio; the median is the figure and the
 * lowest and highest are its spread.
 */
import type { BenchRow } from './harness.js';

/** One timed round: does its work and resolves with how many operations it did. */
export type Round = (r: number) => Promise<number>;

export interface PairedResult {
  readonly rows: [BenchRow, BenchRow];
  /** a ÷ b per round: median, lowest, highest. */
  readonly ratio: { readonly median: number; readonly low: number; readonly high: number };
}

const median = (values: readonly number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

/** Times `a` and `b` in alternating rounds (a first in even rounds, b first in odd) after `warmup` untimed pairs. */
export async function paired(
  names: [string, string],
  a: Round,
  b: Round,
  options: { readonly rounds?: number; readonly warmup?: number; readonly prepare?: (r: number) => Promise<void> } = {},
): Promise<PairedResult> {
  const { rounds = 9, warmup = 2, prepare } = options;
  const time = async (round: Round, r: number) => {
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const operations = await round(r);
    const elapsed = Number(process.hrtime.bigint() - started);
    const cpu = process.cpuUsage(cpuBefore);
    return { ns: elapsed / operations, cpu: ((cpu.user + cpu.system) * 1e3) / operations };
  };
  const as: { ns: number; cpu: number }[] = [];
  const bs: { ns: number; cpu: number }[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    await prepare?.(r);
    let ta, tb;
    if (r % 2 === 0) {
      ta = await time(a, r);
      tb = await time(b, r);
    } else {
      tb = await time(b, r);
      ta = await time(a, r);
    }
    if (r < warmup) continue;
    as.push(ta);
    bs.push(tb);
    ratios.push(ta.ns / tb.ns);
  }
  const row = (name: string, times: { ns: number; cpu: number }[]): BenchRow => {
    const ns = median(times.map((t) => t.ns));
    return { name, nsPerOp: ns, opsPerSec: 1e9 / ns, cpuNsPerOp: median(times.map((t) => t.cpu)) };
  };
  return {
    rows: [row(names[0], as), row(names[1], bs)],
    ratio: { median: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) },
  };
}

/** A ratio with its spread, for a summary line. */
export function ratioText(result: PairedResult, digits = 2): string {
  const { median: m, low, high } = result.ratio;
  return `${m.toFixed(digits)}× (rounds ${low.toFixed(digits)}–${high.toFixed(digits)})`;
}
