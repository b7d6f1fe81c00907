import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { createCaseEngine, definePolicy, type CaseEngine } from '../../src/index.js';
import { isStepDownError } from '../../src/errors.js';
import { policyChange } from '../../src/engine/policy-versions.js';
import { policyVersions } from '../../src/policy/versions.js';
import { sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { event } from '../machine/harness.js';

/**
 * The worked example (docs/decisions.md "Policy versions"): the guidance as it stands, and a revised
 * version in force from 1 April 2025 with shorter timescales (3 working days to resolve a
 * disagreement, the initial family plan meeting within 20 days, reviews every 4–6 weeks).
 */
const guidance = definePolicy();
const revised = definePolicy({
  version: '2025-04',
  effectiveFrom: '2025-04-01',
  timescales: { disagreementResolutionWorkingDays: 3, firstFamilyPlanMeetingDays: 20, reviewWindowStartDays: 28, reviewWindowEndDays: 42 },
});
const tm = { id: samplePeople.teamManager.id, role: 'team-manager' } as const;

function engineWithVersions(store = memoryStore()): CaseEngine {
  return createCaseEngine({ store, policies: [revised, guidance], now: () => new Date('2026-01-01T12:00:00Z') });
}

/** A case decided at `openedAt`, with the sample family and the decision agreed the same day. */
async function decided(engine: CaseEngine, caseId: string, openedAt: string): Promise<void> {
  await engine.open({ caseId, route: 'cin-outcome', at: openedAt, actor: tm });
  await engine.send(caseId, event('decision.agreed', openedAt));
  for (const added of sampleFamilyAdded(openedAt)) await engine.send(caseId, added);
}

const adopt = (at: string, policyVersion: string, actor: { id: string; role: string } = tm) =>
  ({ type: 'policy.adopted', at, actor, policyVersion }) as never;

async function refusalCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isStepDownError(error)) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('policy versions: a case is governed by the version in force on its decision date', () => {
  it('cases decided either side of 1 April 2025 are judged by their own version', async () => {
    const engine = engineWithVersions();
    await decided(engine, 'before', '2025-03-31T10:00:00+01:00');
    await decided(engine, 'after', '2025-04-01T10:00:00+01:00');
    const before = await engine.send('before', event('disagreement.raised', '2025-03-31T11:00:00+01:00'));
    const after = await engine.send('after', event('disagreement.raised', '2025-04-01T11:00:00+01:00'));
    expect(before.policy).toEqual({ id: 'caf-step-down', version: '2024-08', effectiveFrom: '2024-08-01' });
    expect(after.policy).toEqual({ id: 'caf-step-down', version: '2025-04', effectiveFrom: '2025-04-01' });
    // 5 working days from Monday 31 March under the guidance; 3 from Tuesday 1 April under the revision.
    expect(before.deadlines.find((d) => d.id === 'disagreement-resolution:D-2')?.due).toBe('2025-04-07T23:59:59.999+01:00');
    expect(after.deadlines.find((d) => d.id === 'disagreement-resolution:D-2')?.due).toBe('2025-04-04T23:59:59.999+01:00');
  });

  it('the version is recorded in the snapshot and every audit entry of the case', async () => {
    const engine = engineWithVersions();
    await decided(engine, 'C-1', '2025-04-02T10:00:00+01:00');
    await engine.send('C-1', event('finalMeeting.held', '2025-04-02T11:00:00+01:00')).catch(() => undefined);
    const stored = await engine.store.load('C-1');
    expect((stored?.snapshot as { context: { policyVersion?: string } }).context.policyVersion).toBe('2025-04');
    const trail = await engine.history('C-1');
    expect(trail.some((e) => !e.accepted)).toBe(true);
    expect(trail.map((e) => e.policyVersion)).toEqual(trail.map(() => '2025-04'));
  });

  it('an engine with one policy records no version, and a case stored without one is governed by the earliest', async () => {
    const store = memoryStore();
    const single = createCaseEngine({ store, now: () => new Date('2026-01-01T12:00:00Z') });
    // Decided after the revision's date, by an engine that knew only the guidance.
    await decided(single, 'old', '2025-05-01T10:00:00+01:00');
    const stored = await store.load('old');
    expect((stored?.snapshot as { context: object }).context).not.toHaveProperty('policyVersion');
    expect((await single.history('old'))[0]).not.toHaveProperty('policyVersion');
    const view = await engineWithVersions(store).get('old');
    expect(view.policy.version).toBe('2024-08');
  });

  it('a case governed by a version the engine lacks is UNKNOWN_POLICY_VERSION on load', async () => {
    const store = memoryStore();
    await decided(engineWithVersions(store), 'C-1', '2025-04-02T10:00:00+01:00');
    const other = definePolicy({ version: '2024-01', effectiveFrom: '2024-01-01' });
    const engine = createCaseEngine({ store, policies: [other, guidance] });
    expect(await refusalCode(engine.get('C-1'))).toBe('UNKNOWN_POLICY_VERSION');
  });
});

