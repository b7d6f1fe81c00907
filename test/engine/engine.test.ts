import { describe, expect, it } from 'vitest';
import {
  StepDownError,
  createCaseEngine,
  describeCase,
  getRule,
  restoreCase,
  verifyAuditTrail,
  type AuditEntry,
  type CaseEngine,
  type CaseView,
  type EngineEvent,
  type EventIssue,
  type OpenCase,
  type RuleId,
} from '../../src/index.js';
import { chainEntry } from '../../src/engine/audit-chain.js';
import type { MemoryStoreOptions } from '../../adapters/memory.js';
import { sampleEvent, sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { pathsOf } from '../events/invalid.js';
import { runToClosedCaf } from './journey.js';
import { recordingStore, type RecordingStore } from './recording-store.js';
import { rejection } from './rejection.js';

/** A stored case without its head, which every write (a refusal too) moves. */
const withoutHead = (record: import('../../src/index.js').StoredCase | null) => {
  if (record === null) return null;
  const { head: _head, ...rest } = record;
  return rest;
};

// The case every test starts from: a CIN review on Wednesday 1 May 2024 (British Summer Time).
const opened = '2024-05-01T10:00:00+01:00';
const decided = '2024-05-01T11:00:00+01:00';
// The sample family (child, parent/carer, partner, Lead Professional) is added right after the decision.
const familyAt = '2024-05-01T11:30:00+01:00';
// The engine's clock: after every date the tests record, so none is refused FUTURE_DATED.
const now = '2024-07-01T08:30:00.000Z';
const { teamManager: tm, socialWorker: sw } = samplePeople;

interface Heard {
  readonly id: string;
  readonly notification: EngineEvent;
}

/** An engine over a recording memory store, with a clock the test moves and a '*' listener. */
function setup(memory: MemoryStoreOptions = {}) {
  const clock = { now: new Date(now) };
  const recording = recordingStore(memory);
  const engine = createCaseEngine({ store: recording.store, now: () => clock.now });
  const heard: Heard[] = [];
  engine.on('*', (notification, meta) => void heard.push({ id: meta.id, notification }));
  return { engine, recording, clock, heard };
}

function openRequest(caseId = 'C-1', at = opened): OpenCase {
  return { caseId, route: 'cin-outcome', at, actor: tm };
}

/** Opens a case and takes the threshold decision: version 2, in preparation. */
async function openDecided(engine: CaseEngine, caseId = 'C-1'): Promise<CaseView> {
  await engine.open(openRequest(caseId));
  return engine.send(caseId, sampleEvent('decision.agreed', decided));
}

/** Opens and decides a case, then adds the sample family by id: version 6, in preparation. */
async function openWithFamily(engine: CaseEngine, caseId = 'C-1'): Promise<CaseView> {
  let view = await openDecided(engine, caseId);
  for (const added of sampleFamilyAdded(familyAt)) view = await engine.send(caseId, added);
  return view;
}

/**
 * Sends an event that must be refused with `code`, and proves the refusal's contract: the stored
 * case (snapshot and version) is exactly as before, nothing was saved, and the refusal is the one
 * new entry of the audit trail, refused with its code at the unchanged version.
 */
async function expectRefused(
  { engine, recording }: { engine: CaseEngine; recording: RecordingStore },
  caseId: string,
  event: unknown,
  code: StepDownError['code'],
  options: { expectedVersion?: number } = {},
): Promise<{ error: StepDownError; entry: AuditEntry }> {
  const before = await recording.inner.load(caseId);
  const trailBefore = await recording.inner.audit(caseId);
  recording.reset();
  const error = await rejection(engine.send(caseId, event as never, options));
  expect(error.code, error.message).toBe(code);
  // A refusal moves only the head (its entry is the trail's new end); the case itself is as it was.
  expect(withoutHead(await recording.inner.load(caseId))).toEqual(withoutHead(before));
  expect(recording.callsOf('save')).toEqual([]);
  const trail = await recording.inner.audit(caseId);
  expect(trail.slice(0, -1)).toEqual(trailBefore);
  expect(trail).toHaveLength(trailBefore.length + 1);
  const entry = trail.at(-1)!;
  expect(entry).toMatchObject({ accepted: false, errorCode: code, version: before!.version, seq: trailBefore.length + 1 });
  expect(entry.stateAfter).toEqual(entry.stateBefore);
  expect(verifyAuditTrail(trail).ok).toBe(true);
  // The refusal's notification is saved, not delivered, by `send`: the relay (here one pass) delivers it.
  await engine.deliver();
  return { error, entry };
}

describe('engine.open', () => {
  it('opens a case at version 1, stores it with its first audit entry and announces it', async () => {
    const { engine, recording, heard } = setup();
    const view = await engine.open(openRequest());
    expect(view).toMatchObject({
      caseId: 'C-1',
      route: 'cin-outcome',
      stage: 'decision',
      outcome: null,
      states: ['withChildrensSocialCare.decision'],
      version: 1,
      pending: [{ step: 'decision.agreed', role: 'team-manager', rule: 'threshold-decision' }],
    });
    expect(await engine.get('C-1')).toEqual(view);
    expect((await recording.inner.load('C-1'))!.version).toBe(1);
    const [entry, ...rest] = await engine.history('C-1');
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ seq: 1, type: 'case.opened', accepted: true, actor: tm, at: opened, version: 1 });
    // Saved, not delivered: open returns before any listener hears of the case.
    expect(heard).toEqual([]);
    await engine.deliver();
    expect(heard.map((h) => [h.id, h.notification.type])).toEqual([
      ['C-1:v1:0', 'case.opened'],
      ['C-1:v1:1', 'stage.entered'],
    ]);
  });

  it('refuses an id that is taken with CASE_EXISTS and leaves the first case as it was', async () => {
    const { engine, recording, heard } = setup();
    await openDecided(engine);
    const before = await recording.inner.load('C-1');
    const trail = await recording.inner.audit('C-1');
    const heardBefore = heard.length;
    const error = await rejection(engine.open({ ...openRequest('C-1', '2024-06-03T09:00:00+01:00'), route: 'cp-outcome' }));
    expect(error.code).toBe('CASE_EXISTS');
    expect(error.details).toMatchObject({ caseId: 'C-1' });
    // A refusal moves only the head (its entry is the trail's new end); the case itself is as it was.
  expect(withoutHead(await recording.inner.load('C-1'))).toEqual(withoutHead(before));
    expect(await recording.inner.audit('C-1')).toEqual(trail);
    expect(heard).toHaveLength(heardBefore);
  });

  it('refuses a case dated after the engine clock plus its tolerance with FUTURE_DATED, stores nothing; within it, opens', async () => {
    const { engine, recording, heard } = setup();
    // 5 minutes is the default tolerance: one millisecond more is the future.
    const later = new Date(Date.parse(now) + 5 * 60_000 + 1).toISOString();
    const error = await rejection(engine.open(openRequest('C-2099', later)));
    expect(error.code).toBe('FUTURE_DATED');
    expect(error.details).toEqual({ caseId: 'C-2099', at: later, now });
    expect(error.message).toContain('Check the date');
    expect(recording.callsOf('create')).toEqual([]);
    expect(await recording.inner.load('C-2099')).toBeNull();
    expect(heard).toEqual([]);
    // A case opened in 2099 would have refused every true event after it as dated before its opening.
    expect((await rejection(engine.open(openRequest('C-2099', '2099-05-01T10:00:00+01:00')))).code).toBe('FUTURE_DATED');
    const within = new Date(Date.parse(now) + 5 * 60_000).toISOString();
    expect(await engine.open(openRequest('C-now', within))).toMatchObject({ version: 1, stage: 'decision' });
  });

  it.each([
    ['a route the policy does not have', { route: 'cin-review' }, 'route'],
    ['a date without an offset', { at: '2024-05-01T10:00:00' }, 'at'],
    ['a date that is not a date', { at: '1 May 2024' }, 'at'],
    ['an empty case id', { caseId: '  ' }, 'caseId'],
    ['an opener who is not the Social Worker or Team Manager', { actor: { id: 'lp-1', role: 'lead-professional' } }, 'actor.role'],
  ])('refuses %s with INVALID_INPUT naming the field, and stores nothing', async (_, change, field) => {
    const { engine, recording, heard } = setup();
    const request = { ...openRequest('C-bad'), ...change } as OpenCase;
    const error = await rejection(engine.open(request));
    expect(error.code).toBe('INVALID_INPUT');
    const issues = error.details?.['issues'] as string[];
    expect(issues.some((issue) => issue.startsWith(`${field}:`)), issues.join('; ')).toBe(true);
    expect(error.message).toContain(`${field}:`);
    expect(recording.callsOf('create')).toEqual([]);
    expect(await recording.inner.load(request.caseId)).toBeNull();
    expect(await recording.inner.load('C-bad')).toBeNull();
    expect((await rejection(engine.history('C-bad'))).code).toBe('UNKNOWN_CASE');
    expect(heard).toEqual([]);
  });
});

