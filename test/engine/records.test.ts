import { describe, expect, it } from 'vitest';
import { createCaseEngine, type CaseEngine, type CaseView, type EngineEvent, type EventOf } from '../../src/index.js';
import { personAdded, sampleActionIds, sampleFamilyAdded, samplePeople, sampleRecipients } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { rejection } from './rejection.js';
import { everyDeadline } from './every-deadline.js';

// Issue 9, "Records that tell the truth", through the engine: event identity, corrections by void,
// no silent no-ops, dates checked against the facts they rest on and against the engine's clock, and
// breaches that are withdrawn when a later record shows they were not breaches. Real dates: a CIN
// step down in spring 2024 (the clocks went forward on Sunday 31 March; Easter Monday 1 April and the
// early May bank holiday 6 May are not working days).

const { teamManager: tm, socialWorker: sw, cafLinkWorker: clw, leadProfessionalActor: lp } = samplePeople;
const lpId = samplePeople.leadProfessional.personId;
const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));
const meetingAt = '2024-03-14T10:00:00Z';
const firstDate = '2024-04-10';

/** An engine whose clock the test sets, with every notification heard. */
function setup(nowIso = '2024-12-31T12:00:00Z') {
  const clock = { now: new Date(nowIso) };
  const engine = createCaseEngine({ now: () => clock.now });
  const heard: EngineEvent[] = [];
  engine.on('*', (notification) => void heard.push(notification));
  return { engine, clock, heard };
}

/** Opens a CIN case and takes it, with the sample family, to the final meeting (held 14 March 2024). */
async function toClosure(engine: CaseEngine, caseId = 'C-1', first = firstDate): Promise<CaseView> {
  await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
  const steps = [
    event('decision.agreed', '2024-03-05T10:00:00Z'),
    ...sampleFamilyAdded('2024-03-05T11:00:00Z'),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.child, eventId: 'view-leo' }),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.parent, eventId: 'view-sarah' }),
    event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.partner, eventId: 'view-helen' }),
    event('consent.given', '2024-03-07T11:00:00Z', { personId: samplePeople.parent, eventId: 'consent-sarah' }),
    event('leadProfessional.agreed', '2024-03-08T11:00:00Z', { personId: lpId, eventId: 'lp-jo' }),
    event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: first, eventId: 'final-meeting' }),
  ];
  let view: CaseView | undefined;
  for (const step of steps) view = await engine.send(caseId, step);
  return view!;
}

/** From the final meeting through the closure steps, to the CSC closure dated `closedAt`. */
async function closeToCsc(engine: CaseEngine, closedAt: string, caseId = 'C-1'): Promise<CaseView> {
  const form = { ...event('eCaf.referralCompleted', closedAt).form, firstFamilyPlanMeetingDate: firstDate };
  const steps = [
    event('eCaf.referralCompleted', closedAt, { form }),
    event('transferDetails.completed', closedAt),
    event('closureSummary.completed', closedAt),
    event('fileReview.completed', closedAt),
    event('stepDown.authorised', closedAt),
    event('documents.shared', closedAt, { recipients: [...sampleRecipients] }),
    event('csc.closed', closedAt, { eventId: 'csc-closed' }),
  ];
  let view: CaseView | undefined;
  for (const step of steps) view = await engine.send(caseId, step);
  return view!;
}

