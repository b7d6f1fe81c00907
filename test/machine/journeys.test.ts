import { describe, expect, it } from 'vitest';
import { samplePeople, sampleActionIds } from '../events/samples.js';
import { CaseRun, event, readyForFinalMeeting } from './harness.js';

const allMet = sampleActionIds.map((id) => ({ id, status: 'met' as const }));
const allOpen = sampleActionIds.map((id) => ({ id, status: 'open' as const }));
const everyone = [samplePeople.parent, samplePeople.partner, samplePeople.leadProfessional.name];

/** Final meeting on `meeting` setting the first family plan meeting for `firstFp`, then closure to CSC on `closed`. */
export function closedToCsc(run: CaseRun, dates: { meeting: string; firstFp: string; closed: string }, kind: 'final-cin' | 'core-group' | 'multi-agency' = 'final-cin') {
  const day = dates.closed;
  return run
    .send(event('finalMeeting.held', dates.meeting, { kind, firstFamilyPlanMeetingDate: dates.firstFp }))
    .send(event('eCaf.referralCompleted', day, { form: { ...event('eCaf.referralCompleted', day).form, firstFamilyPlanMeetingDate: dates.firstFp } }))
    .send(event('transferDetails.completed', day))
    .send(event('closureSummary.completed', day))
    .send(event('fileReview.completed', day))
    .send(event('stepDown.authorised', day))
    .send(event('documents.shared', day, { recipients: everyone }))
    .send(event('csc.closed', day));
}

describe('whole cases, one per route and outcome', () => {
  it('a CIN step down runs to a closed CAF with every deadline met', () => {
    const run = readyForFinalMeeting('cin-outcome', {
      opened: '2024-03-04T09:00:00Z',
      decision: '2024-03-05T10:00:00Z',
      prep: '2024-03-07T10:00:00Z',
    });
    expect(run.view.stage).toBe('preparation');
    closedToCsc(run, { meeting: '2024-03-14T10:00:00Z', firstFp: '2024-04-10', closed: '2024-03-21T16:00:00Z' });
    expect(run.view.stage).toBe('early-help');
    // 28 days from 21 March runs across the clock change on 31 March: the day ends at 23:59 BST.
    expect(run.deadline('first-family-plan-meeting').due).toBe('2024-04-18T23:59:59.999+01:00');
    expect(run.deadline('caf-twelve-months:1').due).toBe('2025-03-21T23:59:59.999+00:00');
    run
      .send(event('ehm.authorised', '2024-03-25T10:00:00Z'))
      .send(event('leadProfessional.contacted', '2024-03-26T10:00:00Z'))
      .send(event('familyPlanMeeting.held', '2024-04-10T10:00:00+01:00', { kind: 'initial', actions: allOpen }));
    expect(run.deadline('first-family-plan-meeting').status).toBe('met');
    expect(run.deadline('family-plan-review:1').due).toBe('2024-06-05T23:59:59.999+01:00');
    run
      .send(event('familyPlanMeeting.held', '2024-05-29T10:00:00+01:00', { kind: 'review', actions: allOpen }))
      .send(event('familyPlanMeeting.held', '2024-07-17T10:00:00+01:00', { kind: 'final', actions: allMet }))
      .send(event('caf.closed', '2024-07-18T10:00:00+01:00'));
    expect(run.view.outcome).toBe('caf-closed');
    expect(run.view.stage).toBe('closed');
    expect(run.view.breaches).toEqual([]);
    expect(run.view.deadlines.map((d) => [d.id, d.status])).toEqual([
      ['first-meeting-date', 'met'],
      ['first-family-plan-meeting', 'met'],
      ['caf-twelve-months:1', 'met'],
      ['family-plan-review:1', 'met'],
      ['family-plan-review:2', 'met'],
    ]);
    expect(run.notifications.filter((n) => n.type === 'outcome.reached')).toEqual([
      { type: 'outcome.reached', caseId: 'case-1', outcome: 'caf-closed', at: '2024-07-18T10:00:00+01:00' },
    ]);
  });

  it('a CP step down ends in a core group meeting and may be stepped up', () => {
    const run = readyForFinalMeeting('cp-outcome', {
      opened: '2025-01-06T09:00:00Z',
      decision: '2025-01-06T15:00:00Z',
      prep: '2025-01-08T10:00:00Z',
    });
    closedToCsc(run, { meeting: '2025-01-15T10:00:00Z', firstFp: '2025-02-05', closed: '2025-01-20T12:00:00Z' }, 'core-group');
    run
      .send(event('familyPlanMeeting.held', '2025-02-05T10:00:00Z', { kind: 'initial', actions: allOpen }))
      .send(event('stepUp.referred', '2025-02-20T10:00:00Z'));
    expect(run.view.outcome).toBe('stepped-up');
    expect(run.deadline('family-plan-review:1').status).toBe('cancelled');
  });

  it('a 10-day checkpoint step down ends in a multi-agency meeting, and the CAF closes when consent is withdrawn', () => {
    const run = readyForFinalMeeting('ten-day-checkpoint', {
      opened: '2025-06-02T09:00:00+01:00',
      decision: '2025-06-02T11:00:00+01:00',
      prep: '2025-06-04T10:00:00+01:00',
    });
    closedToCsc(run, { meeting: '2025-06-10T10:00:00+01:00', firstFp: '2025-07-01', closed: '2025-06-12T12:00:00+01:00' }, 'multi-agency');
    run.send(event('consent.withdrawn', '2025-06-20T10:00:00+01:00'));
    expect(run.view.outcome).toBe('consent-withdrawn');
    expect(run.view.pending).toEqual([]);
  });

  it('a withdrawn step down leaves the case with CSC', () => {
    const run = new CaseRun('cin-outcome', '2024-05-01T09:00:00+01:00')
      .send(event('decision.agreed', '2024-05-01T10:00:00+01:00'))
      .send(event('stepDown.withdrawn', '2024-05-02T10:00:00+01:00'));
    expect(run.view.outcome).toBe('remains-with-csc');
  });

  it('no Lead Professional after the panel steps the case down to universal services', () => {
    const run = new CaseRun('cin-outcome', '2024-05-01T09:00:00+01:00')
      .send(event('decision.agreed', '2024-05-01T10:00:00+01:00'))
      .send(event('leadProfessional.notFound', '2024-05-03T10:00:00+01:00'))
      .send(event('leadProfessional.challengeFailed', '2024-05-10T10:00:00+01:00'))
      .send(event('leadProfessional.panelFailed', '2024-05-20T10:00:00+01:00'))
      .send(event('noLeadProfessional.recorded', '2024-05-21T10:00:00+01:00'));
    expect(run.view.outcome).toBe('universal-services');
    expect(run.notifications).toContainEqual({
      type: 'parties.toInform',
      caseId: 'case-1',
      reason: 'no-lead-professional',
      at: '2024-05-21T10:00:00+01:00',
    });
  });
});