describe('engine.send', () => {
  it('takes an accepted event on one path: load, one atomic save, then delivery after the commit', async () => {
    const { engine, recording, heard } = setup();
    await engine.open(openRequest());
    await engine.deliver();
    const atDelivery: { saveSettled: boolean; storedVersion: number }[] = [];
    engine.on('stage.entered', async () => {
      atDelivery.push({
        saveSettled: recording.callsOf('save').every((call) => call.settled),
        storedVersion: (await recording.inner.load('C-1'))!.version,
      });
    });
    recording.reset();
    const view = await engine.send('C-1', sampleEvent('decision.agreed', decided));

    // The write path ends at the save: delivery is the relay's (here one pass of it), after the commit.
    expect(recording.calls.map((call) => call.operation)).toEqual(['load', 'save']);
    expect(atDelivery).toEqual([]);
    await engine.deliver();
    expect(recording.calls.map((call) => call.operation)).toEqual(['load', 'save', 'claimOutbox', 'acknowledge']);
    const [record, expectedVersion, audit, outbox] = recording.callsOf('save')[0]!.args as Parameters<RecordingStore['store']['save']>;
    expect(record).toMatchObject({ caseId: 'C-1', version: 2 });
    expect(expectedVersion).toBe(1);
    expect(audit).toMatchObject({
      type: 'decision.agreed',
      accepted: true,
      errorCode: null,
      actor: tm,
      at: decided,
      version: 2,
      stateBefore: ['withChildrensSocialCare.decision'],
      stateAfter: view.states,
      recordedAt: now,
      // The engine gave the event an id (it had none) and stamped when it was recorded, from its clock.
      event: { type: 'decision.agreed', at: decided, eventId: view.eventId, recordedAt: now },
    });
    expect(view.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(outbox).toEqual([
      expect.objectContaining({ id: 'C-1:v2:0', notification: { type: 'stage.entered', caseId: 'C-1', stage: 'preparation', at: decided } }),
    ]);
    expect(atDelivery).toEqual([{ saveSettled: true, storedVersion: 2 }]);
    expect(heard.at(-1)).toEqual({ id: 'C-1:v2:0', notification: outbox[0]!.notification });
    expect(view).toMatchObject({ version: 2, stage: 'preparation', voided: [] });
    // `get` is the same case; only `send` says which event it just recorded.
    const { eventId: _recorded, ...stored } = view;
    expect(await engine.get('C-1')).toEqual(stored);
  });

  describe('refusals change nothing stored and are audited', () => {
    it.each([
      ['an unknown type', () => ({ ...sampleEvent('decision.agreed', decided), type: 'decision.approved' }), ['type'], '(unknown)'],
      ['no type at all', () => ({ at: decided, actor: tm }), ['type'], '(none)'],
      [
        'fields of the wrong type',
        () => ({ ...sampleEvent('views.recorded', decided), personId: 7, agrees: 'yes', summary: ['Leo', 'Taylor'] }),
        ['personId', 'agrees', 'summary'],
        'views.recorded',
      ],
      ['a date without an offset', () => sampleEvent('decision.agreed', '2024-05-01T11:00:00'), ['at'], 'decision.agreed'],
      [
        'a role the policy does not know',
        () => sampleEvent('decision.agreed', decided, { role: 'judge' as never }),
        ['actor.role'],
        'decision.agreed',
      ],
    ])('INVALID_EVENT for %s, naming each bad field', async (_, make, fields, auditedType) => {
      const context = setup();
      await context.engine.open(openRequest());
      const { error, entry } = await expectRefused(context, 'C-1', make(), 'INVALID_EVENT');
      const issues = error as StepDownError & { details: { issues: EventIssue[] } };
      expect(pathsOf(issues).sort()).toEqual([...fields].sort());
      for (const field of fields) expect(error.message).toContain(`${field}:`);
      // The audit keeps no raw input of an invalid event: no event, and only a known type.
      expect(entry).toMatchObject({ type: auditedType, event: null, actor: null, at: null });
      expect(context.heard.at(-1)!.notification).toEqual({
        type: 'event.refused',
        caseId: 'C-1',
        eventType: auditedType,
        code: 'INVALID_EVENT',
        rules: [],
        at: null,
      });
    });

    it('validates before it authorises, and authorises before it asks the state', async () => {
      const context = setup();
      await context.engine.open(openRequest());
      // Wrong role and a malformed field: the malformed event is reported first.
      const malformed = { ...sampleEvent('decision.agreed', decided, sw), rationale: 42 };
      expect((await expectRefused(context, 'C-1', malformed, 'INVALID_EVENT')).error.details).toMatchObject({
        issues: [expect.objectContaining({ path: 'rationale' })],
      });
      // Wrong role for a step that is not of this stage either: the role is reported first.
      const { error } = await expectRefused(context, 'C-1', sampleEvent('csc.closed', decided, { id: 'lp-1', role: 'lead-professional' }), 'NOT_ALLOWED');
      expect(error.details?.['rules']).toEqual([expect.objectContaining({ rule: 'division-of-duties' })]);
    });

    it('NOT_ALLOWED when the role may not take the step, with the rule, its citation and who tried', async () => {
      const context = setup();
      await context.engine.open(openRequest());
      const { error, entry } = await expectRefused(context, 'C-1', sampleEvent('decision.agreed', decided, sw), 'NOT_ALLOWED');
      expect(error.details).toEqual({
        caseId: 'C-1',
        rules: [{ rule: 'division-of-duties', citation: getRule('division-of-duties').citation, reason: expect.stringContaining('team-manager') }],
      });
      expect(entry).toMatchObject({ type: 'decision.agreed', actor: sw, at: decided, rules: { checked: ['division-of-duties'] } });
      expect(context.heard.at(-1)!.notification).toMatchObject({ type: 'event.refused', code: 'NOT_ALLOWED', eventType: 'decision.agreed' });
    });

    it('EVENT_NOT_ACCEPTED for a step the case is not at', async () => {
      const context = setup();
      await context.engine.open(openRequest());
      const { error } = await expectRefused(context, 'C-1', sampleEvent('csc.closed', decided), 'EVENT_NOT_ACCEPTED');
      expect(error.details?.['rules']).toEqual([
        { rule: 'threshold-decision', citation: getRule('threshold-decision').citation, reason: expect.stringContaining('decision.agreed') },
      ]);
    });

    it('GATE_BLOCKED with every unmet rule and its citation on the error', async () => {
      const context = setup();
      await openWithFamily(context.engine);
      const { error, entry } = await expectRefused(context, 'C-1', sampleEvent('finalMeeting.held', '2024-05-09T14:00:00+01:00'), 'GATE_BLOCKED');
      const unmet: RuleId[] = ['views-recorded', 'informed-consent', 'lead-professional-identified'];
      expect(error.details).toEqual({
        caseId: 'C-1',
        rules: unmet.map((rule) => ({ rule, citation: getRule(rule).citation, reason: expect.any(String) })),
      });
      for (const rule of unmet) expect(error.message).toContain(`${rule} (${getRule(rule).citation})`);
      expect(entry.rules).toEqual({ checked: unmet, breached: [] });
      expect(context.heard.at(-1)!.notification).toMatchObject({ type: 'event.refused', code: 'GATE_BLOCKED', rules: unmet });
    });

    it.each([
      ['the decision', () => sampleEvent('decision.agreed', '2024-04-30T16:00:00+01:00'), false],
      ['a clock tick', () => sampleEvent('clock.tick', '2024-05-01T08:59:59Z'), false],
      [
        'a view recorded after the decision',
        () => ({ ...sampleEvent('views.recorded', '2024-04-29T10:00:00+01:00'), personId: samplePeople.child }),
        true,
      ],
    ])('refuses %s dated before the case opened', async (_, make, afterDecision) => {
      const context = setup();
      // The child is on record, so the date is the one thing wrong with the view.
      if (afterDecision) await openWithFamily(context.engine);
      else await context.engine.open(openRequest());
      const { error } = await expectRefused(context, 'C-1', make(), 'GATE_BLOCKED');
      expect(error.details?.['rules']).toEqual([expect.objectContaining({ rule: 'step-sequence', citation: getRule('step-sequence').citation })]);
      expect(error.message).toContain('check the date');
    });
  });

  it('UNKNOWN_CASE for a case that was never opened, on every operation, and creates nothing', async () => {
    const { engine, recording } = setup();
    await engine.open(openRequest());
    recording.reset();
    for (const call of [
      () => engine.send('C-404', sampleEvent('decision.agreed', decided)),
      () => engine.get('C-404'),
      () => engine.history('C-404'),
      () => engine.explain('C-404', sampleEvent('decision.agreed', decided)),
    ]) {
      const error = await rejection(call());
      expect(error.code).toBe('UNKNOWN_CASE');
      expect(error.details).toEqual({ caseId: 'C-404' });
    }
    expect(recording.calls.filter((c) => c.operation !== 'load')).toEqual([]);
    expect(await recording.inner.load('C-404')).toBeNull();
    expect(await recording.inner.audit('C-404')).toEqual([]);
  });

  it('VERSION_CONFLICT when the host decided on an older version: nothing stored, and the right version is taken', async () => {
    const { engine, recording, heard } = setup();
    await openWithFamily(engine);
    const before = await recording.inner.load('C-1');
    const trail = await recording.inner.audit('C-1');
    const heardBefore = heard.length;
    const childView = { ...sampleEvent('views.recorded', '2024-05-02T10:00:00+01:00'), personId: samplePeople.child };
    recording.reset();
    const error = await rejection(engine.send('C-1', childView, { expectedVersion: 2 }));
    expect(error.code).toBe('VERSION_CONFLICT');
    expect(error.details).toEqual({ caseId: 'C-1', expectedVersion: 2, actualVersion: 6 });
    // A conflict is the host's race to retry, not a decision of the policy: nothing is written at all.
    expect(recording.calls.map((c) => c.operation)).toEqual(['load']);
    // A refusal moves only the head (its entry is the trail's new end); the case itself is as it was.
  expect(withoutHead(await recording.inner.load('C-1'))).toEqual(withoutHead(before));
    expect(await recording.inner.audit('C-1')).toEqual(trail);
    expect(heard).toHaveLength(heardBefore);
    expect((await engine.send('C-1', childView, { expectedVersion: 6 })).version).toBe(7);
  });

  describe('a writer that gets there between load and save', () => {
    /** Engine A over a recording store; engine B writes the parent's view to the same store inside A's save. */
    async function race() {
      const a = setup();
      const b = createCaseEngine({ store: a.recording.inner, now: () => a.clock.now });
      await openWithFamily(a.engine);
      const parentView = { ...sampleEvent('views.recorded', '2024-05-02T09:00:00+01:00'), personId: samplePeople.parent };
      a.recording.beforeSave = async () => {
        a.recording.beforeSave = null;
        await b.send('C-1', parentView);
      };
      const childView = { ...sampleEvent('views.recorded', '2024-05-02T10:00:00+01:00'), personId: samplePeople.child };
      a.recording.reset();
      return { ...a, childView };
    }

    it('is a VERSION_CONFLICT from the atomic save when the host gave the version: the other write stands alone', async () => {
      const { engine, recording, childView } = await race();
      const error = await rejection(engine.send('C-1', childView, { expectedVersion: 6 }));
      expect(error.code).toBe('VERSION_CONFLICT');
      expect(error.details).toMatchObject({ expectedVersion: 6, actualVersion: 7 });
      const trail = await recording.inner.audit('C-1');
      expect(trail.map((e) => [e.seq, e.type, e.version])).toEqual([
        [1, 'case.opened', 1],
        [2, 'decision.agreed', 2],
        [3, 'person.added', 3],
        [4, 'person.added', 4],
        [5, 'person.added', 5],
        [6, 'person.added', 6],
        [7, 'views.recorded', 7],
      ]);
      expect(trail[6]!.event).toMatchObject({ personId: samplePeople.parent });
      expect((await recording.inner.load('C-1'))!.version).toBe(7);
    });

    it('is retried on the fresh case when the host gave no version: both writes kept, once each', async () => {
      const { engine, recording, childView } = await race();
      const view = await engine.send('C-1', childView);
      expect(view.version).toBe(8);
      expect(recording.callsOf('save')).toHaveLength(2);
      const trail = await recording.inner.audit('C-1');
      expect(trail.filter((e) => e.type === 'views.recorded').map((e) => [(e.event as { personId: string }).personId, e.version])).toEqual([
        [samplePeople.parent, 7],
        [samplePeople.child, 8],
      ]);
      expect(trail.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(verifyAuditTrail(trail).ok).toBe(true);
      // Both views are on the case: only the practitioners' are still awaited, by person id.
      expect(view.pending.filter((p) => p.step === 'views.recorded').map((p) => p.detail)).toEqual([
        samplePeople.partner,
        samplePeople.leadProfessional.personId,
      ]);
    });
  });
});

describe('a store that fails mid-write', () => {
  /** A memory store whose next write of the named kind throws, as a full disk or a dropped connection would. */
  function faulty() {
    const fault: { next: 'create' | 'save' | 'appendAudit' | null } = { next: null };
    const context = setup({
      beforeWrite: (operation) => {
        if (operation !== fault.next) return;
        fault.next = null;
        throw new Error(`simulated fault writing the row for ${samplePeople.parent}`);
      },
    });
    return { ...context, fault };
  }

  it('leaves the previous version intact, delivers nothing, and the engine carries on afterwards', async () => {
    const { engine, recording, heard, fault } = faulty();
    await engine.open(openRequest());
    const before = await recording.inner.load('C-1');
    const trail = await recording.inner.audit('C-1');
    const heardBefore = heard.length;

    fault.next = 'save';
    const error = await rejection(engine.send('C-1', sampleEvent('decision.agreed', decided)));
    expect(error.code).toBe('STORE_FAILURE');
    expect(error.details).toEqual({ operation: 'save', caseId: 'C-1' });
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
    // The driver's own text (which may quote a row) is not repeated where logs would keep it.
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(samplePeople.parent);

    // A refusal moves only the head (its entry is the trail's new end); the case itself is as it was.
  expect(withoutHead(await recording.inner.load('C-1'))).toEqual(withoutHead(before));
    expect(await recording.inner.audit('C-1')).toEqual(trail);
    expect(await engine.deliver()).toEqual({ delivered: 2, failed: 0, buried: 0 });
    expect(heard.slice(heardBefore).map((h) => h.id)).toEqual(['C-1:v1:0', 'C-1:v1:1']);
    const heardOpen = heard.length;
    expect(await engine.get('C-1')).toMatchObject({ version: 1, stage: 'decision' });

    const view = await engine.send('C-1', sampleEvent('decision.agreed', decided));
    expect(view).toMatchObject({ version: 2, stage: 'preparation' });
    await engine.deliver();
    expect(heard.slice(heardOpen)).toEqual([
      { id: 'C-1:v2:0', notification: { type: 'stage.entered', caseId: 'C-1', stage: 'preparation', at: decided } },
    ]);
    const after = await engine.history('C-1');
    expect(after.map((e) => e.seq)).toEqual([1, 2]);
    expect(verifyAuditTrail(after).ok).toBe(true);
  });

  it('opens nothing when the first write fails, and the same id opens afterwards', async () => {
    const { engine, recording, heard, fault } = faulty();
    fault.next = 'create';
    expect((await rejection(engine.open(openRequest()))).code).toBe('STORE_FAILURE');
    expect(await recording.inner.load('C-1')).toBeNull();
    expect(await recording.inner.audit('C-1')).toEqual([]);
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0, buried: 0 });
    expect(heard).toEqual([]);
    expect(await engine.open(openRequest())).toMatchObject({ version: 1 });
    await engine.deliver();
    expect(heard.map((h) => h.id)).toEqual(['C-1:v1:0', 'C-1:v1:1']);
  });
});

