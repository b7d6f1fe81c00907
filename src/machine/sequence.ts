import type { EventType, StepDownEvent } from '../events/index.js';
import type { CaseContext } from './context.js';
import { isAfter, latest } from './instants.js';

/**
 * Events on the main line of F steps 3–8: each one moves the case on, and the next may not be
 * dated before it.
 */
export const mainLineEvents: ReadonlySet<EventType> = new Set<EventType>([
  'decision.agreed',
  'finalMeeting.held',
  'eCaf.referralCompleted',
  'transferDetails.completed',
  'closureSummary.completed',
  'fileReview.completed',
  'stepDown.authorised',
  'stepDown.returned',
  'documents.shared',
  'csc.closed',
]);

/**
 * The earliest instant an event may be dated (rule `step-sequence`): never before the case opened,
 * and never before the step it follows. Late recording is fine; recording a step as happening
 * before the step it depends on is a data error the host must correct.
 */
export function sequenceFloor(context: CaseContext, event: StepDownEvent): string {
  const afterDecision = context.decisionAt ?? context.openedAt;
  const afterClosure = context.closure.closedAt ?? context.lastStepAt;
  switch (event.type) {
    case 'clock.tick':
    case 'decision.agreed':
      return context.openedAt;
    case 'leadProfessional.challengeFailed':
    case 'leadProfessional.panelFailed':
    case 'noLeadProfessional.recorded':
      return context.ladderAt ?? afterDecision;
    case 'disagreement.resolved': {
      const disagreement = context.disagreements.find((d) => d.id === event.disagreementId);
      const raised = disagreement?.raisedAt ?? afterDecision;
      // Withdrawing ends the case: it cannot predate a step the case has already taken.
      return event.outcome === 'step-down-withdrawn' ? (latest(raised, context.lastStepAt) ?? raised) : raised;
    }
    case 'stepDown.withdrawn':
      return context.lastStepAt;
    case 'stepDown.authorised':
    case 'csc.closed':
      return closingFloor(context);
    case 'ehm.infoProvided':
      return context.ehm.infoRequestedAt ?? afterClosure;
    case 'ehm.infoRequested':
    case 'ehm.authorised':
      // Each round of quality assurance follows the answer to the round before it.
      return latest(context.ehm.infoProvidedAt, afterClosure) ?? afterClosure;
    case 'reassessment.completed':
    case 'consent.withdrawn':
    case 'stepUp.referred':
      return afterClosure;
    case 'leadProfessional.contacted':
      return context.ehm.authorisedAt ?? afterClosure;
    case 'familyPlanMeeting.held':
      return latest(context.familyPlan.lastMeetingAt, afterClosure) ?? afterClosure;
    case 'caf.closed':
      return context.familyPlan.finalMeetingAt ?? afterClosure;
    case 'finalMeeting.held':
      return finalMeetingFloor(context);
    default:
      return mainLineEvents.has(event.type) ? context.lastStepAt : afterDecision;
  }
}

/**
 * The final meeting is where the step down is agreed on what preparation recorded (G "Decision made
 * to step down from CSC to CAF" ¶1–4): each view, the consent, the Lead Professional's agreement and
 * every resolution must be dated no later than the meeting, or at the meeting's date its gate was
 * not met. A party's earliest view counts: a later, second view does not undo the first.
 */
function finalMeetingFloor(context: CaseContext): string {
  const firstViews = new Map<string, string>();
  for (const view of context.views) {
    const seen = firstViews.get(view.party);
    if (!seen || isAfter(seen, view.at)) firstViews.set(view.party, view.at);
  }
  const records = [
    context.lastStepAt,
    ...firstViews.values(),
    context.consent.status === 'given' ? context.consent.at : null,
    context.leadProfessional?.agreedAt ?? null,
    ...context.disagreements.map((d) => d.resolvedAt),
  ];
  return records.reduce<string | null>((floor, at) => latest(floor, at), null) ?? context.lastStepAt;
}

/**
 * The authorisation and the closure to CSC are gated on consent and on no open disagreement: they
 * may not be dated before the consent given (again) or a resolution, or at their date the gate was
 * not met.
 */
function closingFloor(context: CaseContext): string {
  const records = [
    context.consent.status === 'given' ? context.consent.at : null,
    ...context.disagreements.map((d) => d.resolvedAt),
  ];
  return records.reduce<string | null>((floor, at) => latest(floor, at), context.lastStepAt) ?? context.lastStepAt;
}

/** Why an event breaks the sequence of steps, or null when it does not. Never quotes the event's text. */
export function sequenceProblem(context: CaseContext, event: StepDownEvent): string | null {
  const floor = sequenceFloor(context, event);
  if (isAfter(floor, event.at)) {
    return `'${event.type}' is dated ${event.at}, before the step it follows (${floor}); check the date.`;
  }
  switch (event.type) {
    case 'disagreement.raised':
    case 'consent.refused':
      return context.disagreements.some((d) => d.id === event.disagreementId)
        ? `disagreement id '${event.disagreementId}' is already used in this case; give the new disagreement its own id.`
        : null;
    case 'disagreement.resolved':
      return context.disagreements.some((d) => d.id === event.disagreementId && d.status === 'open')
        ? null
        : `no open disagreement has id '${event.disagreementId}'.`;
    case 'familyPlanMeeting.held': {
      const first = context.familyPlan.meetings === 0;
      if (first && event.kind !== 'initial') return 'the initial family plan meeting must be recorded first.';
      if (!first && event.kind === 'initial') return 'the initial family plan meeting has already been recorded; use a review or final meeting.';
      return null;
    }
    default:
      return null;
  }
}