describe('event identity: a resend changes nothing, a clash is refused', () => {
  it('gives an event without an id one, returns it, and keeps it in the trail', async () => {
    const { engine } = setup();
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    const view = await engine.send('C-1', event('decision.agreed', '2024-03-05T10:00:00Z'));
    expect(view.eventId).toMatch(/^[0-9a-f-]{36}$/);
    const entry = (await engine.history('C-1')).at(-1)!;
    expect(entry.event).toMatchObject({ eventId: view.eventId, recordedAt: '2024-12-31T12:00:00.000Z' });
  });

  it('a resend with the same eventId and content returns the case unchanged, writes nothing and notifies no one', async () => {
    const { engine, heard } = setup();
    await toClosure(engine);
    const trail = await engine.history('C-1');
    await engine.deliver();
    const before = heard.length;
    // The host's retry arrives a second later: its recordedAt differs, its content does not.
    const again = await engine.send('C-1', event('consent.given', '2024-03-07T11:00:00Z', { personId: samplePeople.parent, eventId: 'consent-sarah' }));
    expect(again.version).toBe(trail.at(-1)!.version);
    expect(again.eventId).toBe('consent-sarah');
    expect(await engine.history('C-1')).toEqual(trail);
    await engine.deliver();
    expect(heard.length).toBe(before);
  });

  it('the same eventId with other content is DUPLICATE_EVENT, audited, and the case is unchanged', async () => {
    const { engine } = setup();
    await toClosure(engine);
    const before = await engine.get('C-1');
    const error = await rejection(
      engine.send('C-1', event('consent.given', '2024-03-08T11:00:00Z', { personId: samplePeople.parent, eventId: 'consent-sarah' })),
    );
    expect(error.code).toBe('DUPLICATE_EVENT');
    expect(error.details).toMatchObject({ eventId: 'consent-sarah', heldType: 'consent.given' });
    expect(error.message).toContain('event.voided');
    expect(await engine.get('C-1')).toEqual(before);
    expect((await engine.history('C-1')).at(-1)).toMatchObject({ accepted: false, errorCode: 'DUPLICATE_EVENT' });
  });
});

describe('no silent no-op: an accepted event changes the case (NO_EFFECT)', () => {
  it("a person's record updated to what it already says is refused NO_EFFECT, pointing to event.voided", async () => {
    const { engine } = setup();
    await toClosure(engine);
    const error = await rejection(
      engine.send('C-1', event('person.updated', '2024-03-15T10:00:00Z', { personId: samplePeople.parent, name: 'Sarah Taylor' })),
    );
    expect(error.code).toBe('NO_EFFECT');
    expect(error.message).toContain('event.voided');
    expect(error.message).not.toContain('Sarah');
  });

  it('a clock tick with nothing due changes nothing and is refused NO_EFFECT', async () => {
    const { engine } = setup();
    await toClosure(engine);
    const error = await rejection(engine.send('C-1', event('clock.tick', '2024-03-15T10:00:00Z')));
    expect(error.code).toBe('NO_EFFECT');
  });

  it("informed-consent: an older consent form typed after the carer's refusal is the record on file (recorded last), not ignored", async () => {
    const { engine } = setup();
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.send('C-1', event('decision.agreed', '2024-03-05T10:00:00Z'));
    for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send('C-1', added);
    await engine.send('C-1', event('consent.refused', '2024-03-10T10:00:00Z', { personId: samplePeople.parent, disagreementId: 'D-1' }));
    // The form she signed on 6 March, found and typed on 12 March: accepted and on file, not a silent no-op.
    const view = await engine.send('C-1', event('consent.given', '2024-03-06T10:00:00Z', { personId: samplePeople.parent }));
    expect(view.version).toBe(8);
    expect((await engine.history('C-1')).at(-1)).toMatchObject({ type: 'consent.given', accepted: true });
  });
});

