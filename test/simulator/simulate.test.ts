import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStore } from '../../adapters/file.js';
import { memoryStore } from '../../adapters/memory.js';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { createCaseEngine, verifyAuditTrail } from '../../src/index.js';
import { StepDownError } from '../../src/errors.js';
import {
  formatTimeline,
  parseScenario,
  resolveScenario,
  scenarioPeople,
  simulate,
  type Scenario,
} from '../../src/simulator/index.js';
import { fictionalFamily, fixtureActors } from '../../src/testing/index.js';

/** The opening steps every small scenario here shares: a case in preparation with all it needs. */
const prepared = [
  { at: '2024-09-02', as: 'team-manager', event: 'decision.agreed' },
  { at: '2024-09-04', as: 'social-worker', event: 'views.recorded', payload: { personId: 'child-1' } },
  { at: '2024-09-04', as: 'social-worker', event: 'views.recorded', payload: { personId: 'carer-1' } },
  { at: '2024-09-04', as: 'social-worker', event: 'views.recorded', payload: { personId: 'partner-1' } },
  { at: '2024-09-04', as: 'social-worker', event: 'views.recorded', payload: { personId: 'lp-1' } },
  { at: '2024-09-05', as: 'social-worker', event: 'consent.given' },
  { at: '2024-09-06', as: 'social-worker', event: 'leadProfessional.agreed' },
] as const;

function scenario(steps: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}): Scenario {
  return { name: 'unit', description: 'A scenario for a unit test.', route: 'cin-outcome', openedAt: '2024-09-02', steps, ...extra } as Scenario;
}