describe('engine.get and engine.history', () => {
  it('get is describeCase of the stored snapshot plus its version, and writes nothing', async () => {
    const { engine, recording } = setup();
    await openWithFamily(engine);
    await engine.send('C-1', sampleEvent('disagreement.raised', '2024-05-02T11:00:00+01:00'));
    recording.reset();
    const view = await engine.get('C-1');
    expect(recording.calls.map((c) => c.operation)).toEqual(['load']);
    const record = (await recording.inner.load('C-1'))!;
    expect(view).toEqual({ ...describeCase(restoreCase(record.snapshot, engine.machine)), version: 7, voided: [], policy: { id: 'caf-step-down', version: '2024-08', effectiveFrom: '2024-08-01' } });
    expect(view).toMatchObject({
      stage: 'preparation',
      version: 7,
      deadlines: [
        {
          id: 'disagreement-resolution:D-2',
          rule: 'disagreement-resolution',
          citation: getRule('disagreement-resolution').citation,
          // 5 working days after Thursday 2 May 2024, skipping the Early May bank holiday on the 6th.
          due: '2024-05-10T23:59:59.999+01:00',
          status: 'open',
        },
      ],
    });
    expect(view.pending).toContainEqual(expect.objectContaining({ step: 'disagreement.resolved', detail: 'D-2' }));
  });

  it('history is oldest first with gapless sequence numbers, refusals in place, and a chain that verifies', async () => {
    const { engine } = setup();
    const closed = await runToClosedCaf(engine, 'C-J');
    expect(closed.outcome).toBe('caf-closed');
    await expect(engine.send('C-J', sampleEvent('stepUp.referred', '2024-06-12T10:00:00+01:00'))).rejects.toMatchObject({
      code: 'EVENT_NOT_ACCEPTED',
    });
    const trail = await engine.history('C-J');
    expect(trail.map((e) => e.seq)).toEqual(trail.map((_, i) => i + 1));
    expect(trail[0]).toMatchObject({ type: 'case.opened', prevHash: '0'.repeat(64) });
    expect(trail.slice(1, 7).map((e) => e.type)).toEqual([
      'decision.agreed',
      ...Array<string>(4).fill('person.added'),
      'views.recorded',
    ]);
    expect(trail.slice(-5).map((e) => [e.type, e.accepted])).toEqual([
      ['clock.tick', true],
      ['familyPlanMeeting.held', true],
      ['familyPlanMeeting.held', true],
      ['caf.closed', true],
      ['stepUp.referred', false],
    ]);
    // Accepted entries carry versions 1, 2, 3…; the refusal keeps the version it found.
    const accepted = trail.filter((e) => e.accepted);
    expect(accepted.map((e) => e.version)).toEqual(accepted.map((_, i) => i + 1));
    expect(trail.at(-1)!.version).toBe(closed.version);
    for (const [i, entry] of trail.entries()) if (i > 0) expect(entry.prevHash).toBe(trail[i - 1]!.hash);
    expect(trail.every((e) => e.recordedAt === now)).toBe(true);
    expect(verifyAuditTrail(trail)).toEqual({ ok: true, entries: trail.length });
  });

  describe('tampering with the trail is found', () => {
    async function trail(): Promise<AuditEntry[]> {
      const { engine } = setup();
      await runToClosedCaf(engine, 'C-J');
      return engine.history('C-J');
    }
    const childViewAt = (entries: AuditEntry[]) =>
      entries.findIndex((e) => e.type === 'views.recorded' && (e.event as { personId?: string }).personId === samplePeople.child);

    it('an edited entry: the child’s recorded view changed', async () => {
      const entries = await trail();
      const i = childViewAt(entries);
      expect(i).toBeGreaterThan(0);
      const edited = { ...entries[i]!, event: { ...(entries[i]!.event as object), summary: 'Leo wants to stay with social care.' } };
      const result = verifyAuditTrail(entries.with(i, edited));
      expect(result).toMatchObject({ ok: false, problem: 'changed', index: i, seq: i + 1 });
    });

    it('an edited entry re-hashed by the editor: the next entry no longer follows', async () => {
      const entries = await trail();
      const i = childViewAt(entries);
      expect(i).toBeGreaterThan(0);
      const { seq: _seq, prevHash: _prev, hash: _hash, ...draft } = entries[i]!;
      const forged = chainEntry(entries[i - 1]!, { ...draft, actor: { id: 'sw-someone-else', role: 'social-worker' } });
      const result = verifyAuditTrail(entries.with(i, forged));
      expect(result).toMatchObject({ ok: false, problem: 'inserted', index: i + 1 });
    });

    it('a removed entry, and two entries swapped', async () => {
      const entries = await trail();
      expect(verifyAuditTrail(entries.toSpliced(4, 1))).toMatchObject({ ok: false, problem: 'removed', index: 4 });
      const swapped = entries.with(5, entries[6]!).with(6, entries[5]!);
      expect(verifyAuditTrail(swapped).ok).toBe(false);
    });
  });
});