describe('corrections by void (event.voided): recomputed, never rewritten', () => {
  it('voiding a Lead Professional agreed in error recomputes the case without it, keeps both entries, and notifies ids only', async () => {
    const { engine, heard } = setup();
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.send('C-1', event('decision.agreed', '2024-03-05T10:00:00Z'));
    for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send('C-1', added);
    // Helen Price was typed as the Lead Professional; Jo Patel agreed.
    await engine.send('C-1', event('leadProfessional.agreed', '2024-03-08T11:00:00Z', { personId: samplePeople.partner, eventId: 'lp-wrong' }));
    expect((await engine.get('C-1')).pending.map((p) => p.step)).not.toContain('leadProfessional.agreed');
    const voided = await engine.send('C-1', event('event.voided', '2024-03-09T09:00:00Z', { voidedEventId: 'lp-wrong', eventId: 'void-1' }));
    expect(voided.voided).toEqual([{ eventId: 'lp-wrong', type: 'leadProfessional.agreed', voidedBy: 'void-1' }]);
    expect(voided.pending).toContainEqual({ step: 'leadProfessional.agreed', role: 'social-worker', rule: 'lead-professional-identified' });
    const trail = await engine.history('C-1');
    expect(trail.filter((e) => e.type === 'leadProfessional.agreed')).toHaveLength(1);
    expect(trail.at(-1)).toMatchObject({ type: 'event.voided', accepted: true, version: voided.version });
    await engine.deliver();
    expect(heard).toContainEqual({
      type: 'event.voided', caseId: 'C-1', eventId: 'lp-wrong', eventType: 'leadProfessional.agreed', voidEventId: 'void-1', at: '2024-03-09T09:00:00Z',
    });
    // The corrected record, and the case rebuilds from its trail, void and all.
    await engine.send('C-1', event('leadProfessional.agreed', '2024-03-09T10:00:00Z', { personId: lpId }));
    expect((await engine.rebuild('C-1')).voided).toHaveLength(1);
  });

  it('a family plan meeting wrongly marked final is voided: the CAF is back under review and the final meeting can be held later', async () => {
    const { engine } = setup();
    await toClosure(engine);
    await closeToCsc(engine, '2024-03-21T16:00:00Z');
    await engine.send('C-1', event('ehm.authorised', '2024-03-25T10:00:00Z'));
    await engine.send('C-1', event('familyPlanMeeting.held', '2024-04-09T10:00:00+01:00', { kind: 'initial', actions: allOpen }));
    const met = sampleActionIds.map((id) => ({ id, status: 'met' as const }));
    const wrong = await engine.send('C-1', event('familyPlanMeeting.held', '2024-05-20T10:00:00+01:00', { kind: 'final', actions: met, eventId: 'fp-final' }));
    expect(wrong.states).toContain('underCaf.familyPlan.finalMeetingHeld');
    const after = await engine.send('C-1', event('event.voided', '2024-05-21T09:00:00+01:00', { actor: lp, voidedEventId: 'fp-final' }));
    expect(after.states).toContain('underCaf.familyPlan.reviewing');
    expect(after.deadlines.find((d) => d.id === 'family-plan-review:1')).toMatchObject({ status: 'open' });
    await engine.rebuild('C-1');
  });

  it('only the role that sent the event, or a Team Manager, may void it (division-of-duties)', async () => {
    const { engine } = setup();
    await toClosure(engine);
    await engine.send('C-1', { ...personAdded('gran', 'family-member', '2024-03-15T08:00:00Z'), eventId: 'gran' });
    const error = await rejection(engine.send('C-1', event('event.voided', '2024-03-15T09:00:00Z', { actor: clw, voidedEventId: 'gran' })));
    expect(error.code).toBe('NOT_ALLOWED');
    expect(error.message).toContain('social-worker');
    const byManager = await engine.send('C-1', event('event.voided', '2024-03-15T09:00:00Z', { actor: tm, voidedEventId: 'gran' }));
    expect(byManager.voided.map((v) => v.eventId)).toEqual(['gran']);
  });

  it('VOID_CONFLICT names the later events the void would leave refused, and changes nothing', async () => {
    const { engine } = setup();
    await toClosure(engine);
    const before = await engine.get('C-1');
    // Without Sarah's consent the final meeting (informed-consent) could not have been held.
    const error = await rejection(engine.send('C-1', event('event.voided', '2024-03-15T09:00:00Z', { voidedEventId: 'consent-sarah' })));
    expect(error.code).toBe('VOID_CONFLICT');
    expect(error.message).toContain('final-meeting');
    expect(error.details?.['conflicts']).toEqual([{ eventId: 'final-meeting', code: 'GATE_BLOCKED', rules: ['informed-consent'] }]);
    expect(await engine.get('C-1')).toEqual(before);
  });

  it('UNKNOWN_EVENT for an id the case does not hold; NO_EFFECT for one already voided; a tick cannot be voided', async () => {
    const { engine } = setup();
    await toClosure(engine);
    expect((await rejection(engine.send('C-1', event('event.voided', '2024-03-15T09:00:00Z', { voidedEventId: 'nope' })))).code).toBe('UNKNOWN_EVENT');
    await engine.send('C-1', { ...personAdded('gran', 'family-member', '2024-03-15T08:00:00Z'), eventId: 'gran' });
    await engine.send('C-1', event('event.voided', '2024-03-15T10:00:00Z', { voidedEventId: 'gran' }));
    expect((await rejection(engine.send('C-1', event('event.voided', '2024-03-15T11:00:00Z', { voidedEventId: 'gran' })))).code).toBe('NO_EFFECT');
    const tick = (await engine.send('C-1', event('person.added', '2024-03-16T08:00:00Z', personAdded('uncle', 'family-member', '2024-03-16T08:00:00Z'))));
    expect(tick.voided).toHaveLength(1);
  });

  it('first-meeting-date: a breach that rested on a voided entry goes, with breach.withdrawn (voided); the corrected record stands', async () => {
    const { engine, heard } = setup();
    // The first family plan meeting date typed as Saturday 20 April: beyond 28 days of the 14 March meeting.
    const wrong = await toClosure(engine, 'C-1', '2024-04-20');
    expect(wrong.breaches.map((b) => b.rule)).toEqual(['first-meeting-date']);
    const voided = await engine.send('C-1', event('event.voided', '2024-03-15T10:00:00Z', { voidedEventId: 'final-meeting' }));
    expect(voided.breaches).toEqual([]);
    expect(voided.stage).toBe('preparation');
    await engine.deliver();
    expect(heard).toContainEqual({
      type: 'breach.withdrawn', caseId: 'C-1', rule: 'first-meeting-date', deadlineId: 'first-meeting-date', at: '2024-03-15T10:00:00Z', reason: 'voided',
    });
    const corrected = await engine.send('C-1', event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstDate }));
    expect(corrected.breaches).toEqual([]);
    expect(corrected.stage).toBe('closure');
    await engine.rebuild('C-1');
  });
});