describe('simulate', () => {
  it('reports an expectation not met, with its step and line, and carries on', async () => {
    const text = JSON.stringify(scenario([...prepared, { at: '2024-09-06', tick: true, expect: { stage: 'closure' } }], { expect: { outcome: 'caf-closed' } }), null, 2);
    const { scenario: parsed, source } = parseScenario(text, 'unit.json');
    const result = await simulate(parsed, { source });
    expect(result.completed).toBe(true);
    expect(result.passed).toBe(false);
    const tickLine = source.stepLines[7]!;
    expect(result.failures).toEqual([
      { step: 8, line: tickLine, message: `step 8 (line ${tickLine}): expected stage closure, got preparation` },
      { step: null, line: source.expectLine, message: `at the end (expect, line ${source.expectLine}): expected outcome caf-closed, got none (still open)` },
    ]);
    expect(result.timeline.at(-1)!.failures).toHaveLength(1);
  });

  it('stops at a step refused without the scenario expecting it, saying why', async () => {
    const result = await simulate(
      scenario([
        prepared[0],
        { at: '2024-09-10', as: 'social-worker', event: 'finalMeeting.held' },
        { at: '2024-09-11', as: 'social-worker', event: 'eCaf.referralCompleted' },
      ]),
    );
    expect(result.completed).toBe(false);
    expect(result.passed).toBe(false);
    // The opening, the family's four people, and the two steps the run got to.
    expect(result.timeline.map((e) => [e.step, e.what, ...e.about])).toEqual([
      [0, 'case.opened'],
      [0, 'person.added', 'child-1'],
      [0, 'person.added', 'carer-1'],
      [0, 'person.added', 'partner-1'],
      [0, 'person.added', 'lp-1'],
      [1, 'decision.agreed'],
      [2, 'finalMeeting.held'],
    ]);
    expect(result.timeline.at(-1)!.refusal).toMatchObject({ code: 'GATE_BLOCKED', expected: false });
    expect(result.failures[0]!.message).toMatch(
      /^step 2: finalMeeting\.held was refused with GATE_BLOCKED: views-recorded \(views not yet recorded for person\(s\): child-1, carer-1, partner-1, lp-1\.\); informed-consent/,
    );
  });

  it('counts an expected refusal that does not come, or comes with another code, as a failure and carries on', async () => {
    const result = await simulate(
      scenario([
        { ...prepared[0], expectRefusal: 'GATE_BLOCKED' },
        { at: '2024-09-04', as: 'team-manager', event: 'views.recorded', expectRefusal: 'GATE_BLOCKED' },
        { at: '2024-09-04', as: 'social-worker', event: 'views.recorded', payload: { personId: 'child-1' } },
      ]),
    );
    expect(result.completed).toBe(true);
    expect(result.failures.map((f) => f.message)).toEqual([
      'step 1: decision.agreed was accepted, but the scenario expected GATE_BLOCKED',
      'step 2: views.recorded was refused with NOT_ALLOWED: division-of-duties (\'views.recorded\' is for social-worker, not team-manager.), but the scenario expected GATE_BLOCKED',
    ]);
    expect(result.timeline.at(-1)!.refusal).toBeNull();
  });

  it('checks the rules an expected refusal names', async () => {
    const result = await simulate(
      scenario([prepared[0], { at: '2024-09-10', as: 'social-worker', event: 'finalMeeting.held', expectRefusal: 'GATE_BLOCKED', expectRefusalRules: ['no-open-disagreement'] }]),
    );
    expect(result.timeline.at(-1)!.refusal!.expected).toBe(false);
    expect(result.failures[0]!.message).toContain('but the scenario expected GATE_BLOCKED naming no-open-disagreement');
  });

  it('lets a scenario send an invalid event and expect INVALID_EVENT, without echoing the payload', async () => {
    const result = await simulate(
      scenario([{ ...prepared[0], payload: { rationale: '   ' }, expectRefusal: 'INVALID_EVENT' }, prepared[0]]),
    );
    expect(result.passed).toBe(true);
    expect(result.timeline.find((e) => e.step === 1)!.refusal).toEqual({ code: 'INVALID_EVENT', rules: [], expected: true });
  });

  it('keeps names, views and reasons out of the timeline: ids, roles, rule ids and dates only', async () => {
    const runs = await Promise.all(
      ['partner-disagrees-withdrawn', 'step-up', 'review-missed-over-christmas'].map(async (name) => {
        const { scenario: s, source } = await resolveScenario(name);
        return simulate(s, { source });
      }),
    );
    const text = runs.map((r) => `${JSON.stringify(r)}\n${formatTimeline(r, { ids: true })}\n${formatTimeline(r)}`).join('\n');
    const { child, parent, partner, leadProfessional, socialWorker } = fictionalFamily;
    const names = [child.name, parent.name, partner.name, leadProfessional.name, socialWorker];
    // Names, then words of the default payloads and of the scenarios' own payloads.
    for (const words of [...names, 'Example', 'Riverside', 'Hilltop', 'Morgan', 'one more review', 'health visitor does not agree', 'CIN plan continues']) {
      expect(text.toLowerCase()).not.toContain(words.toLowerCase());
    }
    // People are there, by id.
    expect(text).toContain('views.recorded partner-1');
    expect(text).toContain('disagreement.raised partner-1 D-1');
    expect(text).toContain('Disagreement raised (partner-1, D-1)');
  });

  it('sends the testing kit’s defaults for its one fictional family, following the case as it goes', async () => {
    const store = memoryStore();
    const result = await simulate(
      scenario([
        prepared[0],
        // No person given: each view is the next person's without one, as in the testing kit.
        ...[1, 2, 3, 4].map(() => ({ at: '2024-09-04', as: 'social-worker', event: 'views.recorded' })),
        { at: '2024-09-04', as: 'social-worker', event: 'disagreement.raised', payload: { personId: 'carer-1' } },
        { at: '2024-09-05', as: 'social-worker', event: 'disagreement.raised' },
      ]),
      { store },
    );
    expect(result.passed).toBe(true);
    const trail = await createCaseEngine({ store }).history('sim-unit');
    const events = trail.map((e) => e.event as Record<string, unknown>);
    expect(events.filter((e) => e.type === 'person.added').map((e) => [e.personId, e.name, e.eventId])).toEqual([
      ['child-1', fictionalFamily.child.name, 'person-child-1'],
      ['carer-1', fictionalFamily.parent.name, 'person-carer-1'],
      ['partner-1', fictionalFamily.partner.name, 'person-partner-1'],
      ['lp-1', fictionalFamily.leadProfessional.name, 'person-lp-1'],
    ]);
    expect(events.filter((e) => e.type === 'views.recorded').map((e) => [e.personId, e.eventId])).toEqual([
      ['child-1', 'step-2'],
      ['carer-1', 'step-3'],
      ['partner-1', 'step-4'],
      ['lp-1', 'step-5'],
    ]);
    expect(events.filter((e) => e.type === 'disagreement.raised').map((e) => [e.disagreementId, e.personId])).toEqual([
      ['D-1', 'carer-1'],
      ['D-2', 'partner-1'],
    ]);
    expect(new Set(trail.map((e) => e.actor?.id))).toEqual(new Set([fixtureActors['team-manager'].id, fixtureActors['social-worker'].id]));
  });

  it('runs on a file store and leaves the case there, its audit trail intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'caf-sim-'));
    try {
      const { scenario: s, source } = await resolveScenario('initial-meeting-held-late');
      const inMemory = await simulate(s, { source });
      const onFile = await simulate(s, { source, store: fileStore({ directory: dir }) });
      expect(onFile.passed).toBe(true);
      expect(onFile.timeline).toEqual(inMemory.timeline);
      const engine = createCaseEngine({ store: fileStore({ directory: dir }) });
      const view = await engine.get('sim-initial-meeting-held-late');
      expect(view.outcome).toBe('caf-closed');
      expect(verifyAuditTrail(await engine.history('sim-initial-meeting-held-late')).ok).toBe(true);
      // Run again into the same store: the case id is taken, and nothing is written.
      const entries = (await engine.history('sim-initial-meeting-held-late')).length;
      await expect(simulate(s, { store: fileStore({ directory: dir }) })).rejects.toMatchObject({ code: 'CASE_EXISTS' });
      expect((await engine.history('sim-initial-meeting-held-late')).length).toBe(entries);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000); // every write is flushed to disk: slower than memory

  describe('on PostgreSQL (PGlite)', () => {
    const db = new PGlite();
    afterAll(async () => db.close());

    it('gives the same timeline as in memory', async () => {
      await migrate(db, 'sim');
      const { scenario: s, source } = await resolveScenario('review-missed-over-christmas');
      const onPostgres = await simulate(s, { source, store: postgresStore({ client: db, tablePrefix: 'sim' }) });
      const inMemory = await simulate(s, { source });
      expect(onPostgres.passed).toBe(true);
      expect(onPostgres.timeline).toEqual(inMemory.timeline);
    }, 120_000); // PGlite starts PostgreSQL in WebAssembly: seconds, not milliseconds
  });

  it('never ticks another case in the store, nor takes its notifications from the outbox', async () => {
    const store = memoryStore();
    const host = createCaseEngine({ store });
    // Another case with a disagreement overdue since November 2024.
    await host.open({ caseId: 'OTHER', route: 'cin-outcome', at: '2024-11-01T10:00:00Z', actor: { id: 'tm', role: 'team-manager' } });
    await host.send('OTHER', { type: 'decision.agreed', at: '2024-11-01T10:00:00Z', actor: { id: 'tm', role: 'team-manager' }, rationale: 'Threshold no longer met.' });
    await host.send('OTHER', {
      type: 'person.added',
      at: '2024-11-01T10:00:00Z',
      actor: { id: 'sw', role: 'social-worker' },
      personId: 'p-1',
      relationship: 'parent-carer',
      name: 'A parent',
    });
    await host.send('OTHER', {
      type: 'disagreement.raised',
      at: '2024-11-04T10:00:00Z',
      actor: { id: 'sw', role: 'social-worker' },
      disagreementId: 'D-1',
      personId: 'p-1',
      reason: 'Not ready.',
    });
    const before = await store.load('OTHER');
    const queued = await store.claimOutbox(0, 1000, 0);

    const { scenario: s, source } = await resolveScenario('review-missed-over-christmas');
    const result = await simulate(s, { source, store });
    expect(result.passed).toBe(true);

    const after = await store.load('OTHER');
    expect(after).toEqual(before);
    expect((await host.get('OTHER')).breaches).toEqual([]);
    // The other case's messages are still there for whoever delivers this store's notifications.
    const stillQueued = (await store.claimOutbox(Number.MAX_SAFE_INTEGER, 1000, 0)).filter((m) => m.caseId === 'OTHER');
    expect(stillQueued.map((m) => m.id).sort()).toEqual(queued.filter((m) => m.caseId === 'OTHER').map((m) => m.id).sort());
  });

  it('opens the case with the people a scenario declares, or none, and names them by id', async () => {
    const declared = await simulate(
      scenario(
        [prepared[0], { at: '2024-09-04', as: 'social-worker', event: 'views.recorded', payload: { personId: 'gran' } }],
        { people: [{ id: 'c-1', relationship: 'child' }, { id: 'gran', relationship: 'family-member', name: 'A fictional grandmother' }] },
      ),
    );
    expect(declared.passed).toBe(true);
    expect(declared.timeline.map((e) => [e.step, e.what, e.eventId, ...e.about])).toEqual([
      [0, 'case.opened', null],
      [0, 'person.added', 'person-c-1', 'c-1'],
      [0, 'person.added', 'person-gran', 'gran'],
      [1, 'decision.agreed', 'step-1'],
      [2, 'views.recorded', 'step-2', 'gran'],
    ]);
    expect(JSON.stringify(declared)).not.toContain('grandmother');
    // No one on the case: a view of the family's child is refused by rule people-on-record.
    const empty = await simulate(
      scenario([prepared[0], { ...prepared[1], expectRefusal: 'GATE_BLOCKED', expectRefusalRules: ['people-on-record'] }], { people: [] }),
    );
    expect(empty.passed).toBe(true);
    expect(empty.timeline.filter((e) => e.what === 'person.added')).toEqual([]);
  });

  it('runs the engine on the scenario’s clock: a step recorded later keeps both dates, one dated after its recording is FUTURE_DATED', async () => {
    const result = await simulate(
      scenario([
        prepared[0],
        { at: '2024-09-03', recordedAt: '2024-09-10', as: 'team-manager', event: 'stepDown.withdrawn' },
        { at: '2024-09-12', recordedAt: '2024-09-11', as: 'social-worker', event: 'views.recorded', expectRefusal: 'FUTURE_DATED' },
      ]),
    );
    const [withdrawn, future] = result.timeline.slice(-2);
    expect(withdrawn).toMatchObject({ date: '2024-09-03', recordedOn: '2024-09-10', outcome: 'remains-with-csc' });
    expect(future).toMatchObject({ date: '2024-09-12', recordedOn: '2024-09-11', refusal: { code: 'FUTURE_DATED', expected: true } });
    expect(result.failures).toEqual([]);
    expect(formatTimeline(result, { ids: true })).toContain('                 recorded            2024-09-10 (dated 2024-09-03)');
    expect(formatTimeline(result)).toContain('Recorded on 10 Sep 2024, though it happened on 3 Sep 2024');
  });

  it('takes a resend as unchanged, shows what a void took out, and reports a voided expectation not met', async () => {
    const result = await simulate(
      scenario([
        { ...prepared[0], eventId: 'd-1' },
        { ...prepared[0], eventId: 'd-1', expect: { voided: ['d-1'] } },
        { ...prepared[1], eventId: 'v-1' },
        { at: '2024-09-05', as: 'social-worker', event: 'event.voided', payload: { voidedEventId: 'v-1', reason: 'Wrong child.' }, expect: { voided: ['v-1'] } },
        { at: '2024-09-05', as: 'social-worker', event: 'event.voided', payload: { voidedEventId: 'nope-1', reason: 'Wrong child.' }, expectRefusal: 'UNKNOWN_EVENT' },
      ]),
    );
    expect(result.timeline.filter((e) => e.eventId === 'd-1').map((e) => e.resent)).toEqual([false, true]);
    expect(formatTimeline(result, { ids: true })).toContain('decision.agreed                     unchanged (a resend)');
    expect(formatTimeline(result)).toMatch(/Step down agreed in supervision +unchanged \(sent again\)/);
    expect(result.failures.map((f) => f.message)).toEqual(['step 2: expected voided events d-1, got none']);
    const voided = result.timeline.find((e) => e.what === 'event.voided' && !e.refusal)!;
    expect(voided).toMatchObject({ about: ['v-1'], voided: [{ eventId: 'v-1', type: 'views.recorded' }] });
    expect(result.final.voided).toEqual([{ eventId: 'v-1', type: 'views.recorded', voidedBy: 'step-4' }]);
  });

  it('checks the steps a case waits for, with who takes them and when they fall due', async () => {
    const result = await simulate(
      scenario([...prepared], {
        expect: {
          pending: [
            { step: 'finalMeeting.held', role: 'social-worker' },
            { step: 'finalMeeting.held', role: 'team-manager' },
          ],
        },
      }),
    );
    expect(result.failures.map((f) => f.message)).toEqual([
      'at the end: expected the case to be waiting for finalMeeting.held (team-manager); it waits for finalMeeting.held social-worker',
    ]);
  });

  it('runs a family scenario on a file store as in memory: one shared record for both children, all or nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'caf-sim-family-'));
    try {
      const { scenario: s, source } = await resolveScenario('siblings-step-down-together');
      const inMemory = await simulate(s, { source });
      const onFile = await simulate(s, { source, store: fileStore({ directory: dir }) });
      expect(onFile.failures).toEqual([]);
      expect(onFile.timeline).toEqual(inMemory.timeline);
      const engine = createCaseEngine({ store: fileStore({ directory: dir }) });
      const family = await engine.family('fam-sibs-1');
      expect(family.map((v) => [v.caseId, v.familyId, v.outcome])).toEqual([
        ['sim-siblings-step-down-together-older', 'fam-sibs-1', 'caf-closed'],
        ['sim-siblings-step-down-together-younger', 'fam-sibs-1', 'caf-closed'],
      ]);
      // The shared initial meeting is one event, with one id, in each child's trail; the refused
      // one of 27 March is audited on the case that refused it and written to neither.
      for (const view of family) {
        const trail = await engine.history(view.caseId);
        expect(verifyAuditTrail(trail).ok).toBe(true);
        const meetings = trail.filter((e) => e.type === 'familyPlanMeeting.held');
        expect(meetings.map((e) => [e.at, e.accepted])).toEqual(
          view.caseId.endsWith('younger')
            ? [['2025-03-27T10:00:00+00:00', false], ['2025-04-10T10:00:00+01:00', true], ['2025-05-29T10:00:00+01:00', true], ['2025-07-17T10:00:00+01:00', true]]
            : [['2025-04-10T10:00:00+01:00', true], ['2025-05-29T10:00:00+01:00', true], ['2025-07-17T10:00:00+01:00', true]],
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000); // two cases, every write flushed to disk

  it("runs a family scenario again under another case id: its shared steps reach only its own run's cases", async () => {
    const store = memoryStore();
    const { scenario: s, source } = await resolveScenario('siblings-step-down-together');
    const first = await simulate(s, { source, store });
    const before = await Promise.all(first.scenario.cases.map((c) => store.load(c.caseId)));
    const second = await simulate(s, { source, store, caseId: 'RUN-2' });
    expect(second.passed).toBe(true);
    expect(second.scenario.cases.map((c) => c.caseId)).toEqual(['RUN-2-older', 'RUN-2-younger']);
    expect(await Promise.all(first.scenario.cases.map((c) => store.load(c.caseId)))).toEqual(before);
    expect(await store.familyCases('fam-sibs-1')).toHaveLength(4);
  }, 120_000);

  it('runs as the case id it is given', async () => {
    const result = await simulate(scenario([prepared[0]], { caseId: 'FROM-FILE' }), { caseId: 'FROM-OPTION' });
    expect(result.scenario.caseId).toBe('FROM-OPTION');
    expect((await simulate(scenario([prepared[0]], { caseId: 'FROM-FILE' }))).scenario.caseId).toBe('FROM-FILE');
    expect((await simulate(scenario([prepared[0]]))).scenario.caseId).toBe('sim-unit');
  });

  it('lets a store failure through as STORE_FAILURE rather than as a refusal', async () => {
    const store = memoryStore();
    const failing = { ...store, save: async () => Promise.reject(new Error('disk full')) };
    await expect(simulate(scenario([prepared[0]]), { store: failing })).rejects.toSatisfy(
      (error: unknown) => error instanceof StepDownError && error.code === 'STORE_FAILURE',
    );
  });

  it('validates a scenario given as an object before running it', async () => {
    await expect(simulate({ ...scenario([prepared[0]]), route: 'sideways' } as unknown as Scenario)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('route: expected one of cin-outcome, cp-outcome, ten-day-checkpoint'),
    });
  });
});

describe('formatTimeline', () => {
  it('speaks plain English by default: roles, what happened and whose, deadlines and breaches in words, citations in full', async () => {
    const { scenario: s, source } = await resolveScenario('review-missed-over-christmas');
    const result = await simulate(s, { source });
    const lines = formatTimeline(result, { people: scenarioPeople(s) }).split('\n');
    const row = (step: number, date: string, who: string, what: string, stage: string) =>
      `${String(step).padStart(3)}  ${date.padEnd(11)}  ${who.padEnd(30)}  ${what.padEnd(46)}  ${stage}`;
    const under = (text: string) => `${' '.repeat(3 + 2 + 11 + 2 + 30 + 2)}${text}`;
    expect(lines).toContain(`${'#'.padStart(3)}  ${'date'.padEnd(11)}  ${'who'.padEnd(30)}  ${'what happened'.padEnd(46)}  stage after`);
    expect(lines).toContain(row(0, '1 Jul 2024', 'Team Manager', 'Step down case opened', 'Decision'));
    expect(lines).toContain(row(3, '3 Jul 2024', 'Social Worker', "Parent/carer's view recorded (carer-1)", 'Preparation'));
    expect(lines).toContain(row(4, '3 Jul 2024', 'Social Worker', "Partner agency's view recorded (partner-1)", 'Preparation'));
    expect(lines).toContain(row(15, '18 Jul 2024', 'Social Worker', "Case closed to Children's Social Care", 'Early Help under the CAF'));
    expect(lines).toContain(row(22, '27 Dec 2024', 'Deadline check (automatic)', 'Deadlines checked', 'Early Help under the CAF'));
    expect(lines).toContain(under('Deadline missed: Family plan review 3, due 26 Dec 2024'));
    expect(lines).toContain(under('BREACH: Family plan review held late, due 26 Dec 2024, found 27 Dec 2024'));
    expect(lines).toContain(under("  Practice guidance, 'Role of the Lead Professional', paragraph 2"));
    expect(lines).toContain(under('Deadline set: Family plan review 3, due 26 Dec 2024 (the 6 to 8 week window opens 12 Dec 2024)'));
    expect(lines).toContain(under('Deadline met late: Family plan review 3, due 26 Dec 2024'));
    expect(lines).toContain('Outcome: CAF closed: plan met · stage Closed');
    expect(lines).toContain('Result: as the scenario expects.');
    // No event type, rule id or house citation: those are the developer's view (--ids).
    const text = lines.join('\n');
    expect(text).not.toMatch(/\b[a-z]+[A-Z]?[a-z]*\.[a-z][A-Za-z]+\b(?! )/);
    expect(text).not.toMatch(/family-plan-review|¶|views\.recorded|clock\.tick/);
    // Without the people, a view is still a view, only not whose.
    expect(formatTimeline(result)).toContain('View on the step down recorded (carer-1)');

    const refused = formatTimeline(await simulate((await resolveScenario('step-up')).scenario));
    expect(refused).toContain(under('Refused, as the scenario expects, not a step for this role (NOT_ALLOWED): Each step taken by the right role'));
  });

  it('with ids, shows per step the date, who, what and stage, with deadlines, breaches and refusals under it', async () => {
    const { scenario: s, source } = await resolveScenario('review-missed-over-christmas');
    const text = formatTimeline(await simulate(s, { source }), { ids: true });
    const lines = text.split('\n');
    expect(lines).toContain('  #  date        who                 what                                stage');
    expect(lines).toContain(' 22  2024-12-27  system              clock.tick                          early-help');
    expect(lines).toContain('  0  2024-07-01  social-worker       person.added carer-1                decision');
    expect(lines).toContain('  6  2024-07-04  social-worker       consent.given carer-1               preparation');
    expect(lines).toContain(' 21  2024-12-23  system              clock.tick                          early-help');
    expect(lines).toContain('                 missed              family-plan-review:3 due 2024-12-26');
    expect(lines).toContain('                 BREACH              family-plan-review: due 2024-12-26, found 2024-12-27 — G "Role of the Lead Professional" ¶2');
    expect(lines).toContain('                 opened              family-plan-review:3 due 2024-12-26 (window opens 2024-12-12)');
    expect(lines).toContain('                 met late            family-plan-review:3 due 2024-12-26');
    expect(lines).toContain('Outcome: caf-closed · stage closed');
    expect(lines).toContain('Result: as the scenario expects.');

    const refused = formatTimeline(await simulate((await resolveScenario('step-up')).scenario), { ids: true });
    expect(refused).toContain('stepUp.referred                     unchanged\n                 refused, expected   NOT_ALLOWED: division-of-duties');
  });

  it("shows a family's cases by key: a shared step on a line per child, who refused it, and each case's outcome", async () => {
    const { scenario: s, source } = await resolveScenario('siblings-step-down-together');
    const lines = formatTimeline(await simulate(s, { source }), { ids: true }).split('\n');
    expect(lines).toContain(
      'Family fam-sibs-1: older (case sim-siblings-step-down-together-older), younger (case sim-siblings-step-down-together-younger) · route cin-outcome · bank holidays of england-and-wales',
    );
    expect(lines).toContain('  8  2025-03-13  social-worker       older: finalMeeting.held            closure');
    expect(lines).toContain('  8  2025-03-13  social-worker       younger: finalMeeting.held          closure');
    expect(lines.filter((l) => l.includes('refused by case younger (EVENT_NOT_ACCEPTED), so taken by none of the family'))).toHaveLength(2);
    expect(lines).toContain('                 met                 first-family-plan-meeting due 2025-04-30');
    expect(lines).toContain('Case younger (sim-siblings-step-down-together-younger):');
    expect(lines).toContain('  Outcome: caf-closed · stage closed');
    // Ids only: the siblings' names (given in the file) never appear.
    expect(lines.join('\n')).not.toMatch(/Sky|Robin/);
  }, 60_000);
});