describe('engine.tick', () => {
  const tick = '2024-05-14T09:00:00+01:00';

  /**
   * Five cases, each opened on 1 May 2024 and decided; only two have a deadline due by 14 May:
   * - due-1, due-2: a partner disagreement raised on 2 May, due by the end of Friday 10 May;
   * - later: one raised on 20 May, due after the Spring bank holiday (28 May);
   * - met: one raised on 2 May and resolved on 7 May, so nothing is open;
   * - none: no disagreement, so no deadline at all.
   */
  async function fiveCases() {
    const context = setup();
    const { engine } = context;
    for (const caseId of ['due-1', 'due-2', 'later', 'met', 'none']) await openWithFamily(engine, caseId);
    await engine.send('due-1', sampleEvent('disagreement.raised', '2024-05-02T11:00:00+01:00'));
    await engine.send('due-2', sampleEvent('disagreement.raised', '2024-05-02T15:30:00+01:00'));
    await engine.send('later', sampleEvent('disagreement.raised', '2024-05-20T11:00:00+01:00'));
    await engine.send('met', sampleEvent('disagreement.raised', '2024-05-02T11:00:00+01:00'));
    await engine.send('met', sampleEvent('disagreement.resolved', '2024-05-07T11:00:00+01:00'));
    const versions = Object.fromEntries(
      await Promise.all(['due-1', 'due-2', 'later', 'met', 'none'].map(async (id) => [id, (await engine.get(id)).version] as const)),
    );
    await context.engine.deliver();
    context.recording.reset();
    return { ...context, versions };
  }

  it('ticks only the cases with a deadline due, found through the index, and counts cases and breaches', async () => {
    const { engine, recording, heard, versions } = await fiveCases();
    const heardBefore = heard.length;
    expect(await engine.tick(tick)).toEqual({ cases: 2, breaches: 2, failed: [] });

    expect(recording.callsOf('dueCases')[0]!.args[0]).toBe(Date.parse(tick));
    expect(new Set(recording.loaded())).toEqual(new Set(['due-1', 'due-2']));
    expect(recording.callsOf('save').map((c) => c.caseId).sort()).toEqual(['due-1', 'due-2']);

    for (const caseId of ['due-1', 'due-2']) {
      const view = await engine.get(caseId);
      expect(view.version).toBe(versions[caseId]! + 1);
      expect(view.breaches).toEqual([
        {
          rule: 'disagreement-resolution',
          citation: getRule('disagreement-resolution').citation,
          due: '2024-05-10T23:59:59.999+01:00',
          detectedAt: tick,
          deadlineId: 'disagreement-resolution:D-2',
        },
      ]);
      expect(view.deadlines[0]!.status).toBe('missed');
      expect((await engine.history(caseId)).at(-1)).toMatchObject({
        type: 'clock.tick',
        accepted: true,
        actor: { id: 'system', role: 'system' },
        at: tick,
        rules: { breached: ['disagreement-resolution'] },
      });
    }
    for (const caseId of ['later', 'met', 'none']) {
      const view = await engine.get(caseId);
      expect(view.version).toBe(versions[caseId]);
      expect(view.breaches).toEqual([]);
    }
    await engine.deliver();
    expect(
      heard
        .slice(heardBefore)
        .filter((h) => h.notification.type === 'breach.recorded')
        .map((h) => h.notification.caseId)
        .sort(),
    ).toEqual(['due-1', 'due-2']);
  });

  it('reaches the due cases behind a full batch of cases whose tick keeps failing', async () => {
    const recording = recordingStore();
    const engine = createCaseEngine({ store: recording.store, tickBatchSize: 2 });
    // Four cases due by 14 May, the first three earliest; saving those three always fails.
    const raised = ['2024-05-02T09:00:00+01:00', '2024-05-02T10:00:00+01:00', '2024-05-02T11:00:00+01:00', '2024-05-03T09:00:00+01:00'];
    for (const [index, at] of raised.entries()) {
      await openWithFamily(engine, `c-${index}`);
      await engine.send(`c-${index}`, sampleEvent('disagreement.raised', at));
    }
    recording.beforeSave = async (caseId) => {
      if (caseId !== 'c-3') throw new Error('disk full');
    };
    const result = await engine.tick(tick);
    expect(result.cases).toBe(1);
    expect(result.failed.map((f) => f.caseId)).toEqual(['c-0', 'c-1', 'c-2']);
    expect((await engine.get('c-3')).breaches.map((b) => b.rule)).toEqual(['disagreement-resolution']);
  });

  it('keeps ticking the other due cases when one case cannot be saved, reports it, and ticks it next time', async () => {
    const { engine, recording } = await fiveCases();
    recording.beforeSave = async (caseId) => {
      if (caseId === 'due-1') throw new Error('disk full writing case due-1 for Sarah Taylor');
    };
    const first = await engine.tick(tick);
    expect(first).toEqual({ cases: 1, breaches: 1, failed: [{ caseId: 'due-1', code: 'STORE_FAILURE' }] });
    expect(JSON.stringify(first)).not.toContain('Sarah');
    expect((await engine.get('due-1')).breaches).toEqual([]);
    expect((await engine.get('due-2')).breaches.map((b) => b.rule)).toEqual(['disagreement-resolution']);
    recording.beforeSave = null;
    expect(await engine.tick(tick)).toEqual({ cases: 1, breaches: 1, failed: [] });
    expect((await engine.get('due-1')).breaches.map((b) => b.rule)).toEqual(['disagreement-resolution']);
  });

  it('records no second breach when ticked again at the same time, and later reaches the next case due', async () => {
    const { engine, recording, heard } = await fiveCases();
    await engine.tick(tick);
    await engine.deliver();
    const trails = await Promise.all(['due-1', 'due-2'].map((id) => engine.history(id)));
    const heardBefore = heard.length;
    recording.reset();

    expect(await engine.tick(tick)).toEqual({ cases: 0, breaches: 0, failed: [] });
    expect(recording.callsOf('save')).toEqual([]);
    expect(recording.callsOf('appendAudit')).toEqual([]);
    expect(recording.loaded()).toEqual([]);
    expect(await Promise.all(['due-1', 'due-2'].map((id) => engine.history(id)))).toEqual(trails);
    await engine.deliver();
    expect(heard).toHaveLength(heardBefore);

    recording.reset();
    expect(await engine.tick('2024-06-03T09:00:00+01:00')).toEqual({ cases: 1, breaches: 1, failed: [] });
    expect(new Set(recording.loaded())).toEqual(new Set(['later']));
  });

  it('treats a deadline as due only once its last instant has passed', async () => {
    const { engine } = await fiveCases();
    expect(await engine.tick('2024-05-10T23:59:59.999+01:00')).toEqual({ cases: 0, breaches: 0, failed: [] });
    expect(await engine.tick('2024-05-11T00:00:00+01:00')).toEqual({ cases: 2, breaches: 2, failed: [] });
  });

  it('refuses a tick time without an offset before it touches any case', async () => {
    const { engine, recording } = await fiveCases();
    expect((await rejection(engine.tick('2024-05-14T09:00:00'))).code).toBe('INVALID_EVENT');
    expect(recording.calls).toEqual([]);
  });
});

