import { matchesState, type StateValue } from 'xstate';
import type { CaseSnapshot } from './snapshot.js';

/**
 * `snapshot.matches(path)`, the same answer without turning every state name into a path first:
 * describing a case asks it a dozen times, on every event. A name with a `.` or `\` in it (none of
 * the machine's has one) goes to xstate's own `matchesState`.
 *
 * @example
 * ```ts
 * inState(snapshot, { withChildrensSocialCare: 'closure' }); // as snapshot.matches({ withChildrensSocialCare: 'closure' })
 * ```
 */
export function inState(snapshot: CaseSnapshot, path: StateValue): boolean {
  return valueMatches(path, snapshot.value as StateValue);
}

function valueMatches(parent: StateValue, child: StateValue): boolean {
  if (dotted(parent) || dotted(child)) return matchesState(parent, child);
  if (typeof child === 'string') return typeof parent === 'string' && child === parent;
  if (typeof parent === 'string') return parent in child;
  for (const key of Object.keys(parent)) {
    if (!(key in child) || !valueMatches(parent[key] as StateValue, child[key] as StateValue)) return false;
  }
  return true;
}

function dotted(value: StateValue): boolean {
  return typeof value === 'string' && (value.includes('.') || value.includes('\\'));
}
