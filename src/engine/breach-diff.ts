import type { Breach } from '../machine/context.js';

/** A breach's identity across recomputations: the deadline it belongs to, or the rule and date of a record breach. */
function key(breach: Breach): string {
  return breach.deadlineId !== null ? `${breach.rule}|${breach.deadlineId}` : `${breach.rule}||${breach.detectedAt}`;
}

/**
 * The breaches `after` has that `before` did not, and those `before` had that `after` has not: what
 * an event (or a void's recomputation) recorded and withdrew. The audit entry's `rules.breached` is
 * the rule ids of the first list, so the engine and a replay compute it alike.
 *
 * @example
 * ```ts
 * const { added, removed } = breachChanges(before.context.breaches, after.context.breaches);
 * ```
 */
export function breachChanges(before: readonly Breach[], after: readonly Breach[]): { added: Breach[]; removed: Breach[] } {
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return { added: after.filter((b) => !had.has(key(b))), removed: before.filter((b) => !has.has(key(b))) };
}