describe('engine.on and delivery', () => {
  it('delivers by type or to every listener after the commit, and stops after unsubscribe', async () => {
    const { engine, recording, heard } = setup();
    const stages: { type: string; stage: string; storedVersion: number }[] = [];
    const stop = engine.on('stage.entered', async (notification) => {
      const { type, stage, caseId } = notification;
      stages.push({ type, stage, storedVersion: (await recording.inner.load(caseId))!.version });
    });
    await engine.open(openRequest());
    await engine.deliver();
    await engine.send('C-1', sampleEvent('decision.agreed', decided));
    await engine.deliver();
    // Only its type, and each after the write that raised it was committed.
    expect(stages).toEqual([
      { type: 'stage.entered', stage: 'decision', storedVersion: 1 },
      { type: 'stage.entered', stage: 'preparation', storedVersion: 2 },
    ]);
    expect(heard.map((h) => h.notification.type)).toEqual(['case.opened', 'stage.entered', 'stage.entered']);

    // The control: a second listener of the same type, still subscribed when the first stops.
    const control: string[] = [];
    engine.on('stage.entered', (notification) => void control.push(notification.caseId));
    stop();
    await engine.open(openRequest('C-2'));
    await engine.deliver();
    expect(stages).toHaveLength(2);
    expect(control).toEqual(['C-2']);
    expect(heard.slice(3).map((h) => h.notification.type)).toEqual(['case.opened', 'stage.entered']);
  });

  it('retries a listener that throws until it takes the message, with the same id each time', async () => {
    const { engine, clock } = setup();
    const attempts: string[] = [];
    let failuresLeft = 2;
    engine.on('case.opened', (_notification, meta) => {
      attempts.push(meta.id);
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('listener is down');
      }
    });
    const others: string[] = [];
    engine.on('*', (notification, meta) => void others.push(`${notification.type}@${meta.id}`));

    // The listener's failure does not fail the write, nor keep the message from other listeners.
    expect(await engine.open(openRequest())).toMatchObject({ version: 1 });
    expect(attempts).toEqual([]);
    expect(await engine.deliver()).toEqual({ delivered: 1, failed: 1, buried: 0 });
    expect(attempts).toEqual(['C-1:v1:0']);
    expect(others).toEqual(['case.opened@C-1:v1:0', 'stage.entered@C-1:v1:1']);

    // Retried with backoff: not before a second has passed, then after two more.
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0, buried: 0 });
    clock.now = new Date(clock.now.getTime() + 1_000);
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 1, buried: 0 });
    clock.now = new Date(clock.now.getTime() + 1_999);
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0, buried: 0 });
    clock.now = new Date(clock.now.getTime() + 1);
    expect(await engine.deliver()).toEqual({ delivered: 1, failed: 0, buried: 0 });

    expect(attempts).toEqual(['C-1:v1:0', 'C-1:v1:0', 'C-1:v1:0']);
    // At least once for everyone: the healthy listener hears the retries too, under the same id.
    expect(others).toEqual(['case.opened@C-1:v1:0', 'stage.entered@C-1:v1:1', 'case.opened@C-1:v1:0', 'case.opened@C-1:v1:0']);
    clock.now = new Date(clock.now.getTime() + 3_600_000);
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0, buried: 0 });
  });

  it('keeps delivering to the other listeners while one is broken', async () => {
    const { engine, heard } = setup();
    // Registered before the healthy listener of its type, and type listeners are called before '*'.
    engine.on('stage.entered', () => {
      throw new Error('always broken');
    });
    const stages: string[] = [];
    engine.on('stage.entered', (notification) => void stages.push(notification.stage));
    await openDecided(engine);
    await engine.deliver();
    expect(stages).toEqual(['decision', 'preparation']);
    expect(heard.map((h) => h.id)).toEqual(['C-1:v1:0', 'C-1:v1:1', 'C-1:v2:0']);
  });
});

