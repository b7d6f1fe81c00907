import { describe, expect, it } from 'vitest';
import { defineScenario, resolveScenario, simulate } from '../../src/simulator/index.js';

/**
 * The worked example of issue 13 as a scenario (examples/scenarios/policy-revised-from-april.json):
 * the guidance (2024-08) and a revision in force from Tuesday 1 April 2025 with 3 working days to
 * resolve a disagreement (G "Decision made to step down from CSC to CAF" ¶3–4 says 5).
 */
describe('scenario policy-revised-from-april: policy versions in the simulator', () => {
  it('judges cases decided either side of 1 April 2025 by their own version, and the moved case by the revision from its adoption', async () => {
    const { scenario, source } = await resolveScenario('policy-revised-from-april');
    const result = await simulate(scenario, { source });
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
    const byKey = Object.fromEntries(result.cases.map((c) => [c.key, c.final]));
    const resolution = (key: string) => byKey[key]!.deadlines.find((d: { id: string }) => d.id === 'disagreement-resolution:D-1')!;
    // The guidance's 5 working days from Wednesday 2 April; the revision's 3 from the same day.
    expect(resolution('older')).toMatchObject({ dueDate: '2025-04-09', status: 'met' });
    expect(resolution('younger')).toMatchObject({ dueDate: '2025-04-07', status: 'met-late' });
    // Raised on Monday 31 March under the guidance (due 7 April), moved to the revision on 2 April.
    expect(resolution('middle')).toMatchObject({ dueDate: '2025-04-03', status: 'met' });
    expect(byKey['younger']!.breaches.map((b: { rule: string }) => b.rule)).toEqual(['disagreement-resolution']);
    expect(byKey['older']!.breaches).toEqual([]);
    // The younger case opens on its own decision date: steps before it are not recorded late.
    const firstOfYounger = result.timeline.findIndex((e) => e.case === 'younger');
    const middleRaised = result.timeline.findIndex((e) => e.case === 'middle' && e.what === 'disagreement.raised');
    expect(middleRaised).toBeLessThan(firstOfYounger);
    expect(result.timeline[middleRaised]!.recordedAt).toBe(result.timeline[middleRaised]!.at);
  });

  it('refuses a scenario whose versions share a version or an effective date, and checks an expected policyVersion', async () => {
    const { scenario } = await resolveScenario('policy-revised-from-april');
    expect(() => defineScenario({ ...scenario, policies: [scenario.policies![0]!, { ...scenario.policies![1]!, version: '2024-08' }] })).toThrow(/another version has this version/);
    const wrong = {
      ...scenario,
      expect: { ...scenario.expect, cases: { ...scenario.expect!.cases, older: { policyVersion: '2025-04' } } },
    };
    const result = await simulate(wrong);
    expect(result.passed).toBe(false);
    expect(result.failures.map((f) => f.message)).toEqual([expect.stringContaining('expected policy version 2025-04, got 2024-08')]);
  });
});
