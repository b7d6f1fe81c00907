import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { createCaseEngine, definePolicy, type CaseEngine } from '../../src/index.js';
import { personAdded, sampleEvent, sampleFamilyAdded } from '../events/samples.js';
import { afterAnnouncement, beforeAnnouncement, endOf, rule } from './calendar-walk.js';

/**
 * docs/decisions.md "Policy versions and the bank-holiday calendar": the 19 September 2022 holiday,
 * announced on 10 September, under an engine holding two versions of the policy. The guidance counts
 * 5 working days to resolve a disagreement (G "Decision made to step down from CSC to CAF" ¶3–4); a
 * revision in force from Monday 5 September 2022 counts 3.
 */
const guidance = definePolicy({ version: '2022-01', effectiveFrom: '2022-01-01', calendar: beforeAnnouncement });
const revised = definePolicy({
  version: '2022-09',
  effectiveFrom: '2022-09-05',
  calendar: beforeAnnouncement,
  timescales: { disagreementResolutionWorkingDays: 3 },
});
const tm = { id: 'tm-1', role: 'team-manager' } as const;

function engineAt(start: string): { engine: CaseEngine; setNow: (at: string) => void } {
  let now = new Date(start);
  const engine = createCaseEngine({ store: memoryStore(), policies: [guidance, revised], now: () => now });
  return { engine, setNow: (at) => (now = new Date(at)) };
}

async function decided(engine: CaseEngine, caseId: string, at: string): Promise<void> {
  await engine.open({ caseId, route: 'cin-outcome', at, actor: tm });
  for (const added of sampleFamilyAdded(at)) await engine.send(caseId, added);
  await engine.send(caseId, sampleEvent('decision.agreed', at));
}

const resolutionDeadline = async (engine: CaseEngine, caseId: string) => (await engine.get(caseId)).deadlines.find((d) => d.rule === rule)!;

describe('policy versions and the calendar: one calendar in force in every version', () => {
  it(`${rule}: updateCalendar moves the open deadlines of cases under either version and of a case that adopted the newer one; replays count with both timelines`, async () => {
    const { engine, setNow } = engineAt('2022-09-14T12:00:00+01:00');
    // Decided before the revision: the guidance's 5 working days.
    await decided(engine, 'C-guidance', '2022-09-01T10:00:00+01:00');
    // Decided after it: the revision's 3.
    await decided(engine, 'C-revised', '2022-09-06T10:00:00+01:00');
    // Decided before it, then moved to it by a Team Manager on Monday 12 September.
    await decided(engine, 'C-adopted', '2022-09-01T10:00:00+01:00');
    await engine.send('C-adopted', { type: 'policy.adopted', at: '2022-09-12T09:00:00+01:00', actor: tm, policyVersion: '2022-09' } as never);
    // An extra person on C-adopted, recorded in error: voided after the calendar changes.
    const mistaken = await engine.send('C-adopted', personAdded('aunt-1', 'family-member', '2022-09-13T09:00:00+01:00'));

    for (const caseId of ['C-guidance', 'C-revised', 'C-adopted']) {
      await engine.send(caseId, sampleEvent('disagreement.raised', '2022-09-14T10:00:00+01:00'));
    }
    // Wednesday 14th: 5 working days end Wednesday 21st; 3 end Monday 19th, on the old calendar.
    expect(await resolutionDeadline(engine, 'C-guidance')).toMatchObject({ due: endOf('2022-09-21'), calendarVersion: beforeAnnouncement.version });
    expect(await resolutionDeadline(engine, 'C-revised')).toMatchObject({ due: endOf('2022-09-19'), calendarVersion: beforeAnnouncement.version });
    expect(await resolutionDeadline(engine, 'C-adopted')).toMatchObject({ due: endOf('2022-09-19') });

    setNow('2022-09-15T09:00:00+01:00');
    const result = await engine.updateCalendar(afterAnnouncement);
    expect(result).toMatchObject({ cases: 3, deadlines: 3, withdrawn: 0, failed: [] });
    // Each moved one working day past the 19th, whichever version governs it.
    expect(await resolutionDeadline(engine, 'C-guidance')).toMatchObject({ due: endOf('2022-09-22'), calendarVersion: afterAnnouncement.version });
    expect(await resolutionDeadline(engine, 'C-revised')).toMatchObject({ due: endOf('2022-09-20'), calendarVersion: afterAnnouncement.version });
    expect(await resolutionDeadline(engine, 'C-adopted')).toMatchObject({ due: endOf('2022-09-20'), calendarVersion: afterAnnouncement.version });
    expect((await engine.get('C-guidance')).policy.version).toBe('2022-01');
    expect((await engine.get('C-adopted')).policy.version).toBe('2022-09');

    // Every version counts with the new calendar from now on.
    setNow('2022-09-15T12:00:00+01:00');
    await decided(engine, 'C-later', '2022-09-15T09:30:00+01:00');
    await engine.send('C-later', sampleEvent('disagreement.raised', '2022-09-15T10:00:00+01:00'));
    // Thursday 15th + 3 working days, the 19th a holiday: 16th, 20th, 21st.
    expect(await resolutionDeadline(engine, 'C-later')).toMatchObject({ due: endOf('2022-09-21'), calendarVersion: afterAnnouncement.version });

    // A void recomputes C-adopted from its opening: the adoption and the calendar change both replay.
    const before = await engine.get('C-adopted');
    await engine.send('C-adopted', { ...sampleEvent('event.voided', '2022-09-15T11:00:00+01:00'), voidedEventId: mistaken.eventId! } as never);
    const after = await engine.get('C-adopted');
    expect(after.deadlines).toEqual(before.deadlines);
    expect(after.policy.version).toBe('2022-09');
    expect(after.voided).toMatchObject([{ eventId: mistaken.eventId, type: 'person.added' }]);

    // And every case rebuilds from its trail exactly.
    for (const caseId of ['C-guidance', 'C-revised', 'C-adopted', 'C-later']) {
      const rebuilt = await engine.rebuild(caseId);
      expect(rebuilt.deadlines, caseId).toEqual((await engine.get(caseId)).deadlines);
    }
    expect((await engine.verifyAll()).broken).toEqual([]);
  });
});
