import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths, getStateNodes } from 'xstate/graph';
import { outcomes, parseEvent, stepDownMachine, type CaseSnapshot, type Route, type StepDownEvent } from '../../src/index.js';
import { sampleActionIds, sampleFamilyAdded, samplePeople, sampleRecipients, sampleUniversalServicesMeeting } from '../events/samples.js';
import { event } from './harness.js';

// Every event is dated at one instant after the case opened, so the sequence of steps never blocks
// the walk: only the states and the gates decide what is reachable.
const at = '2024-06-03T10:00:00+01:00';
const allMet = sampleActionIds.map((id) => ({ id, status: 'met' as const }));

function candidates(route: Route): StepDownEvent[] {
  const kind = route === 'ten-day-checkpoint' ? 'multi-agency' : 'final-cin';
  const meeting = event('finalMeeting.held', at, { kind });
  return [
    event('decision.agreed', at),
    // Issue 10: a step down planned to universal services, and the paths it and the ladder's end take.
    event('decision.agreed', at, { destination: 'universal-services' }),
    // With no Lead Professional agreed, the practitioner who would have led gives their own view.
    event('views.recorded', at, { personId: samplePeople.leadProfessional.personId }),
    { ...sampleUniversalServicesMeeting(at), kind },
    event('stepDown.returned', at, { reconvene: true }),
    event('case.transferredOut', at),
    event('case.transferredOut', at, { actor: samplePeople.cafLinkWorker }),
    event('leadProfessional.left', at),
    event('leadProfessional.agreed', at, { actor: samplePeople.cafLinkWorker }),
    event('views.recorded', at, { personId: samplePeople.child }),
    event('views.recorded', at, { personId: samplePeople.parent }),
    event('views.recorded', at, { personId: samplePeople.partner }),
    event('consent.given', at),
    event('consent.refused', at, { disagreementId: 'D-consent' }),
    event('disagreement.raised', at, { disagreementId: 'D-1' }),
    event('disagreement.resolved', at, { disagreementId: 'D-1', outcome: 'agreed' }),
    event('disagreement.resolved', at, { disagreementId: 'D-1', outcome: 'step-down-withdrawn' }),
    event('disagreement.resolved', at, { disagreementId: 'D-consent', outcome: 'agreed' }),
    event('leadProfessional.agreed', at),
    event('leadProfessional.notFound', at),
    event('leadProfessional.challengeFailed', at),
    event('leadProfessional.panelFailed', at),
    event('noLeadProfessional.recorded', at),
    event('stepDown.withdrawn', at),
    meeting,
    event('eCaf.referralCompleted', at, {
      form: { ...event('eCaf.referralCompleted', at).form, firstFamilyPlanMeetingDate: meeting.firstFamilyPlanMeetingDate! },
    }),
    event('transferDetails.completed', at),
    event('closureSummary.completed', at),
    event('fileReview.completed', at),
    event('stepDown.authorised', at),
    event('stepDown.returned', at),
    event('documents.shared', at, { recipients: [...sampleRecipients] }),
    event('csc.closed', at),
    event('ehm.infoRequested', at),
    event('ehm.infoProvided', at),
    event('ehm.authorised', at),
    event('leadProfessional.contacted', at),
    event('familyPlanMeeting.held', at, { kind: 'initial' }),
    event('familyPlanMeeting.held', at, { kind: 'review' }),
    event('familyPlanMeeting.held', at, { kind: 'final', actions: allMet }),
    event('reassessment.completed', at),
    event('caf.closed', at),
    event('consent.withdrawn', at),
    event('stepUp.referred', at),
  ];
}

/** What the gates look at, beside the state value: enough to tell apart snapshots the gates treat differently. */
function serialise(snapshot: CaseSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify([
    snapshot.value,
    Object.entries(c.people).map(([id, p]) => [id, p.endedAt !== null]).sort(),
    Object.keys(c.views).sort(),
    Object.entries(c.consents).map(([id, consent]) => [id, consent.status]).sort(),
    c.leadProfessional?.personId ?? null,
    c.disagreements.map((d) => [d.id, d.status]),
    c.closure.review?.complete ?? null,
    c.familyPlan.meetings > 0,
    c.familyPlan.finalMeetingAt !== null,
    c.ehm.authorisedAt !== null,
    c.destination,
    c.leadProfessionalSearch,
    // Bounded: a reconvened meeting may loop, and the gates only tell a first meeting from a later one.
    Math.min(c.lastMeetings, 2),
  ]);
}

const routes: Route[] = ['cin-outcome', 'cp-outcome', 'ten-day-checkpoint'];
/** Each walk starts from a case with the sample family on record, added when it opened (rule people-on-record). */
function withFamily(route: Route): CaseSnapshot {
  const openedAt = '2024-06-03T09:00:00+01:00';
  let [snapshot] = initialTransition(stepDownMachine, { caseId: `graph-${route}`, route, openedAt });
  for (const added of sampleFamilyAdded(openedAt)) [snapshot] = transition(stepDownMachine, snapshot, added);
  expect(Object.keys(snapshot.context.people)).toHaveLength(4);
  return snapshot;
}

const walks = routes.map((route) => {
  const paths = getShortestPaths(stepDownMachine, {
    input: { caseId: `graph-${route}`, route, openedAt: '2024-06-03T09:00:00+01:00' },
    fromState: withFamily(route),
    events: candidates(route),
    serializeState: (snapshot) => serialise(snapshot as CaseSnapshot),
  });
  return { route, paths };
});

describe('reachability (xstate/graph)', () => {
  it('every state node of the machine is reachable with valid events', () => {
    const reached = new Set<string>();
    for (const { paths } of walks) {
      for (const path of paths) for (const node of (path.state as CaseSnapshot)._nodes) reached.add(node.id);
    }
    const all = getStateNodes(stepDownMachine).map((node) => node.id);
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((id) => !reached.has(id))).toEqual([]);
  });

  it.each(routes)('every outcome is reachable on the %s route, by events that all pass validation', (route) => {
    const { paths } = walks.find((w) => w.route === route)!;
    for (const outcome of outcomes) {
      const path = paths.find((p) => (p.state as CaseSnapshot).context.outcome === outcome);
      expect(path, `${outcome} on ${route}`).toBeDefined();
      for (const step of path!.steps.slice(1)) expect(() => parseEvent(step.event)).not.toThrow();
    }
  });
});