describe('personal data stays in the event', () => {
  // Free text a host would send, each with a marker no view, notification or error may carry. People
  // are named only in `person.added`; every other event refers to them by id.
  const child = 'Zara MARKER-CHILD Okonjo';
  const parent = 'Patricia MARKER-PARENT Okonjo';
  const partner = 'Mr Tomasz MARKER-PARTNER Nowak, Head of Year 5';
  const leadProfessional = { name: 'Dev MARKER-LP Sharma', agency: 'MARKER-AGENCY Primary', contact: 'MARKER-CONTACT 01632 960 555' };
  const reason = 'MARKER-REASON: Zara disclosed that her stepfather hit her on Saturday.';
  const { child: childId, parent: parentId, partner: partnerId } = samplePeople;
  const lpId = samplePeople.leadProfessional.personId;

  it('never reaches an error message, error details, a delivered notification or an engine view', async () => {
    const { engine, heard } = setup();
    const views: unknown[] = [];
    const errors: StepDownError[] = [];
    const refused = async (promise: Promise<unknown>) => void errors.push(await rejection(promise));
    const t = (day: number, hour = 10) => `2024-05-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+01:00`;
    const [addChild, addParent, addPartner, addLp] = sampleFamilyAdded(t(1, 12));

    views.push(await engine.open(openRequest('C-PD')));
    const accepted = [
      { ...sampleEvent('decision.agreed', t(1, 11)), rationale: `${reason} ${child} is safe now.` },
      { ...addChild!, name: child },
      { ...addParent!, name: parent },
      { ...addPartner!, name: partner, agency: leadProfessional.agency },
      { ...addLp!, name: leadProfessional.name, agency: leadProfessional.agency },
      { ...sampleEvent('views.recorded', t(2)), personId: childId, summary: `${child} says: ${reason}` },
      { ...sampleEvent('views.recorded', t(2)), personId: parentId, summary: `${parent} agrees.` },
      { ...sampleEvent('consent.given', t(3)), personId: parentId, purpose: reason, informationShared: [`${child}'s school record`] },
      { ...sampleEvent('disagreement.raised', t(3)), personId: partnerId, reason },
      { ...sampleEvent('leadProfessional.agreed', t(7)), personId: lpId, contact: leadProfessional.contact },
    ];
    for (const event of accepted) views.push(await engine.send('C-PD', event));

    const finalMeeting = {
      ...sampleEvent('finalMeeting.held', t(9)),
      otherAttendees: [partner],
      views: { child: reason, parents: parent, partners: partner },
    };
    await refused(engine.send('C-PD', { ...sampleEvent('consent.refused', t(8)), personId: parentId, reason }, { expectedVersion: 1 }));
    await refused(engine.send('C-PD', { ...sampleEvent('consent.refused', t(8), { role: 'caf-link-worker' }), personId: parentId, reason }));
    await refused(engine.send('C-PD', { ...sampleEvent('stepUp.referred', t(8)), reason }));
    await refused(engine.send('C-PD', finalMeeting));
    await refused(engine.send('C-PD', { ...sampleEvent('views.recorded', t(9)), personId: partnerId, summary: reason, agrees: `yes, ${child}` } as never));
    await refused(engine.send('C-PD', { ...sampleEvent('views.recorded', '2024-05-09T10:00:00'), personId: partnerId, summary: reason }));
    await refused(engine.send('C-PD', { ...sampleEvent('stepUp.referred', t(9)), type: `referral for ${child}`, reason } as never));
    await refused(engine.send('C-PD', { ...sampleEvent('disagreement.resolved', t(9)), disagreementId: 'D-9', summary: reason }));
    // A name where an id belongs: refused by the shape of an id, and the name is not repeated.
    await refused(engine.send('C-PD', { ...sampleEvent('views.recorded', t(9)), personId: partner, summary: reason }));
    await refused(engine.open({ ...openRequest('C-PD-2'), route: child as never, at: parent }));
    await refused(engine.open(openRequest(child)));
    const explained = await engine.explain('C-PD', finalMeeting);

    views.push(await engine.tick('2024-05-14T09:00:00+01:00'));
    views.push(await engine.get('C-PD'));
    views.push(await engine.send('C-PD', { ...sampleEvent('stepDown.withdrawn', t(15)), reason }));

    expect(errors.map((e) => e.code)).toEqual([
      'VERSION_CONFLICT',
      'NOT_ALLOWED',
      'EVENT_NOT_ACCEPTED',
      'GATE_BLOCKED',
      'INVALID_EVENT',
      'INVALID_EVENT',
      'INVALID_EVENT',
      'GATE_BLOCKED',
      'INVALID_EVENT',
      'INVALID_INPUT',
      'INVALID_INPUT',
    ]);
    expect(errors[8]!.details).toMatchObject({ issues: [expect.objectContaining({ path: 'personId' })] });
    expect(errors[10]!.message).toContain('caseId:');
    while ((await engine.deliver()).delivered > 0);
    expect(heard.map((h) => h.notification.type)).toEqual(expect.arrayContaining(['event.refused', 'deadline.opened', 'breach.recorded', 'outcome.reached']));

    const outputs: [string, string][] = [
      ...errors.map((e, i): [string, string] => [`error ${i} (${e.code})`, `${e.message} ${String(e)} ${JSON.stringify(e.details)} ${JSON.stringify(e)}`]),
      ...heard.map((h): [string, string] => [`notification ${h.id}`, `${h.id} ${JSON.stringify(h.notification)}`]),
      ...views.map((v, i): [string, string] => [`view ${i}`, JSON.stringify(v)]),
      ['explain', JSON.stringify(explained)],
    ];
    expect(outputs.filter(([, text]) => text.includes('MARKER')).map(([where]) => where)).toEqual([]);

    // The control: the markers were sent, and are kept where they belong, in the audited events.
    const trail = JSON.stringify(await engine.history('C-PD'));
    for (const marker of ['MARKER-CHILD', 'MARKER-PARENT', 'MARKER-PARTNER', 'MARKER-LP', 'MARKER-AGENCY', 'MARKER-CONTACT', 'MARKER-REASON']) {
      expect(trail).toContain(marker);
    }
    // …except for an invalid event, whose raw input (its unknown type included) is not kept.
    expect(trail).not.toContain('referral for');
  });
});
