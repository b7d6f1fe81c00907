import { and, not, or, stateIn } from 'xstate';

/**
 * xstate builds `and`, `or`, `not` and `stateIn` guards as functions that carry their evaluator as
 * `check`. Comparing with the evaluator of a throwaway guard tells the kinds apart without relying
 * on function names, which a host's minifier may rename.
 */
const andCheck = checkOf(and([]));
const orCheck = checkOf(or([]));
const notCheck = checkOf(not('x'));
const stateInCheck = checkOf(stateIn('x'));

interface HigherOrderGuard {
  readonly check?: unknown;
  readonly guards?: readonly unknown[];
  readonly stateValue?: unknown;
}

function checkOf(guard: unknown): unknown {
  return (guard as HigherOrderGuard).check;
}

/**
 * The terms of a transition's guard, all of which must hold: the step-down machine guards each
 * transition with `and([...rule ids])`, so this is normally the list of rule ids. A nested `or`,
 * `not` or `stateIn` becomes one term written out, e.g. `not(is-final)`.
 *
 * @example
 * ```ts
 * guardTerms(and(['a', 'b'])); // => ['a', 'b']
 * guardTerms(undefined); // => []
 * ```
 */
export function guardTerms(guard: unknown): string[] {
  if (guard === undefined || guard === null) return [];
  if (typeof guard === 'string') return [guard];
  if (typeof guard === 'function') {
    const { check, guards = [], stateValue } = guard as HigherOrderGuard;
    // Nested `and`s flatten: every term must hold either way.
    if (check === andCheck) return guards.flatMap(guardTerms);
    if (check === orCheck) return [`(${guards.map(describe).join(' or ')})`];
    if (check === notCheck) return [`not(${describe(guards[0])})`];
    if (check === stateInCheck) return [`in(${JSON.stringify(stateValue)})`];
    return [guard.name || 'inline guard'];
  }
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return [guard.type];
  return ['inline guard'];
}

function describe(guard: unknown): string {
  const terms = guardTerms(guard);
  return terms.length === 1 ? terms[0]! : `(${terms.join(' and ')})`;
}
