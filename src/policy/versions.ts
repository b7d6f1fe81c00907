import { StepDownError } from '../errors.js';
import { toLondonDate } from '../calendar/index.js';
import { defaultPolicy, type Policy } from './define-policy.js';

/**
 * The identity of a policy version: which policy, which version, in force from which London date.
 *
 * @example
 * ```ts
 * const identity: PolicyIdentity = (await engine.get('C-1')).policy; // { id: 'caf-step-down', version: '2024-08', effectiveFrom: '2024-08-01' }
 * ```
 */
export interface PolicyIdentity {
  readonly id: string;
  readonly version: string;
  readonly effectiveFrom: string;
}

/** The versions of a council's policy an engine holds, oldest first (docs/decisions.md "Policy versions"). */
export interface PolicyVersions {
  /** Every version, by effective date, oldest first. */
  readonly list: readonly Policy[];
  /** True when there is more than one: only then does a case record its version (absent means the only one). */
  readonly several: boolean;
  /** The version a case decided on `at` (ISO date-time or date) is governed by. */
  inForceOn(at: string): Policy;
  /** The version with this name, or undefined. */
  find(version: string): Policy | undefined;
  /** The version a case records (absent: the earliest); `UNKNOWN_POLICY_VERSION` when the engine lacks it. */
  governing(context: { readonly caseId: string; readonly policyVersion?: string }): Policy;
}

/** The identity of a policy, as views, audit entries and reports show it. */
export function identityOf(policy: Policy): PolicyIdentity {
  return { id: policy.id, version: policy.version, effectiveFrom: policy.effectiveFrom };
}

/**
 * Checks and orders the versions an engine is given: at least one, each built by `definePolicy`, all
 * of one policy id, no version or effective date twice. A case decided before the earliest version's
 * date is governed by the earliest (an engine with one policy governs every case by it).
 * Throws `INVALID_POLICY` naming what to fix.
 *
 * @example
 * ```ts
 * const versions = policyVersions([definePolicy(), definePolicy({ version: '2025-04', effectiveFrom: '2025-04-01' })]);
 * versions.inForceOn('2025-03-31T16:00:00+01:00').version; // => '2024-08'
 * ```
 */
export function policyVersions(policies: readonly Policy[] = [defaultPolicy]): PolicyVersions {
  if (!Array.isArray(policies) || policies.length === 0) {
    throw new StepDownError('INVALID_POLICY', 'policies must list at least one policy built by definePolicy().', {
      issues: [{ path: 'policies', message: 'empty' }],
    });
  }
  policies.forEach((policy, index) => {
    const built = typeof policy === 'object' && policy !== null && typeof policy.version === 'string' && typeof policy.effectiveFrom === 'string';
    if (!built) {
      throw new StepDownError('INVALID_POLICY', `policies.${index}: expected a policy built by definePolicy().`, {
        issues: [{ path: `policies.${index}`, message: 'not a policy' }],
      });
    }
  });
  const list = [...policies].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
  const ids = new Set(list.map((p) => p.id));
  if (ids.size > 1) {
    throw new StepDownError('INVALID_POLICY', `policies: every version must be of one policy, but they name ${[...ids].join(', ')}: give them the same id.`, {
      issues: [{ path: 'policies', message: 'more than one policy id' }],
    });
  }
  for (const [field, what] of [['version', 'version'], ['effectiveFrom', 'effective date']] as const) {
    const twice = list.map((p) => p[field]).filter((value, index, all) => all.indexOf(value) !== index);
    if (twice.length > 0) {
      throw new StepDownError('INVALID_POLICY', `policies: two versions share the ${what} ${twice.join(', ')}: each version needs its own ${what}.`, {
        issues: [{ path: `policies.${field}`, message: `duplicate ${what}` }],
      });
    }
  }
  const earliest = list[0]!;
  const find = (version: string) => list.find((p) => p.version === version);
  return {
    list,
    several: list.length > 1,
    inForceOn(at) {
      const day = toLondonDate(at);
      return list.filter((p) => p.effectiveFrom <= day).at(-1) ?? earliest;
    },
    find,
    governing(context) {
      if (context.policyVersion === undefined) return earliest;
      const found = find(context.policyVersion);
      if (found) return found;
      throw new StepDownError(
        'UNKNOWN_POLICY_VERSION',
        `Case ${context.caseId} is governed by policy version ${context.policyVersion}, which this engine was not given: pass every version in force for open cases in \`policies\`.`,
        { caseId: context.caseId, policyVersion: context.policyVersion, known: list.map((p) => p.version) },
      );
    },
  };
}
