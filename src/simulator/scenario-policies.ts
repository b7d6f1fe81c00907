import { definePolicy, type Policy } from '../policy/define-policy.js';
import { policyVersions, type PolicyVersions } from '../policy/versions.js';
import type { Scenario } from './scenario.js';

/**
 * The versions of the policy a scenario runs under: its `policies`, each the guidance's timescales
 * with the changes it names, or the guidance alone. All count in the scenario's division.
 */
export function scenarioPolicies(scenario: Pick<Scenario, 'division' | 'policies'>): PolicyVersions {
  const division = scenario.division;
  const list: Policy[] = scenario.policies
    ? scenario.policies.map((p) =>
        definePolicy({ division, version: p.version, effectiveFrom: p.effectiveFrom, ...(p.timescales ? { timescales: p.timescales } : {}) }),
      )
    : [definePolicy({ division })];
  return policyVersions(list);
}