describe('policy.adopted: a Team Manager moves a case to a newer version', () => {
  /** A case under the guidance with two open disagreements: D-2 raised Wed 26 March, D-1 (a refused consent) Mon 31 March. */
  async function twoDisagreements(engine: CaseEngine): Promise<void> {
    await decided(engine, 'C-1', '2025-03-24T10:00:00Z');
    await engine.send('C-1', event('disagreement.raised', '2025-03-26T10:00:00Z'));
    await engine.send('C-1', event('consent.refused', '2025-03-31T10:00:00+01:00'));
  }
  const adoptedAt = '2025-04-01T09:00:00+01:00';

  it('open deadlines are recomputed by the new timescales from that entry on; one whose new due has passed keeps its own', async () => {
    const engine = engineWithVersions();
    await twoDisagreements(engine);
    const before = await engine.get('C-1');
    const due = (view: typeof before, id: string) => view.deadlines.find((d) => d.id === id)?.due;
    expect(due(before, 'disagreement-resolution:D-2')).toBe('2025-04-02T23:59:59.999+01:00');
    expect(due(before, 'disagreement-resolution:D-1')).toBe('2025-04-07T23:59:59.999+01:00');

    const after = await engine.send('C-1', adopt(adoptedAt, '2025-04'));
    expect(after.policy.version).toBe('2025-04');
    // D-1: 3 working days from Monday 31 March is Thursday 3 April.
    expect(due(after, 'disagreement-resolution:D-1')).toBe('2025-04-03T23:59:59.999+01:00');
    // D-2: 3 working days from 26 March was Monday 31 March, before the adoption: it keeps 2 April.
    expect(due(after, 'disagreement-resolution:D-2')).toBe('2025-04-02T23:59:59.999+01:00');
    expect(after.breaches).toEqual([]);

    // A disagreement raised after the adoption gets the new version's 3 working days.
    const later = await engine.send('C-1', event('disagreement.raised', '2025-04-02T10:00:00+01:00', { disagreementId: 'D-3' }));
    expect(due(later, 'disagreement-resolution:D-3')).toBe('2025-04-07T23:59:59.999+01:00');

    const trail = await engine.history('C-1');
    const adoption = trail.find((e) => e.type === 'policy.adopted')!;
    expect(adoption).toMatchObject({ accepted: true, policyVersion: '2025-04', rules: { breached: [] } });
    expect(trail.filter((e) => e.seq < adoption.seq).every((e) => e.policyVersion === '2024-08')).toBe(true);
    expect(trail.filter((e) => e.seq >= adoption.seq).every((e) => e.policyVersion === '2025-04')).toBe(true);
    // The trail replays to the stored case, adoption included.
    expect((await engine.rebuild('C-1')).policy.version).toBe('2025-04');
  });

  it('a deadline already overdue at the adoption stays as it was, and a tick finds it missed against its own due', async () => {
    const engine = engineWithVersions();
    await twoDisagreements(engine);
    // D-2 was due by 2 April under the guidance; adopted on 3 April, it is not recomputed.
    const change = await engine.previewPolicyChange('C-1', '2025-04', { at: '2025-04-03T09:00:00+01:00' });
    expect(change.kept).toEqual([{ deadlineId: 'disagreement-resolution:D-2', rule: 'disagreement-resolution', reason: 'overdue' }]);
    await engine.send('C-1', adopt('2025-04-03T09:00:00+01:00', '2025-04'));
    await engine.tick('2025-04-03T10:00:00+01:00');
    const view = await engine.get('C-1');
    expect(view.breaches.map((b) => [b.deadlineId, b.due])).toEqual([['disagreement-resolution:D-2', '2025-04-02T23:59:59.999+01:00']]);
  });

  it('previewPolicyChange shows, without writing, exactly what the adoption then does', async () => {
    const engine = engineWithVersions();
    await twoDisagreements(engine);
    const trailBefore = (await engine.history('C-1')).length;
    const viewBefore = await engine.get('C-1');
    const preview = await engine.previewPolicyChange('C-1', '2025-04', { at: adoptedAt });
    expect((await engine.history('C-1')).length).toBe(trailBefore);
    expect((await engine.get('C-1')).version).toBe(viewBefore.version);
    expect(preview).toMatchObject({
      caseId: 'C-1',
      from: { version: '2024-08' },
      to: { version: '2025-04' },
      at: adoptedAt,
      deadlines: [
        {
          deadlineId: 'disagreement-resolution:D-1',
          rule: 'disagreement-resolution',
          before: { due: '2025-04-07T23:59:59.999+01:00' },
          after: { due: '2025-04-03T23:59:59.999+01:00' },
        },
      ],
      kept: [{ deadlineId: 'disagreement-resolution:D-2', reason: 'new-due-passed' }],
      breaches: { recorded: [], withdrawn: [] },
    });
    expect(preview.pending).toEqual([
      { step: 'disagreement.resolved', rule: 'disagreement-resolution', detail: 'D-1', before: '2025-04-07T23:59:59.999+01:00', after: '2025-04-03T23:59:59.999+01:00' },
    ]);
    const viewAfter = await engine.send('C-1', adopt(adoptedAt, '2025-04'));
    const done = policyChange(viewBefore, viewAfter, guidance, revised, adoptedAt);
    expect({ ...preview, kept: [] }).toEqual(done);
  });

  it('refusals: another role NOT_ALLOWED, an unknown version, the same one NO_EFFECT, an older one, one not yet in force', async () => {
    const engine = engineWithVersions();
    await twoDisagreements(engine);
    expect(await refusalCode(engine.send('C-1', adopt(adoptedAt, '2025-04', samplePeople.socialWorker)))).toBe('NOT_ALLOWED');
    expect(await refusalCode(engine.send('C-1', adopt(adoptedAt, '2026-01')))).toBe('UNKNOWN_POLICY_VERSION');
    expect(await refusalCode(engine.send('C-1', adopt(adoptedAt, '2024-08')))).toBe('NO_EFFECT');
    expect(await refusalCode(engine.send('C-1', adopt('2025-03-31T12:00:00+01:00', '2025-04')))).toBe('POLICY_NOT_IN_FORCE');
    // Dated before the case's latest step (the refused consent on 31 March, 10:00).
    expect(await refusalCode(engine.send('C-1', adopt('2025-03-28T12:00:00Z', '2025-04')))).toBe('GATE_BLOCKED');
    const refused = (await engine.history('C-1')).filter((e) => e.type === 'policy.adopted');
    expect(refused.map((e) => [e.accepted, e.errorCode])).toEqual([
      [false, 'NOT_ALLOWED'],
      [false, 'UNKNOWN_POLICY_VERSION'],
      [false, 'NO_EFFECT'],
      [false, 'POLICY_NOT_IN_FORCE'],
      [false, 'GATE_BLOCKED'],
    ]);
    await engine.send('C-1', adopt(adoptedAt, '2025-04'));
    expect(await refusalCode(engine.send('C-1', adopt('2025-04-02T09:00:00+01:00', '2024-08')))).toBe('POLICY_NOT_NEWER');
    expect(await refusalCode(engine.previewPolicyChange('C-1', '2024-08', { at: '2025-04-02T09:00:00+01:00' }))).toBe('POLICY_NOT_NEWER');
  });

  it('voiding the adoption puts the case back under its own version, its deadlines as they were', async () => {
    const engine = engineWithVersions();
    await twoDisagreements(engine);
    const before = await engine.get('C-1');
    await engine.send('C-1', { ...(adopt(adoptedAt, '2025-04') as object), eventId: 'adopt-1' } as never);
    const voided = await engine.send('C-1', {
      type: 'event.voided', at: '2025-04-01T10:00:00+01:00', actor: tm, voidedEventId: 'adopt-1', reason: 'Adopted on the wrong case.',
    });
    expect(voided.policy.version).toBe('2024-08');
    expect(voided.deadlines).toEqual(before.deadlines);
    expect((await engine.rebuild('C-1')).deadlines).toEqual(before.deadlines);
  });
});

