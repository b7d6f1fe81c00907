import { describe, expect, it } from 'vitest';
import { addWorkingDays, createCaseEngine, endOfDay, type CaseEngine, type CaseView } from '../../src/index.js';
import { sampleActionIds, sampleFamilyAdded, samplePeople, sampleRecipients } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { rejection } from './rejection.js';
import { everyDeadline } from './every-deadline.js';

// Issue 10 through the engine: siblings stepping down together (one record for every child's case,
// all or nothing) and the work list ("what am I waiting for, from whom, by when") across cases.
// Real dates: spring 2024 (Good Friday 29 March and Easter Monday 1 April are bank holidays; the
// clocks went forward on Sunday 31 March).

const { teamManager: tm, cafLinkWorker: clw, leadProfessionalActor: lp } = samplePeople;
const lpId = samplePeople.leadProfessional.personId;
const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));

function setup() {
  return createCaseEngine({ now: () => new Date('2024-12-31T12:00:00Z') });
}

/** One child's case of a family, opened and taken to the CSC closure on `closedAt`, each with the sample family. */
async function toCaf(engine: CaseEngine, caseId: string, closedAt: string, familyId?: string): Promise<CaseView> {
  await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm, ...(familyId ? { familyId } : {}) });
  const form = { ...event('eCaf.referralCompleted', closedAt).form, firstFamilyPlanMeetingDate: '2024-04-10' };
  const steps = [
    event('decision.agreed', '2024-03-05T10:00:00Z'),
    ...sampleFamilyAdded('2024-03-05T11:00:00Z'),
    ...[samplePeople.child, samplePeople.parent, samplePeople.partner].map((personId) =>
      event('views.recorded', '2024-03-07T10:00:00Z', { personId }),
    ),
    event('consent.given', '2024-03-07T11:00:00Z', { personId: samplePeople.parent }),
    event('leadProfessional.agreed', '2024-03-08T11:00:00Z', { personId: lpId }),
    event('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' }),
    event('eCaf.referralCompleted', closedAt, { form }),
    event('transferDetails.completed', closedAt),
    event('closureSummary.completed', closedAt),
    event('fileReview.completed', closedAt),
    event('stepDown.authorised', closedAt),
    event('documents.shared', closedAt, { recipients: [...sampleRecipients] }),
    event('csc.closed', closedAt),
  ];
  let view: CaseView | undefined;
  for (const step of steps) view = await engine.send(caseId, step);
  return view!;
}

