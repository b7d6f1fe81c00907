import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { createCaseEngine, machineVersion, type CaseView, type StoredCase } from '../../src/index.js';
import { deadlineHistory } from '../../src/engine/deadline-history.js';
import { migrateSnapshot, snapshotMigrations } from '../../src/engine/migrations.js';
import { isSettled } from '../../src/machine/compaction.js';
import { reassessmentLifecycle } from '../../bench/lifecycle.js';
import { readFixtures, seedFixture, type SnapshotFixture } from '../fixtures/snapshots/build.js';
import { sampleActionIds } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { recordingStore } from './recording-store.js';

// docs/decisions.md "Settled deadlines leave the snapshot (snapshot version 3)", proved on real
// version-2 records: the fixtures under test/fixtures/snapshots/v2/, written by the last version-2 build.

const v2 = await readFixtures(2);
const fixture = (name: string): SnapshotFixture => structuredClone(v2.find(([n]) => n === name)![1]);
const clock = () => new Date('2025-06-01T09:00:00Z');
const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));

/** An engine over a store seeded with a fixture's record and trail, recording the store calls. */
async function engineWith(f: SnapshotFixture) {
  const recording = recordingStore();
  await seedFixture(recording.inner, f);
  return { engine: createCaseEngine({ store: recording.store, now: clock }), recording };
}

const withoutCitation = (deadlines: CaseView['deadlines']) => deadlines.map(({ citation: _citation, ...d }) => d);
/**
 * A fixture written before deadlines named their calendar (docs/decisions.md "Calendar versions")
 * has working-day deadlines without `calendarVersion`, which a replay now adds: its snapshot never
 * rebuilt field by field, before or after version 3.
 */
const beforeCalendarVersions = (f: SnapshotFixture) =>
  f.case.snapshot.context.deadlines.some((d) => d.rule === 'disagreement-resolution' && d.calendarVersion === undefined);
const asWritten = (deadlines: readonly { calendarVersion?: string }[], f: SnapshotFixture) =>
  beforeCalendarVersions(f) ? deadlines.map(({ calendarVersion: _counted, ...d }) => d) : deadlines;

describe('machine version 3 reads every version-2 fixture through the migration', () => {
  it('is the version the migration writes, and the library registers it', () => {
    expect(machineVersion).toBe(3);
    expect(typeof snapshotMigrations[2]).toBe('function');
    expect(v2.map(([name]) => name)).toContain('reassessment-sixteen-months');
  });

  describe.each(v2)('v2/%s.json', (name, original) => {
    it('loads by migration (no trail read), describes as written but for the settled deadlines, and rebuilds exactly', async () => {
      const f = structuredClone(original);
      const { engine, recording } = await engineWith(f);
      recording.reset();
      const view = await engine.get(f.case.caseId);
      expect(recording.callsOf('audit')).toEqual([]);
      const written = f.view;
      // Written before policy versions: the case is the guidance's own (docs/decisions.md "Policy versions").
      expect(view.policy).toEqual({ id: 'caf-step-down', version: '2024-08', effectiveFrom: '2024-08-01' });
      expect({ ...view, deadlines: [], policy: undefined }).toEqual({ ...written, deadlines: [], policy: undefined });
      // The view keeps what is still open or missed, as it stood.
      expect(view.deadlines).toEqual(written.deadlines.filter((d) => !isSettled(d)));
      // The migrated snapshot is the one version 3 writes for the same trail, field by field.
      if (!beforeCalendarVersions(f)) expect(await engine.rebuild(f.case.caseId)).toEqual(view);
      // Nothing is written on load.
      expect(recording.callsOf('save')).toEqual([]);
    });

    it('gives back every deadline it held, settled ones included, from its trail: the deadline history and the report', async () => {
      const f = structuredClone(original);
      expect(asWritten(deadlineHistory(f.case.caseId, f.audit), f)).toEqual(withoutCitation(f.view.deadlines));
      const { engine } = await engineWith(f);
      const report = await engine.complianceReport(f.case.caseId);
      expect(report.deadlines.map((d) => [d.id, d.status, d.closedAt, d.due])).toEqual(
        f.view.deadlines.map((d) => [d.id, d.status, d.closedAt, d.due]),
      );
    });
  });
});