describe('policy versions are validated strictly', () => {
  const code = (make: () => unknown) => {
    try {
      make();
      return 'accepted';
    } catch (error) {
      return isStepDownError(error) ? error.code : 'thrown';
    }
  };

  it('definePolicy: an effective date that is not a date, a version without a date, an id that is not id-shaped', () => {
    expect(code(() => definePolicy({ version: '2025-02', effectiveFrom: '2025-02-30' }))).toBe('INVALID_POLICY');
    expect(code(() => definePolicy({ version: '2025-02', effectiveFrom: '1 February 2025' }))).toBe('INVALID_POLICY');
    expect(code(() => definePolicy({ version: '2025-02' }))).toBe('INVALID_POLICY');
    expect(code(() => definePolicy({ effectiveFrom: '2025-02-01' }))).toBe('INVALID_POLICY');
    expect(code(() => definePolicy({ id: 'Step down policy', version: '2025-02', effectiveFrom: '2025-02-01' }))).toBe('INVALID_POLICY');
    expect(definePolicy()).toMatchObject({ id: 'caf-step-down', version: '2024-08', effectiveFrom: '2024-08-01' });
  });

  it('an engine: two versions with one name or one date, two policy ids, none, or policy and policies both', () => {
    const again = definePolicy({ version: '2025-04', effectiveFrom: '2025-05-01' });
    const sameDate = definePolicy({ version: '2025-05', effectiveFrom: '2025-04-01' });
    const otherId = definePolicy({ id: 'other', version: '2025-05', effectiveFrom: '2025-05-01' });
    expect(code(() => createCaseEngine({ policies: [revised, again] }))).toBe('INVALID_POLICY');
    expect(code(() => createCaseEngine({ policies: [revised, sameDate] }))).toBe('INVALID_POLICY');
    expect(code(() => createCaseEngine({ policies: [guidance, otherId] }))).toBe('INVALID_POLICY');
    expect(code(() => createCaseEngine({ policies: [] }))).toBe('INVALID_POLICY');
    expect(code(() => createCaseEngine({ policy: guidance, policies: [guidance] }))).toBe('INVALID_ARGUMENT');
  });

  it('the version in force: the latest on or before the London date; before the earliest, the earliest', () => {
    const versions = policyVersions([revised, guidance]);
    // 23:30 UTC on 31 March 2025 is already 1 April in London (BST).
    expect(versions.inForceOn('2025-03-31T23:30:00Z').version).toBe('2025-04');
    expect(versions.inForceOn('2025-03-31T22:30:00Z').version).toBe('2024-08');
    expect(versions.inForceOn('2022-09-12T10:00:00+01:00').version).toBe('2024-08');
  });
});