describe('family groups: siblings step down together', () => {
  it('engine.family lists a family’s cases in the order opened, each naming its family', async () => {
    const engine = setup();
    await engine.open({ caseId: 'C-LEO', familyId: 'F-TAYLOR', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.open({ caseId: 'C-OTHER', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.open({ caseId: 'C-MIA', familyId: 'F-TAYLOR', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    const family = await engine.family('F-TAYLOR');
    expect(family.map((v) => [v.caseId, v.familyId])).toEqual([
      ['C-LEO', 'F-TAYLOR'],
      ['C-MIA', 'F-TAYLOR'],
    ]);
    expect(await engine.family('F-NONE')).toEqual([]);
  });

  it('one shared initial family plan meeting is one record for every child and meets each child’s own deadline', async () => {
    const engine = setup();
    // Leo's case closed to CSC on Thursday 21 March; Mia's, delayed, on Tuesday 2 April (after Easter).
    await toCaf(engine, 'C-LEO', '2024-03-21T16:00:00Z', 'F-TAYLOR');
    await toCaf(engine, 'C-MIA', '2024-04-02T16:00:00+01:00', 'F-TAYLOR');
    const views = await engine.sendToFamily(
      'F-TAYLOR',
      event('familyPlanMeeting.held', '2024-04-10T10:00:00+01:00', { kind: 'initial', actions: allOpen, actor: lp }),
    );
    expect(views.map((v) => v.caseId)).toEqual(['C-LEO', 'C-MIA']);
    expect(views[0]!.eventId).toBe(views[1]!.eventId);
    const met = await Promise.all(views.map(async (v) => (await everyDeadline(engine, v.caseId)).find((d) => d.id === 'first-family-plan-meeting')));
    for (const [i, view] of views.entries()) {
      // Met, it has left each case's snapshot; the trail keeps it.
      expect(view.deadlines.map((d) => d.id)).not.toContain('first-family-plan-meeting');
      expect(met[i]).toMatchObject({ status: 'met' });
    }
    // Each child keeps its own clock: 28 days from each closure.
    expect(met.map((d) => d!.due)).toEqual([
      '2024-04-18T23:59:59.999+01:00',
      '2024-04-30T23:59:59.999+01:00',
    ]);
    // A resend of the same shared record changes nothing in either case.
    const again = await engine.sendToFamily('F-TAYLOR', (await engine.history('C-LEO')).at(-1)!.event as never);
    expect(again.map((v) => v.version)).toEqual(views.map((v) => v.version));
  });

  it('all or nothing: when one child’s case refuses, no case takes the event and the refusal names that case and why', async () => {
    const engine = setup();
    await toCaf(engine, 'C-LEO', '2024-03-21T16:00:00Z', 'F-TAYLOR');
    await engine.open({ caseId: 'C-MIA', familyId: 'F-TAYLOR', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    const before = await Promise.all(['C-LEO', 'C-MIA'].map((id) => engine.get(id)));
    const error = await rejection(
      engine.sendToFamily('F-TAYLOR', event('familyPlanMeeting.held', '2024-04-10T10:00:00+01:00', { kind: 'initial', actions: allOpen, actor: lp })),
    );
    expect(error.code).toBe('EVENT_NOT_ACCEPTED');
    expect(error.details?.['refusals']).toEqual([expect.objectContaining({ caseId: 'C-MIA', code: 'EVENT_NOT_ACCEPTED' })]);
    expect(error.message).toContain('C-MIA');
    expect(await Promise.all(['C-LEO', 'C-MIA'].map((id) => engine.get(id)))).toEqual(before);
    // The refusal is audited on the case that refused; the other case's trail is untouched.
    expect((await engine.history('C-MIA')).at(-1)).toMatchObject({ accepted: false, errorCode: 'EVENT_NOT_ACCEPTED' });
    expect((await engine.history('C-LEO')).at(-1)).toMatchObject({ accepted: true, type: 'csc.closed' });
  });

  it('UNKNOWN_FAMILY for a family with no case, INVALID_INPUT for an id that is not id-shaped', async () => {
    const engine = setup();
    expect((await rejection(engine.sendToFamily('F-NONE', event('decision.agreed', '2024-03-05T10:00:00Z')))).code).toBe('UNKNOWN_FAMILY');
    expect((await rejection(engine.family('The Taylors'))).code).toBe('INVALID_INPUT');
    expect((await rejection(engine.open({ caseId: 'C-1', familyId: 'The Taylors', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm }))).code).toBe(
      'INVALID_INPUT',
    );
  });
});

describe('work lists: what is waited for, from whom, by when', () => {
  it('every pending step carries its role, the person or user who takes it where known, and when it falls due', async () => {
    const engine = setup();
    const view = await toCaf(engine, 'C-LEO', '2024-03-21T16:00:00Z');
    expect(view.pending).toContainEqual({
      step: 'familyPlanMeeting.held',
      role: 'lead-professional',
      rule: 'first-family-plan-meeting',
      detail: 'initial',
      personId: lpId,
      due: '2024-04-18T23:59:59.999+01:00',
    });
    // The CAF Link Worker's contact is due with that meeting; the EHM authorisation it follows is due by then too.
    expect(view.pending).toContainEqual({ step: 'ehm.authorised', role: 'caf-link-worker', rule: 'ehm-quality-assurance', due: '2024-04-18T23:59:59.999+01:00' });
  });

  it('a Team Manager’s "every step due in the next 5 working days" is one call, soonest first, across cases', async () => {
    const engine = setup();
    await toCaf(engine, 'C-LEO', '2024-03-21T16:00:00Z');
    await toCaf(engine, 'C-MIA', '2024-04-02T16:00:00+01:00');
    await engine.open({ caseId: 'C-NEW', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.send('C-NEW', event('decision.agreed', '2024-03-05T10:00:00Z'));
    for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send('C-NEW', added);
    // Sarah disagrees on Thursday 28 March: resolution due within 5 working days, past Good Friday and Easter Monday.
    await engine.send('C-NEW', event('consent.refused', '2024-03-28T10:00:00Z', { personId: samplePeople.parent, disagreementId: 'D-1' }));

    // On Wednesday 3 April, the next 5 working days run to the end of Wednesday 10 April.
    const dueBefore = endOfDay(addWorkingDays('2024-04-03', 5));
    const tmSteps = await engine.worklist({ role: 'team-manager', dueBefore });
    expect(tmSteps.map((w) => [w.caseId, w.step, w.detail, w.due, w.actorId])).toEqual([
      ['C-NEW', 'disagreement.resolved', 'D-1', '2024-04-08T23:59:59.999+01:00', tm.id],
    ]);
    // Everything due, soonest first, undated steps last.
    const all = await engine.worklist({ limit: 1000 });
    const dated = all.filter((w) => w.due !== null).map((w) => w.dueAt!);
    expect(dated).toEqual([...dated].sort((a, b) => a - b));
    expect(all.findIndex((w) => w.due === null)).toBeGreaterThan(all.findLastIndex((w) => w.due !== null));
    // The Lead Professional's own list, by their person id.
    const lpSteps = await engine.worklist({ personId: lpId });
    expect(lpSteps.map((w) => [w.caseId, w.step, w.due])).toEqual([
      ['C-LEO', 'familyPlanMeeting.held', '2024-04-18T23:59:59.999+01:00'],
      ['C-MIA', 'familyPlanMeeting.held', '2024-04-30T23:59:59.999+01:00'],
    ]);
  });

  it('breached: true lists the steps whose deadline a tick already found missed', async () => {
    const engine = setup();
    await toCaf(engine, 'C-LEO', '2024-03-21T16:00:00Z');
    await toCaf(engine, 'C-MIA', '2024-04-02T16:00:00+01:00');
    await engine.tick('2024-04-22T07:00:00+01:00');
    const breached = await engine.worklist({ breached: true });
    expect(breached.map((w) => [w.caseId, w.step])).toEqual([
      ['C-LEO', 'ehm.authorised'],
      ['C-LEO', 'familyPlanMeeting.held'],
    ]);
    expect((await engine.worklist({ breached: false, role: 'caf-link-worker' })).map((w) => [w.caseId, w.step])).toEqual([['C-MIA', 'ehm.authorised']]);
  });

  it('INVALID_INPUT for a filter that is not one, naming it', async () => {
    const engine = setup();
    const error = await rejection(engine.worklist({ role: 'manager' as never, limit: 5000 }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('role');
    expect(error.message).toContain('limit');
  });
});

describe('the Lead Professional acts on their own cases only (own-cases-only)', () => {
  it('another practitioner in the Lead Professional role is refused, naming the rule; a new LP after a change is accepted', async () => {
    const engine = setup();
    await toCaf(engine, 'C-LEO', '2024-03-21T16:00:00Z');
    const other = { id: 'lp-helen', role: 'lead-professional' as const, personId: samplePeople.partner };
    const error = await rejection(engine.send('C-LEO', event('familyPlanMeeting.held', '2024-04-09T10:00:00+01:00', { kind: 'initial', actions: allOpen, actor: other })));
    expect(error.code).toBe('GATE_BLOCKED');
    expect(error.details?.['rules']).toEqual([expect.objectContaining({ rule: 'own-cases-only' })]);
    await engine.send('C-LEO', { type: 'leadProfessional.left', at: '2024-04-02T10:00:00+01:00', actor: clw, reason: 'Moved to another school.' });
    await engine.send('C-LEO', event('leadProfessional.agreed', '2024-04-04T10:00:00+01:00', { actor: clw, personId: samplePeople.partner }));
    await engine.send('C-LEO', event('familyPlanMeeting.held', '2024-04-09T10:00:00+01:00', { kind: 'initial', actions: allOpen, actor: other }));
    expect((await everyDeadline(engine, 'C-LEO')).find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({ status: 'met' });
  });
});
