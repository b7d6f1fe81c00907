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
 * try {
 *   kit.void('kit-5');
 * } catch (error) {
 *   if (error instanceof PolicyAssertionError && error.code === 'VOID_CONFLICT') console.log(error.eventIds); // ['kit-9']
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
  /**
   * For a step the case refused: the code the engine would refuse it with (`GATE_BLOCKED`,
   * `NO_EFFECT`, `VOID_CONFLICT`, …). Undefined for a failed expectation.
   */
  readonly code: string | undefined;
  /** For `VOID_CONFLICT`: the ids of the later events that stand in the void's way. Empty otherwise. */
  readonly eventIds: readonly string[];

  constructor(
    message: string,
    rules: readonly RuleId[],
    compared?: { expected: unknown; actual: unknown },
    refused?: { code: string; eventIds?: readonly string[] },
  ) {
    super(message);
    this.name = 'PolicyAssertionError';
    this.rules = [...new Set(rules)].map((rule) => ({ rule, citation: getRule(rule).citation }));
    this.expected = compared?.expected;
    this.actual = compared?.actual;
    this.code = refused?.code;
    this.eventIds = refused?.eventIds ?? [];
  }
}

/**
 * `rule-id (citation)`: how every kit message names a rule.
 *
 * @example
 * ```ts
 * cite('informed-consent'); // => 'informed-consent (G "Decision made to step down from CSC to CAF" ¶1; …)'
 * ```
 */
export function cite(rule: RuleId): string {
  return `${rule} (${getRule(rule).citation})`;
}
