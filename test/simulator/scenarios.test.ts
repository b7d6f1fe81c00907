import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  builtInScenarioNames,
  resolveScenario,
  simulate,
  type SimulationResult,
  type TimelineDeadline,
  type TimelineEntry,
} from '../../src/simulator/index.js';
import { journeys } from './journeys.js';


const results = new Map<string, SimulationResult>();

beforeAll(async () => {
  for (const name of Object.keys(journeys)) {
    const { scenario, source } = await resolveScenario(name);
    results.set(name, await simulate(scenario, { source }));
  }
}, 300_000); // twenty-one scenarios (twenty-four cases) through the engine, one after another: seconds, more on a busy machine

function run(name: string): SimulationResult {
  const result = results.get(name);
  if (!result) throw new Error(`scenario ${name} did not run`);
  return result;
}

function deadline(result: SimulationResult, id: string): TimelineDeadline {
  const found = result.final.deadlines.find((d) => d.id === id);
  if (!found) throw new Error(`no deadline ${id}`);
  return found;
}

/** The timeline entries of an event type (or `clock.tick`), in order. */
function entries(result: SimulationResult, what: string): TimelineEntry[] {
  return result.timeline.filter((e) => e.what === what);
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

describe('built-in scenarios', () => {
  it('are the eleven journeys of issue 6, four of issue 9, five of issue 10 and the worked example of issue 13, each file named after its scenario', async () => {
    expect(builtInScenarioNames()).toEqual([...Object.keys(journeys), 'policy-revised-from-april'].sort());
    for (const name of Object.keys(journeys)) {
      const { scenario, source } = await resolveScenario(name);
      expect(scenario.name).toBe(name);
      expect(basename(source.file)).toBe(`${name}.json`);
      // Every scenario states what it comes to, so `simulate` can say whether it did.
      expect(scenario.expect?.outcome).toBe(journeys[name]!.outcome);
      expect(scenario.expect?.breaches).toBeDefined();
    }
  });

  describe.each(Object.entries(journeys))('%s', (name, journey) => {
    it(`runs to ${journey.outcome} with ${journey.breaches.length === 0 ? 'no breaches' : journey.breaches.join(', ')}, as its file expects`, () => {
      const result = run(name);
      expect(result.failures).toEqual([]);
      expect(result.completed).toBe(true);
      expect(result.passed).toBe(true);
      // Every case of the run (each child's, in a family scenario) comes to it.
      for (const { final } of result.cases) {
        expect(final.stage).toBe('closed');
        expect(final.outcome).toBe(journey.outcome);
        expect(final.breaches.map((b) => b.rule).sort()).toEqual([...journey.breaches].sort());
      }
      expect(result.final).toEqual(result.cases[0]!.final);
      // The timeline starts with the opening and has one entry per step.
      expect(result.timeline[0]!.what).toBe('case.opened');
      expect(result.timeline.at(-1)!.stage).toBe('closed');
    });
  });
});

describe('dates each scenario turns on', () => {
  it('straightforward: the 28 days and 12 months run from the closure to CSC; reviews from each meeting, across the clock change', () => {
    const result = run('straightforward');
    expect(only(entries(result, 'csc.closed')).date).toBe('2024-09-19');
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({ due: '2024-10-17T23:59:59.999+01:00', status: 'met', closedAt: '2024-10-03T10:00:00+01:00' });
    expect(deadline(result, 'caf-twelve-months:1')).toMatchObject({ due: '2025-09-19T23:59:59.999+01:00', status: 'met', closedAt: '2025-01-10T10:00:00+00:00' });
    // Day 42 to day 56 after 3 October 2024; the clocks went back on 27 October, so GMT.
    expect(deadline(result, 'family-plan-review:1')).toMatchObject({ windowOpens: '2024-11-14', due: '2024-11-28T23:59:59.999+00:00' });
    // The final meeting (3 weeks ahead) was judged within 4 weeks of the final CIN meeting of 12 September.
    expect(deadline(result, 'first-meeting-date')).toMatchObject({ due: '2024-10-10T23:59:59.999+01:00', status: 'met' });
  });

  it('parent-disagrees-won-round: 5 working days from Friday 2 May 2025 skip the Early May bank holiday', () => {
    const result = run('parent-disagrees-won-round');
    const raised = only(entries(result, 'disagreement.raised'));
    expect(raised.date).toBe('2025-05-02');
    expect(raised.deadlines.opened.map((d) => [d.id, d.due])).toEqual([['disagreement-resolution:D-1', '2025-05-12T23:59:59.999+01:00']]);
    expect(deadline(result, 'disagreement-resolution:D-1')).toMatchObject({ status: 'met', closedAt: '2025-05-09T10:00:00+01:00' });
    const blocked = entries(result, 'finalMeeting.held')[0]!;
    expect(blocked.date).toBe('2025-05-07');
    expect(blocked.refusal).toMatchObject({ code: 'GATE_BLOCKED', expected: true });
    expect(blocked.refusal!.rules.map((r) => r.rule)).toEqual(expect.arrayContaining(['no-open-disagreement', 'informed-consent']));
  });

  it('partner-disagrees-withdrawn: resolved on 27 November 2024, a day inside its 5 working days', () => {
    const result = run('partner-disagrees-withdrawn');
    expect(deadline(result, 'disagreement-resolution:D-1')).toMatchObject({ due: '2024-11-28T23:59:59.999+00:00', status: 'met', closedAt: '2024-11-27T10:00:00+00:00' });
    const resolved = only(entries(result, 'disagreement.resolved'));
    expect(resolved).toMatchObject({ date: '2024-11-27', who: 'team-manager', outcome: 'remains-with-csc' });
    expect(result.timeline.at(-1)!.refusal).toMatchObject({ code: 'EVENT_NOT_ACCEPTED', expected: true });
  });

  it('lead-professional-ladder: the rungs in order, then universal services through the closure, authorised on 31 March 2025', () => {
    const result = run('lead-professional-ladder');
    const ladder = result.timeline.filter((e) => e.what.startsWith('leadProfessional.') || e.what === 'noLeadProfessional.recorded');
    expect(ladder.map((e) => [e.date, e.who, e.what, e.refusal?.code ?? 'accepted'])).toEqual([
      ['2025-02-07', 'social-worker', 'leadProfessional.notFound', 'accepted'],
      ['2025-02-10', 'early-help-manager', 'leadProfessional.panelFailed', 'EVENT_NOT_ACCEPTED'],
      ['2025-02-14', 'caf-link-worker', 'leadProfessional.challengeFailed', 'accepted'],
      ['2025-02-27', 'early-help-manager', 'leadProfessional.panelFailed', 'accepted'],
      ['2025-02-28', 'early-help-manager', 'noLeadProfessional.recorded', 'accepted'],
    ]);
    // The ladder's end (rule lp-none-universal-services) no longer ends the case: it stays in
    // preparation and leaves CSC only through the closure, with the Team Manager's authorisation.
    expect(only(entries(result, 'noLeadProfessional.recorded'))).toMatchObject({ stage: 'preparation', outcome: null });
    expect(entries(result, 'csc.closed').map((e) => [e.date, e.refusal?.code ?? 'accepted', e.outcome])).toEqual([
      ['2025-03-03', 'EVENT_NOT_ACCEPTED', null],
      ['2025-04-01', 'accepted', 'universal-services'],
    ]);
    // Across the clock change of 30 March 2025: authorised in British Summer Time.
    expect(only(entries(result, 'stepDown.authorised')).at).toBe('2025-03-31T10:00:00+01:00');
    expect(only(entries(result, 'finalMeeting.held')).at).toBe('2025-03-06T10:00:00+00:00');
    expect(entries(result, 'eCaf.referralCompleted')).toEqual([]);
    expect(result.final.deadlines).toEqual([]);
  });

  it('closure-returned-once: authorisation refused until the resubmitted summary is reviewed again', () => {
    const result = run('closure-returned-once');
    const authorisations = entries(result, 'stepDown.authorised');
    expect(authorisations.map((e) => [e.date, e.refusal?.code ?? 'accepted'])).toEqual([
      ['2025-06-18', 'GATE_BLOCKED'],
      ['2025-06-20', 'GATE_BLOCKED'],
      ['2025-06-23', 'accepted'],
    ]);
    expect(authorisations[1]!.refusal!.rules.map((r) => r.rule)).toContain('tm-quality-assurance');
    expect(only(entries(result, 'stepDown.returned')).date).toBe('2025-06-18');
    expect(entries(result, 'closureSummary.completed').map((e) => e.date)).toEqual(['2025-06-17', '2025-06-20']);
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({ due: '2025-07-22T23:59:59.999+01:00', status: 'met' });
  });

  it('ehm-more-information-twice: two rounds, and the initial meeting held while EHM quality assurance waits', () => {
    const result = run('ehm-more-information-twice');
    expect(entries(result, 'ehm.infoRequested').map((e) => e.date)).toEqual(['2025-01-27', '2025-02-03']);
    expect(entries(result, 'ehm.infoProvided').map((e) => e.date)).toEqual(['2025-01-29', '2025-02-07']);
    expect(entries(result, 'ehm.authorised').map((e) => [e.date, e.refusal?.code ?? 'accepted'])).toEqual([
      ['2025-01-28', 'EVENT_NOT_ACCEPTED'],
      ['2025-02-10', 'accepted'],
    ]);
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({ due: '2025-02-20T23:59:59.999+00:00', status: 'met', closedAt: '2025-02-06T10:00:00+00:00' });
  });

  it('initial-meeting-held-late: due at the end of 5 April 2024 (BST), found by the tick of 8 April, met late on 10 April', () => {
    const result = run('initial-meeting-held-late');
    const [early, late] = entries(result, 'clock.tick');
    expect(early!.breaches).toEqual([]);
    expect(late!.at).toBe('2024-04-08T02:00:00+01:00');
    expect(late!.deadlines.missed.map((d) => d.id)).toEqual(['first-family-plan-meeting']);
    expect(only(late!.breaches)).toMatchObject({
      rule: 'first-family-plan-meeting',
      due: '2024-04-05T23:59:59.999+01:00',
      detectedAt: '2024-04-08T02:00:00+01:00',
    });
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({ status: 'met-late', closedAt: '2024-04-10T10:00:00+01:00' });
    // Held late: no second breach when the meeting is recorded.
    expect(only(entries(result, 'familyPlanMeeting.held').filter((e) => e.date === '2024-04-10')).breaches).toEqual([]);
  });

  it('review-missed-over-christmas: due on Boxing Day 2024, its window open from 12 December, found on 27 December', () => {
    const result = run('review-missed-over-christmas');
    const review = deadline(result, 'family-plan-review:3');
    expect(review).toMatchObject({ opensAt: '2024-10-31T10:00:00+00:00', windowOpens: '2024-12-12', due: '2024-12-26T23:59:59.999+00:00', status: 'met-late' });
    expect(review.closedAt).toBe('2025-01-08T10:00:00+00:00');
    const [beforeChristmas, afterChristmas] = entries(result, 'clock.tick');
    expect(beforeChristmas!.date).toBe('2024-12-23');
    expect(beforeChristmas!.deadlines.missed).toEqual([]);
    expect(afterChristmas!.at).toBe('2024-12-27T02:00:00+00:00');
    expect(only(afterChristmas!.breaches)).toMatchObject({
      rule: 'family-plan-review',
      deadlineId: 'family-plan-review:3',
      dueDate: '2024-12-26',
      detectedOn: '2024-12-27',
      citation: 'G "Role of the Lead Professional" ¶2',
    });
    expect(deadline(result, 'family-plan-review:4')).toMatchObject({ due: '2025-03-05T23:59:59.999+00:00', status: 'met' });
  });

  it('reassessment-at-twelve-months: the first 12 months end on 18 January 2025 and start again from the reassessment', () => {
    const result = run('reassessment-at-twelve-months');
    expect(deadline(result, 'caf-twelve-months:1')).toMatchObject({ due: '2025-01-18T23:59:59.999+00:00', status: 'met', closedAt: '2025-01-16T10:00:00+00:00' });
    expect(deadline(result, 'caf-twelve-months:2')).toMatchObject({ due: '2026-01-16T23:59:59.999+00:00', status: 'met', closedAt: '2025-04-22T10:00:00+01:00' });
    const reassessment = only(entries(result, 'reassessment.completed'));
    expect(reassessment.deadlines.met.map((d) => d.id)).toEqual(['caf-twelve-months:1']);
    expect(reassessment.deadlines.opened.map((d) => d.id)).toEqual(['caf-twelve-months:2']);
    expect(entries(result, 'caf.closed')[0]!.refusal).toMatchObject({ code: 'GATE_BLOCKED', expected: true });
  });

  it('step-up: referred back on 8 May 2025 by the Lead Professional, not the EH&SS Manager; open deadlines cancelled', () => {
    const result = run('step-up');
    expect(entries(result, 'stepUp.referred').map((e) => [e.who, e.refusal?.code ?? 'accepted'])).toEqual([
      ['early-help-manager', 'NOT_ALLOWED'],
      ['lead-professional', 'accepted'],
    ]);
    const stepUp = entries(result, 'stepUp.referred')[1]!;
    expect(stepUp.deadlines.cancelled.map((d) => [d.id, d.closedAt])).toEqual([
      ['caf-twelve-months:1', '2025-05-08T10:00:00+01:00'],
      ['family-plan-review:1', '2025-05-08T10:00:00+01:00'],
    ]);
    expect(deadline(result, 'family-plan-review:1').due).toBe('2025-05-29T23:59:59.999+01:00');
  });

  it('consent-withdrawn: refused before the closure to CSC, accepted on 5 November 2025 under the CAF', () => {
    const result = run('consent-withdrawn');
    expect(entries(result, 'consent.withdrawn').map((e) => [e.date, e.refusal?.code ?? 'accepted', e.outcome])).toEqual([
      ['2025-09-08', 'EVENT_NOT_ACCEPTED', null],
      ['2025-11-05', 'accepted', 'consent-withdrawn'],
    ]);
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({ due: '2025-10-16T23:59:59.999+01:00', status: 'met' });
    expect(deadline(result, 'family-plan-review:1')).toMatchObject({ due: '2025-11-27T23:59:59.999+00:00', status: 'cancelled' });
  });

  it('consent-per-carer: the father refuses the day before Good Friday; his refusal is a disagreement, her consent stands', () => {
    const result = run('consent-per-carer');
    const refused = only(entries(result, 'consent.refused'));
    expect(refused).toMatchObject({ date: '2025-04-17', about: ['carer-2', 'D-1'] });
    // 5 working days from Thursday 17 April 2025 skip Good Friday (18) and Easter Monday (21): Monday 28 April.
    expect(refused.deadlines.opened.map((d) => [d.id, d.due])).toEqual([['disagreement-resolution:D-1', '2025-04-28T23:59:59.999+01:00']]);
    const [blocked, held] = entries(result, 'finalMeeting.held');
    // Only the open disagreement blocks the meeting: informed-consent is met by the mother's consent.
    expect(blocked!.refusal!.rules.map((r) => r.rule)).toEqual(['no-open-disagreement']);
    expect(held!.refusal).toBeNull();
    const [partial, all] = entries(result, 'documents.shared');
    expect(partial!.refusal).toMatchObject({ code: 'GATE_BLOCKED', expected: true });
    expect(partial!.refusal!.rules.map((r) => [r.rule, r.reason])).toEqual([
      ['documents-shared-with-all', expect.stringContaining('not among the recipients: carer-2')],
    ]);
    expect(all!.refusal).toBeNull();
    expect(deadline(result, 'disagreement-resolution:D-1')).toMatchObject({ status: 'met', closedAt: '2025-04-24T10:00:00+01:00' });
  });

  it('initial-meeting-before-delayed-closure: the meeting of 6 March 2025 is recorded on 14 March, after a closure delayed to 12 March', () => {
    const result = run('initial-meeting-before-delayed-closure');
    const [tooSoon, recorded] = entries(result, 'familyPlanMeeting.held');
    expect(tooSoon).toMatchObject({ date: '2025-03-06', refusal: { code: 'EVENT_NOT_ACCEPTED', expected: true } });
    expect(only(entries(result, 'csc.closed')).date).toBe('2025-03-12');
    expect(recorded).toMatchObject({ date: '2025-03-06', recordedOn: '2025-03-14', refusal: null });
    expect(recorded!.deadlines.met.map((d) => d.id)).toEqual(['first-family-plan-meeting']);
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({
      opensAt: '2025-03-12T10:00:00+00:00',
      due: '2025-04-09T23:59:59.999+01:00',
      status: 'met',
      closedAt: '2025-03-06T10:00:00+00:00',
    });
    expect(deadline(result, 'first-family-plan-meeting').recordedAt).toMatch(/^2025-03-14T10:00:00/);
    // Reviews run from the meeting's true date: day 56 after 6 March is 1 May.
    expect(deadline(result, 'family-plan-review:1')).toMatchObject({ opensAt: '2025-03-06T10:00:00+00:00', due: '2025-05-01T23:59:59.999+01:00' });
    const future = result.timeline.find((e) => e.refusal?.code === 'FUTURE_DATED')!;
    expect(future).toMatchObject({ date: '2052-04-24', recordedOn: '2025-04-24', refusal: { expected: true } });
  });

  it('corrections-voided-and-resent: voids in the right order, a resend that changes nothing, the trail keeping every voided entry', () => {
    const result = run('corrections-voided-and-resent');
    const voids = entries(result, 'event.voided');
    expect(voids.map((e) => [e.who, e.about[0], e.refusal?.code ?? 'accepted'])).toEqual([
      ['social-worker', 'add-wrong-carer', 'accepted'],
      ['lead-professional', 'review-as-final', 'VOID_CONFLICT'],
      ['early-help-manager', 'closed-by-mistake', 'NOT_ALLOWED'],
      ['lead-professional', 'closed-by-mistake', 'accepted'],
      ['lead-professional', 'review-as-final', 'accepted'],
    ]);
    expect(voids[1]!.refusal!.eventIds).toEqual(['closed-by-mistake']);
    expect(voids[3]).toMatchObject({ stage: 'early-help', outcome: null, voided: [{ eventId: 'closed-by-mistake', type: 'caf.closed' }] });
    expect(voids[4]!.deadlines.reopened.map((d) => d.id)).toEqual(['family-plan-review:1']);
    expect(result.timeline.find((e) => e.refusal?.code === 'NO_EFFECT')).toMatchObject({ what: 'views.recorded', about: ['child-1'], date: '2025-06-04' });
    const review = result.timeline.filter((e) => e.eventId === 'review-1');
    expect(review.map((e) => [e.resent, e.refusal?.code ?? null])).toEqual([
      [false, null],
      [true, null],
      [false, 'DUPLICATE_EVENT'],
    ]);
    expect(result.final.voided).toEqual([
      { eventId: 'add-wrong-carer', type: 'person.added', voidedBy: 'step-11' },
      { eventId: 'review-as-final', type: 'familyPlanMeeting.held', voidedBy: 'step-28' },
      { eventId: 'closed-by-mistake', type: 'caf.closed', voidedBy: 'step-27' },
    ]);
  });

  it('breaches-withdrawn-by-later-records: met on time (10 April 2025) and no longer needed (stepped up 2 June), each breach withdrawn', () => {
    const result = run('breaches-withdrawn-by-later-records');
    const [afterEaster, june] = entries(result, 'clock.tick');
    expect(only(afterEaster!.breaches)).toMatchObject({ rule: 'first-family-plan-meeting', dueDate: '2025-04-17', detectedOn: '2025-04-22' });
    expect(only(june!.breaches)).toMatchObject({ rule: 'family-plan-review', dueDate: '2025-06-05', detectedOn: '2025-06-09' });
    const meeting = only(entries(result, 'familyPlanMeeting.held'));
    expect(meeting).toMatchObject({ date: '2025-04-10', recordedOn: '2025-04-22' });
    expect(meeting.breachesWithdrawn.map((b) => [b.rule, b.reason])).toEqual([['first-family-plan-meeting', 'met-on-time']]);
    const stepUp = only(entries(result, 'stepUp.referred'));
    expect(stepUp).toMatchObject({ date: '2025-06-02', recordedOn: '2025-06-09', outcome: 'stepped-up' });
    expect(stepUp.breachesWithdrawn.map((b) => [b.rule, b.reason])).toEqual([['family-plan-review', 'no-longer-needed']]);
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({ status: 'met', closedAt: '2025-04-10T10:00:00+01:00' });
    expect(deadline(result, 'family-plan-review:1')).toMatchObject({ status: 'cancelled', closedAt: '2025-06-02T10:00:00+01:00' });
    expect(result.final.breaches).toEqual([]);
  });

  it('planned-universal-services: no consent, no Lead Professional, no e-CAF referral; authorised by the Team Manager before the CSC closure after the Early May bank holiday', () => {
    const result = run('planned-universal-services');
    expect(result.timeline.map((e) => e.what)).not.toContain('consent.given');
    expect(result.timeline.map((e) => e.what)).not.toContain('leadProfessional.agreed');
    // 5 working days from Thursday 17 April 2025 skip Good Friday and Easter Monday: Monday 28 April.
    expect(only(entries(result, 'disagreement.raised')).deadlines.opened.map((d) => [d.id, d.due])).toEqual([
      ['disagreement-resolution:D-1', '2025-04-28T23:59:59.999+01:00'],
    ]);
    const meetings = entries(result, 'finalMeeting.held');
    expect(meetings.map((e) => [e.date, e.refusal?.code ?? 'accepted', e.refusal?.rules.map((r) => r.rule) ?? []])).toEqual([
      ['2025-04-22', 'GATE_BLOCKED', ['no-open-disagreement']],
      ['2025-04-29', 'GATE_BLOCKED', ['destination-plan']],
      ['2025-04-29', 'accepted', []],
    ]);
    expect(meetings[2]!.deadlines.opened).toEqual([]);
    expect(only(entries(result, 'eCaf.referralCompleted')).refusal).toMatchObject({ code: 'EVENT_NOT_ACCEPTED', expected: true });
    const closures = entries(result, 'csc.closed');
    expect(closures.map((e) => [e.date, e.refusal?.code ?? 'accepted'])).toEqual([
      ['2025-04-30', 'EVENT_NOT_ACCEPTED'],
      ['2025-05-06', 'accepted'],
    ]);
    const authorised = only(entries(result, 'stepDown.authorised'));
    expect(authorised).toMatchObject({ date: '2025-05-02', who: 'team-manager', refusal: null });
    expect(closures[1]).toMatchObject({ outcome: 'universal-services', stage: 'closed' });
    expect(deadline(result, 'disagreement-resolution:D-1')).toMatchObject({ status: 'met', closedAt: '2025-04-24T10:00:00+01:00' });
  });

  it('reconvened-last-meeting: returned with reconvene to preparation; the new core group is judged as first-meeting-date:2, the closure begins again', () => {
    const result = run('reconvened-last-meeting');
    const returned = only(entries(result, 'stepDown.returned'));
    expect(returned).toMatchObject({ date: '2025-03-11', who: 'team-manager', stage: 'preparation' });
    const [first, early, reconvened] = entries(result, 'finalMeeting.held');
    expect(first!.deadlines.met.map((d) => [d.id, d.dueDate])).toEqual([['first-meeting-date', '2025-04-03']]);
    // Dated 10 March, the day before the return: rule step-sequence refuses it.
    expect(early).toMatchObject({ date: '2025-03-10', recordedOn: '2025-03-12', refusal: { code: 'GATE_BLOCKED', expected: true } });
    expect(early!.refusal!.rules.map((r) => r.rule)).toContain('step-sequence');
    expect(reconvened!.deadlines.met.map((d) => [d.id, d.dueDate])).toEqual([['first-meeting-date:2', '2025-04-14']]);
    // The closure is done again after the new meeting: two referrals, two summaries, one authorisation.
    expect(entries(result, 'eCaf.referralCompleted').map((e) => e.date)).toEqual(['2025-03-07', '2025-03-18']);
    expect(entries(result, 'closureSummary.completed').map((e) => e.date)).toEqual(['2025-03-07', '2025-03-18']);
    expect(only(entries(result, 'stepDown.authorised')).date).toBe('2025-03-20');
    // Closed to CSC on Friday 21 March 2025 (GMT): 28 days end on Good Friday, in British Summer Time.
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({ opensAt: '2025-03-21T10:00:00+00:00', due: '2025-04-18T23:59:59.999+01:00', status: 'met' });
  });

  it('lead-professional-left-and-replaced: the CAF waits for a new Lead Professional; the former one is refused by own-cases-only, the new one holds the review', () => {
    const result = run('lead-professional-left-and-replaced');
    const left = only(entries(result, 'leadProfessional.left'));
    expect(left).toMatchObject({ date: '2025-10-27', who: 'lead-professional', stage: 'early-help', outcome: null });
    const meetings = entries(result, 'familyPlanMeeting.held');
    expect(meetings.map((e) => [e.date, e.refusal?.code ?? 'accepted', e.refusal?.rules.map((r) => r.rule).join(',') ?? ''])).toEqual([
      ['2025-10-16', 'accepted', ''],
      ['2025-10-28', 'GATE_BLOCKED', 'own-cases-only'],
      ['2025-11-27', 'GATE_BLOCKED', 'own-cases-only'],
      ['2025-11-27', 'accepted', ''],
      ['2026-01-15', 'accepted', ''],
    ]);
    expect(only(entries(result, 'person.added').filter((e) => e.step > 0))).toMatchObject({ who: 'caf-link-worker', about: ['lp-2'] });
    expect(only(entries(result, 'leadProfessional.agreed').filter((e) => e.who === 'caf-link-worker'))).toMatchObject({ date: '2025-11-04', about: ['lp-2'] });
    // 28 days from Thursday 2 October 2025 end on 30 October, after the clocks went back (GMT).
    expect(deadline(result, 'first-family-plan-meeting')).toMatchObject({ due: '2025-10-30T23:59:59.999+00:00', status: 'met' });
    expect(deadline(result, 'family-plan-review:1')).toMatchObject({ windowOpens: '2025-11-27', due: '2025-12-11T23:59:59.999+00:00', status: 'met' });
  });

  it('transfer-out: the CAF Link Worker, not the Social Worker, records the move on 1 April 2026; the open review and 12 months are cancelled, no breach', () => {
    const result = run('transfer-out');
    const transfers = entries(result, 'case.transferredOut');
    expect(transfers.map((e) => [e.who, e.refusal?.code ?? 'accepted'])).toEqual([
      ['social-worker', 'NOT_ALLOWED'],
      ['caf-link-worker', 'accepted'],
    ]);
    expect(transfers[0]!.refusal!.rules.map((r) => r.rule)).toEqual(['division-of-duties']);
    expect(transfers[1]!.deadlines.cancelled.map((d) => [d.id, d.closedAt])).toEqual([
      ['caf-twelve-months:1', '2026-04-01T10:00:00+01:00'],
      ['family-plan-review:1', '2026-04-01T10:00:00+01:00'],
    ]);
    // Due at the end of 16 April 2026, in British Summer Time (the clocks went forward on 29 March).
    expect(deadline(result, 'family-plan-review:1')).toMatchObject({ due: '2026-04-16T23:59:59.999+01:00', status: 'cancelled' });
    expect(only(entries(result, 'clock.tick')).breaches).toEqual([]);
  });

  it('siblings-step-down-together: shared steps recorded once for both children, all or nothing, each child keeping its own 28 days', () => {
    const result = run('siblings-step-down-together');
    expect(result.scenario).toMatchObject({
      familyId: 'fam-sibs-1',
      cases: [
        { key: 'older', caseId: 'sim-siblings-step-down-together-older' },
        { key: 'younger', caseId: 'sim-siblings-step-down-together-younger' },
      ],
    });
    // A shared step has one entry per child's case, with the one eventId the engine gave both.
    const shared = entries(result, 'finalMeeting.held');
    expect(shared.map((e) => [e.case, e.step, e.eventId])).toEqual([
      ['older', 8, 'step-8'],
      ['younger', 8, 'step-8'],
    ]);
    // Refused by the younger case (still with CSC on 27 March), so taken by neither.
    const early = entries(result, 'familyPlanMeeting.held').filter((e) => e.date === '2025-03-27');
    expect(early.map((e) => [e.case, e.refusal?.code, e.stage])).toEqual([
      ['older', 'EVENT_NOT_ACCEPTED', 'early-help'],
      ['younger', 'EVENT_NOT_ACCEPTED', 'closure'],
    ]);
    expect(early[0]!.refusal!.cases).toEqual([
      expect.objectContaining({ caseId: 'sim-siblings-step-down-together-younger', case: 'younger', code: 'EVENT_NOT_ACCEPTED' }),
    ]);
    // One shared initial meeting meets each child's own deadline: 28 days from each CSC closure.
    const initial = entries(result, 'familyPlanMeeting.held').filter((e) => e.date === '2025-04-10');
    expect(initial.map((e) => [e.case, e.deadlines.met.map((d) => [d.id, d.due])])).toEqual([
      ['older', [['first-family-plan-meeting', '2025-04-16T23:59:59.999+01:00']]],
      ['younger', [['first-family-plan-meeting', '2025-04-30T23:59:59.999+01:00']]],
    ]);
    const [older, younger] = result.cases;
    expect(older!.final.deadlines.find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({ opensAt: '2025-03-19T10:00:00+00:00' });
    expect(younger!.final.deadlines.find((d) => d.id === 'first-family-plan-meeting')).toMatchObject({ opensAt: '2025-04-02T10:00:00+01:00' });
    // Each child's own view on their own case; the parent's once for both.
    expect(entries(result, 'views.recorded').map((e) => [e.case, e.about[0]])).toEqual([
      ['older', 'child-1'],
      ['younger', 'child-2'],
      ['older', 'carer-1'],
      ['younger', 'carer-1'],
      ['older', 'partner-1'],
      ['younger', 'partner-1'],
    ]);
  });
});
