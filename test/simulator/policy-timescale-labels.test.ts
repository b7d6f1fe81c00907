import { describe, expect, it } from 'vitest';
import { formatTimeline, resolveScenario, simulate, type SimulationResult } from '../../src/simulator/index.js';

/**
 * The simulator's plain timeline says the timescales of the version governing each case (issue 13):
 * in policy-revised-from-april the younger child's case, decided after 1 April 2025, has the
 * revision's 3 working days to resolve a disagreement (the guidance, G "Decision made to step down
 * from CSC to CAF" ¶3–4, gives 5) and breaches them.
 */
describe("the simulator's timeline labels say the governing version's timescales", () => {
  it('the younger case breaches "3 working days", never "5"; the same breach under the guidance reads 5', async () => {
    const { scenario, source } = await resolveScenario('policy-revised-from-april');
    const result = await simulate(scenario, { source });
    expect(result.scenario.timescales['2024-08']?.disagreementResolutionWorkingDays).toBe(5);
    expect(result.scenario.timescales['2025-04']?.disagreementResolutionWorkingDays).toBe(3);
    const breachEntry = result.timeline.find((e) => e.breaches.some((b) => b.rule === 'disagreement-resolution'))!;
    expect([breachEntry.case, breachEntry.policyVersion, breachEntry.breaches[0]!.dueDate]).toEqual(['younger', '2025-04', '2025-04-07']);
    expect(result.cases.map((c) => [c.key, c.final.policyVersion])).toEqual([
      ['older', '2024-08'],
      ['middle', '2025-04'],
      ['younger', '2025-04'],
    ]);

    const plain = formatTimeline(result);
    expect(plain).toContain('BREACH: Disagreement not resolved within 3 working days, due 7 Apr 2025, found 8 Apr 2025');
    expect(plain).toContain('Breaches: 1 — Disagreement not resolved within 3 working days, due 7 Apr 2025, found 8 Apr 2025');
    expect(plain).not.toMatch(/BREACH: .*5 working days/);

    // Had the younger case been judged by the guidance, its lines would say the guidance's 5.
    const underGuidance: SimulationResult = {
      ...result,
      timeline: result.timeline.map((e) => (e.case === 'younger' ? { ...e, policyVersion: '2024-08' } : e)),
      cases: result.cases.map((c) => (c.key === 'younger' ? { ...c, final: { ...c.final, policyVersion: '2024-08' } } : c)),
    };
    const guidanceText = formatTimeline(underGuidance);
    expect(guidanceText).toContain('BREACH: Disagreement not resolved within 5 working days, due 7 Apr 2025, found 8 Apr 2025');
    expect(guidanceText).not.toMatch(/(BREACH|Breaches: 1) .*3 working days/);
  });
});
