import { getRule, type RuleId } from '../policy/rules.js';

/** A rule named by a failed assertion, with where the policy says it. */
export interface CitedRule {
  readonly rule: RuleId;
  readonly citation: string;
}

/**
 * What the testing kit throws when a case does not do what a test expected, or refuses a step the
 * test sent. A plain `Error` subclass, so any runner (vitest, jest, node's own `node:test`) reports
 * it as a failure with its message, which names each rule involved and its citation.
 *
 * `expected` and `actual` are set where there is one value to compare (a stage, an outcome, a
 * status); runners that understand them (vitest, jest) show a diff.
 *
 * @example
 * ```ts
 * try {
 *   kit.expectNoBreaches();
 * } catch (error) {
 *   if (error instanceof PolicyAssertionError) console.log(error.rules); // [{ rule, citation: 'G "Initial Family Planning Meeting" ¶1; …' }]
 * }
 * ```
 */
export class PolicyAssertionError extends Error {
  /** The rules the failure is about, each with its citation. */
  readonly rules: readonly CitedRule[];
  /** The value the test expected, when there is one to compare. */
  readonly expected: unknown;
  /** The value the case has, when there is one to compare. */
  readonly actual: unknown;

  constructor(message: string, rules: readonly RuleId[], compared?: { expected: unknown; actual: unknown }) {
    super(message);
    this.name = 'PolicyAssertionError';
    this.rules = [...new Set(rules)].map((rule) => ({ rule, citation: getRule(rule).citation }));
    this.expected = compared?.expected;
    this.actual = compared?.actual;
  }
}

/** `rule-id (citation)`: how every kit message names a rule. */
export function cite(rule: RuleId): string {
  return `${rule} (${getRule(rule).citation})`;
}
