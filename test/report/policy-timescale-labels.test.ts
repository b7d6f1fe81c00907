import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { caseloadToHtml, complianceReport, createCaseEngine, definePolicy, reportToHtml, reportToMarkdown, timelineSvg, type CaseEngine } from '../../src/index.js';
import { sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { event } from '../machine/harness.js';

/**
 * A report never shows a timescale the case was not judged by (issue 13): the guidance gives 5
 * working days to resolve a disagreement (G "Decision made to step down from CSC to CAF" ¶3–4); a
 * revision in force from 1 April 2025 gives 3. Each case's report says its own version's.
 */
const guidance = definePolicy();
const revised = definePolicy({ version: '2025-04', effectiveFrom: '2025-04-01', timescales: { disagreementResolutionWorkingDays: 3 } });
const tm = { id: samplePeople.teamManager.id, role: 'team-manager' } as const;

/** A case decided at `decidedAt` whose disagreement D-2, raised the same day, is still open on Friday 11 April 2025. */
async function unresolved(engine: CaseEngine, caseId: string, decidedAt: string): Promise<void> {
  await engine.open({ caseId, route: 'cin-outcome', at: decidedAt, actor: tm });
  await engine.send(caseId, event('decision.agreed', decidedAt));
  for (const added of sampleFamilyAdded(decidedAt)) await engine.send(caseId, added);
  await engine.send(caseId, event('disagreement.raised', decidedAt));
  await engine.tickCase(caseId, { at: '2025-04-11T09:00:00+01:00' });
}

describe('report labels say the timescales of the version governing the case', () => {
  it('a case under the revision reads "3 working days" in every rendering; one under the guidance still reads 5', async () => {
    const engine = createCaseEngine({ store: memoryStore(), policies: [guidance, revised], now: () => new Date('2025-04-11T12:00:00+01:00') });
    await unresolved(engine, 'under-guidance', '2025-03-31T10:00:00+01:00');
    await unresolved(engine, 'under-revision', '2025-04-01T10:00:00+01:00');

    const revisedReport = await engine.complianceReport('under-revision');
    expect(revisedReport.policy.version).toBe('2025-04');
    expect(revisedReport.policy.timescales?.disagreementResolutionWorkingDays).toBe(3);
    // Due Friday 4 April (3 working days from Tuesday 1 April), found at the tick of 11 April.
    expect(revisedReport.breaches.map((b) => [b.rule, b.due])).toEqual([['disagreement-resolution', '2025-04-04T23:59:59.999+01:00']]);
    const guidanceReport = await engine.complianceReport('under-guidance');
    expect(guidanceReport.policy.timescales?.disagreementResolutionWorkingDays).toBe(5);
    expect(guidanceReport.breaches.map((b) => [b.rule, b.due])).toEqual([['disagreement-resolution', '2025-04-07T23:59:59.999+01:00']]);

    // The free function reads the engine's own report, so it knows the timescales too.
    expect((await complianceReport(engine, 'under-revision')).policy.timescales).toEqual(revised.timescales);

    for (const render of [reportToHtml, reportToMarkdown, timelineSvg]) {
      const revisedText = render(revisedReport);
      expect(revisedText, render.name).toContain('Disagreement not resolved within 3 working days');
      expect(revisedText, render.name).not.toContain('5 working days');
      const guidanceText = render(guidanceReport);
      expect(guidanceText, render.name).toContain('Disagreement not resolved within 5 working days');
      expect(guidanceText, render.name).not.toContain('3 working days');
    }
    // The rule's own name in the rules table, and the policy's citation as the guidance words it.
    expect(reportToMarkdown(revisedReport)).toContain('| Disagreement resolved within 3 working days |');
    expect(reportToHtml(revisedReport)).toContain('Disagreement resolved within 3 working days');
  });

  it('a report built without timescales (a view alone, or read back from before versions) says the guidance\'s', async () => {
    const engine = createCaseEngine({ store: memoryStore(), policies: [guidance, revised], now: () => new Date('2025-04-11T12:00:00+01:00') });
    await unresolved(engine, 'under-revision', '2025-04-01T10:00:00+01:00');
    const report = await engine.complianceReport('under-revision');
    const { timescales: _dropped, ...withoutTimescales } = report.policy;
    expect(reportToMarkdown({ ...report, policy: withoutTimescales })).toContain('Disagreement not resolved within 5 working days');
  });

  it("the caseload lists each case's breach with its own version's timescales", async () => {
    const engine = createCaseEngine({ store: memoryStore(), policies: [guidance, revised], now: () => new Date('2025-04-11T12:00:00+01:00') });
    await unresolved(engine, 'under-guidance', '2025-03-31T10:00:00+01:00');
    await unresolved(engine, 'under-revision', '2025-04-01T10:00:00+01:00');
    const items = await engine.worklist({ limit: 100 });
    const ids = ['under-guidance', 'under-revision'];
    const breaches = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await engine.get(id)).breaches] as const)));
    const timescales = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await engine.complianceReport(id)).policy.timescales!] as const)));
    const html = caseloadToHtml(items, { asOf: '2025-04-11T12:00:00+01:00', breaches, timescales });
    const rowOf = (caseId: string) => html.split('<tr').find((row) => row.includes(`data-case="${caseId}"`)) ?? '';
    expect(rowOf('under-revision')).toContain('Disagreement not resolved within 3 working days');
    expect(rowOf('under-guidance')).toContain('Disagreement not resolved within 5 working days');
    // Without them, the guidance's words, as before.
    expect(caseloadToHtml(items, { asOf: '2025-04-11T12:00:00+01:00', breaches })).not.toContain('3 working days');
  });
});