describe('what the snapshot keeps, by rule id on the lifecycle’s real dates', () => {
  it('family-plan-review and caf-twelve-months: sixteen months leave no settled deadline in the snapshot, only their count', () => {
    const f = fixture('reassessment-sixteen-months');
    const migrated = migrateSnapshot(f.case.snapshot, snapshotMigrations) as StoredCase['snapshot'];
    expect(migrated.machineVersion).toBe(3);
    expect(f.case.snapshot.context.deadlines).toHaveLength(14);
    expect(migrated.context.deadlines).toEqual([]);
    expect(migrated.context.settledDeadlines).toEqual({
      'first-meeting-date': 1,
      'first-family-plan-meeting': 1,
      'clw-contacts-lead-professional': 1,
      'caf-twelve-months': 2,
      'family-plan-review': 9,
    });
    // Everything else of the context is as version 2 wrote it.
    const { deadlines: _a, settledDeadlines: _b, ...rest } = migrated.context;
    const { deadlines: _c, ...written } = f.case.snapshot.context as unknown as Record<string, unknown>;
    expect(rest).toEqual(written);
  });

  it('family-plan-review: after eight settled reviews, the meeting of 27 February 2025 meets review 8 and opens review 9 (day 42 on 10 April, due 24 April), on the migrated case as on a fresh one', async () => {
    const f = fixture('reassessment-thirteen-months');
    const { engine } = await engineWith(f);
    const before = await engine.get(f.case.caseId);
    expect(before.deadlines.map((d) => [d.id, d.status])).toEqual([
      ['family-plan-review:8', 'open'],
      ['caf-twelve-months:2', 'open'],
    ]);
    // The lifecycle's own next event: the review held on 27 February 2025.
    const lifecycle = await reassessmentLifecycle();
    const meeting = lifecycle.events[f.case.version - 1]!;
    expect(meeting).toMatchObject({ type: 'familyPlanMeeting.held', at: '2025-02-27T10:00:00+00:00' });
    const after = await engine.send(f.case.caseId, meeting);
    expect(after.deadlines.map((d) => [d.id, d.status, d.due, d.windowOpens])).toEqual([
      ['caf-twelve-months:2', 'open', '2026-01-16T23:59:59.999+00:00', undefined],
      ['family-plan-review:9', 'open', '2025-04-24T23:59:59.999+01:00', '2025-04-10'],
    ]);
    const stored = (await engine.history(f.case.caseId)).at(-1)!;
    expect(stored).toMatchObject({ type: 'familyPlanMeeting.held', accepted: true, stateAfter: ['underCaf.ehm.leadProfessionalContacted', 'underCaf.familyPlan.reviewing'] });
    // The same event on a case that was version 3 all along: the same view.
    const fresh = createCaseEngine({ store: memoryStore(), now: clock });
    await fresh.open({ ...lifecycle.open, caseId: f.case.caseId });
    for (const e of lifecycle.events.slice(0, f.case.version - 1)) await fresh.send(f.case.caseId, e);
    const { eventId: _a, ...fromFresh } = await fresh.send(f.case.caseId, meeting);
    const { eventId: _b, ...fromMigrated } = after;
    expect(fromMigrated).toEqual(fromFresh);
    expect(await engine.rebuild(f.case.caseId)).toEqual(fromMigrated);
    // Review 8 is in the history, met on the day of the meeting.
    const history = deadlineHistory(f.case.caseId, await engine.history(f.case.caseId));
    expect(history.find((d) => d.id === 'family-plan-review:8')).toMatchObject({ status: 'met', closedAt: '2025-02-27T10:00:00+00:00' });
  });

  it('first-family-plan-meeting: a missed deadline stays in the snapshot until the meeting is held (23 April 2024, late), then leaves it met-late while its breach stays', async () => {
    const f = fixture('under-caf');
    const { engine } = await engineWith(f);
    const migrated = (await engine.get(f.case.caseId)).deadlines;
    expect(migrated.map((d) => [d.id, d.status, d.due])).toEqual([
      ['first-family-plan-meeting', 'missed', '2024-04-18T23:59:59.999+01:00'],
      ['clw-contacts-lead-professional', 'missed', '2024-04-18T23:59:59.999+01:00'],
      ['caf-twelve-months:1', 'open', '2025-03-21T23:59:59.999+00:00'],
    ]);
    const view = await engine.send(f.case.caseId, event('familyPlanMeeting.held', '2024-04-23T10:00:00+01:00', { kind: 'initial', actions: allOpen }));
    expect(view.deadlines.map((d) => d.id)).not.toContain('first-family-plan-meeting');
    expect(view.deadlines.map((d) => [d.id, d.status])).toContainEqual(['family-plan-review:1', 'open']);
    expect(view.breaches.map((b) => b.deadlineId)).toEqual(['first-family-plan-meeting', 'clw-contacts-lead-professional']);
    const history = deadlineHistory(f.case.caseId, await engine.history(f.case.caseId));
    expect(history.find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({ status: 'met-late', closedAt: '2024-04-23T10:00:00+01:00' });
  });

  it('caf-twelve-months: the CAF closed on 11 June 2024 cancels nothing that was met, and the closed case keeps no deadline', async () => {
    const f = fixture('caf-closed');
    const { engine } = await engineWith(f);
    const view = await engine.get(f.case.caseId);
    expect(view.deadlines).toEqual([]);
    expect(view.breaches.map((b) => [b.rule, b.deadlineId])).toEqual([['first-family-plan-meeting', 'first-family-plan-meeting']]);
    const report = await engine.complianceReport(f.case.caseId);
    expect(report.deadlines.find((d) => d.id === 'caf-twelve-months:1')).toMatchObject({ status: 'met', closedAt: '2024-06-11T10:00:00+01:00' });
    expect(report.deadlines.find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({ status: 'met-late' });
  });
});