describe('dates that tell the truth (step-sequence, FUTURE_DATED)', () => {
  it('first-family-plan-meeting: the initial meeting held on its agreed date is recorded at that date after a CSC closure delayed by a return', async () => {
    const { engine } = setup();
    await toClosure(engine);
    // The Team Manager returned the closure; the case closed to CSC on Monday 15 April, after the
    // initial family plan meeting had been held on its agreed date, Wednesday 10 April.
    await engine.send('C-1', event('eCaf.referralCompleted', '2024-03-21T16:00:00Z', {
      form: { ...event('eCaf.referralCompleted', '2024-03-21T16:00:00Z').form, firstFamilyPlanMeetingDate: firstDate },
    }));
    await engine.send('C-1', event('transferDetails.completed', '2024-03-21T16:00:00Z'));
    await engine.send('C-1', event('closureSummary.completed', '2024-03-21T16:00:00Z'));
    await engine.send('C-1', event('fileReview.completed', '2024-03-22T10:00:00Z'));
    await engine.send('C-1', event('stepDown.returned', '2024-03-22T11:00:00Z'));
    await engine.send('C-1', event('closureSummary.completed', '2024-04-12T10:00:00+01:00'));
    await engine.send('C-1', event('fileReview.completed', '2024-04-15T09:00:00+01:00'));
    await engine.send('C-1', event('stepDown.authorised', '2024-04-15T10:00:00+01:00'));
    await engine.send('C-1', event('documents.shared', '2024-04-15T11:00:00+01:00', { recipients: [...sampleRecipients] }));
    await engine.send('C-1', event('csc.closed', '2024-04-15T12:00:00+01:00'));
    const view = await engine.send('C-1', event('familyPlanMeeting.held', '2024-04-10T10:00:00+01:00', { kind: 'initial', actions: allOpen }));
    expect((await everyDeadline(engine, 'C-1')).find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({ status: 'met', closedAt: '2024-04-10T10:00:00+01:00' });
    expect(view.breaches).toEqual([]);
    // Its 6–8 week review runs from the meeting's true date: day 56 is Wednesday 5 June.
    expect(view.deadlines.find((d) => d.id === 'family-plan-review:1')).toMatchObject({ due: '2024-06-05T23:59:59.999+01:00' });
  });

  it('step-sequence: documents may not be dated before the final meeting whose minutes they are', async () => {
    const { engine } = setup();
    await toClosure(engine);
    const error = await rejection(engine.send('C-1', event('eCaf.referralCompleted', '2024-03-13T16:00:00Z', {
      form: { ...event('eCaf.referralCompleted', '2024-03-13T16:00:00Z').form, firstFamilyPlanMeetingDate: firstDate },
    })));
    expect(error.code).toBe('GATE_BLOCKED');
    expect(error.details?.['rules']).toEqual([expect.objectContaining({ rule: 'step-sequence' })]);
  });

  it('FUTURE_DATED: an event dated after the engine clock plus its tolerance is refused and audited; within it, taken', async () => {
    const { engine } = setup('2024-03-05T10:00:00Z');
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    const error = await rejection(engine.send('C-1', event('decision.agreed', '2099-03-05T10:00:00Z')));
    expect(error.code).toBe('FUTURE_DATED');
    expect((await engine.history('C-1')).at(-1)).toMatchObject({ accepted: false, errorCode: 'FUTURE_DATED' });
    // Four minutes ahead of the engine's clock (a host's clock a little fast) is within the 5 minutes.
    expect((await engine.send('C-1', event('decision.agreed', '2024-03-05T10:04:00Z'))).stage).toBe('preparation');
    await expect(engine.tick('2024-03-06T10:00:00Z')).rejects.toMatchObject({ code: 'FUTURE_DATED' });
  });
});

describe('breaches an auditor can believe (DOMAIN "Time")', () => {
  it('first-family-plan-meeting: a breach a tick recorded is withdrawn when a step up dated before the due date is recorded', async () => {
    const { engine, heard } = setup();
    await toClosure(engine);
    await closeToCsc(engine, '2024-03-21T16:00:00Z');
    // Due at the end of Thursday 18 April (28 days after the CSC closure). The tick on Monday 22 April finds it missed.
    const ticked = await engine.tick('2024-04-22T07:00:00+01:00');
    // The initial meeting and the CAF Link Worker's contact that makes sure of it fall due together.
    expect(ticked.breaches).toBe(2);
    // The Lead Professional referred the case back to CSC on Tuesday 16 April, and records it now.
    const view = await engine.send('C-1', event('stepUp.referred', '2024-04-16T15:00:00+01:00', { actor: lp }));
    expect(view.outcome).toBe('stepped-up');
    expect(view.breaches).toEqual([]);
    expect((await everyDeadline(engine, 'C-1')).find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({
      status: 'cancelled',
      closedAt: '2024-04-16T15:00:00+01:00',
    });
    await engine.deliver();
    expect(heard).toContainEqual({
      type: 'breach.withdrawn', caseId: 'C-1', rule: 'first-family-plan-meeting', deadlineId: 'first-family-plan-meeting',
      at: '2024-04-16T15:00:00+01:00', reason: 'no-longer-needed',
    });
    await engine.rebuild('C-1');
  });

  it('a step recorded late but dated on time is met and keeps when it was recorded', async () => {
    const { engine, clock } = setup('2024-03-21T17:00:00Z');
    await toClosure(engine);
    await closeToCsc(engine, '2024-03-21T16:00:00Z');
    // Held on Wednesday 10 April; typed on Monday 22 April, after its due date (18 April).
    clock.now = new Date('2024-04-22T09:30:00+01:00');
    const view = await engine.send('C-1', event('familyPlanMeeting.held', '2024-04-10T10:00:00+01:00', { kind: 'initial', actions: allOpen }));
    expect((await everyDeadline(engine, 'C-1')).find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({
      status: 'met',
      closedAt: '2024-04-10T10:00:00+01:00',
      recordedAt: '2024-04-22T08:30:00.000Z',
      due: '2024-04-18T23:59:59.999+01:00',
    });
    expect(view.breaches).toEqual([]);
  });

  it('consent per carer: one carer refusing does not erase the consent of another (informed-consent)', async () => {
    const { engine } = setup();
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.send('C-1', event('decision.agreed', '2024-03-05T10:00:00Z'));
    for (const added of [...sampleFamilyAdded('2024-03-05T11:00:00Z'), personAdded('mark', 'parent-carer', '2024-03-05T11:00:00Z')]) {
      await engine.send('C-1', added);
    }
    for (const personId of [samplePeople.child, samplePeople.parent, samplePeople.partner, 'mark']) {
      await engine.send('C-1', event('views.recorded', '2024-03-07T10:00:00Z', { personId }));
    }
    await engine.send('C-1', event('leadProfessional.agreed', '2024-03-08T11:00:00Z', { personId: lpId }));
    await engine.send('C-1', event('consent.given', '2024-03-08T12:00:00Z', { personId: samplePeople.parent }));
    await engine.send('C-1', event('consent.refused', '2024-03-08T13:00:00Z', { personId: 'mark', disagreementId: 'D-mark' }));
    // Sarah's consent stands; Mark's refusal is a family disagreement the Team Manager must resolve first.
    const explained = await engine.explain('C-1', event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstDate }));
    expect(explained?.rules.map((r) => r.rule)).toEqual(['no-open-disagreement']);
    await engine.send('C-1', event('disagreement.resolved', '2024-03-12T10:00:00Z', { disagreementId: 'D-mark', outcome: 'agreed' }));
    const view = await engine.send('C-1', event('finalMeeting.held', meetingAt, { firstFamilyPlanMeetingDate: firstDate }));
    expect(view.stage).toBe('closure');
  });
});

describe('limits: a refusal never stores more than a record may hold', () => {
  it('PAYLOAD_TOO_LARGE for an event over 512 KiB of JSON: audited without its content', async () => {
    const { engine } = setup();
    await toClosure(engine);
    const huge = { ...event('views.recorded', '2024-03-15T09:00:00Z', { personId: samplePeople.child }), summary: 'x'.repeat(600 * 1024) };
    const error = await rejection(engine.send('C-1', huge));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.details).toMatchObject({ limit: 512 * 1024 });
    const entry = (await engine.history('C-1')).at(-1)!;
    expect(entry).toMatchObject({ accepted: false, errorCode: 'PAYLOAD_TOO_LARGE', event: null });
    expect(JSON.stringify(entry).length).toBeLessThan(2_000);
  });

  it('a free-text field over 20,000 characters is INVALID_EVENT naming the field and the limit', async () => {
    const { engine } = setup();
    await toClosure(engine);
    const long = { ...event('views.recorded', '2024-03-15T09:00:00Z', { personId: samplePeople.child }), summary: 'x'.repeat(20_001) };
    const error = await rejection(engine.send('C-1', long));
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.message).toContain('summary: too long: at most 20000 characters');
  });
});
