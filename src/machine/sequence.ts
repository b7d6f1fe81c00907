import type { StepDownEvent } from '../events/index.js';
import type { CaseContext } from './context.js';
import { isAfter, latest } from './instants.js';

/**
 * The earliest instant an event may be dated (rule `step-sequence`): never before the case opened,
 * and never before the facts it rests on. The order events were typed in does not count: a step
 * recorded late may be dated before a step recorded earlier when it does not rest on it (the initial
 * family plan meeting held on its agreed date while the CSC closure was delayed). Recording a step
 * as happening before a fact it depends on is a data error the host must correct. Each dependency is
 * set out in docs/decisions.md "Dates rest on facts, not on typing order".
 */
export function sequenceFloor(context: CaseContext, event: StepDownEvent): string {
  const afterDecision = context.decisionAt ?? context.openedAt;
  const meeting = context.finalMeeting?.at ?? afterDecision;
  const cafStart = context.closure.closedAt ?? meeting;
  switch (event.type) {
    case 'clock.tick':
    case 'calendar.updated':
    case 'decision.agreed':
    case 'person.added':
    case 'event.voided':
      return context.openedAt;
    case 'person.updated':
    case 'involvement.ended':
      return context.people[event.personId]?.addedAt ?? context.openedAt;
    case 'views.recorded':
    case 'consent.given':
    case 'consent.refused':
    case 'disagreement.raised':
    case 'leadProfessional.notFound':
      return latestOf(afterDecision, personAddedAt(context, event));
    // Under the CAF a new Lead Professional follows the one who left.
    case 'leadProfessional.agreed':
      return latestOf(latestOf(afterDecision, personAddedAt(context, event)), context.leadProfessionalSearch ? context.ladderAt : null);
    case 'leadProfessional.left':
      return latestOf(cafStart, context.leadProfessional?.agreedAt ?? null);
    case 'leadProfessional.challengeFailed':
    case 'leadProfessional.panelFailed':
    case 'noLeadProfessional.recorded':
      return context.ladderAt ?? afterDecision;
    case 'disagreement.resolved': {
      const disagreement = context.disagreements.find((d) => d.id === event.disagreementId);
      const raised = disagreement?.raisedAt ?? afterDecision;
      // Withdrawing ends the case: it cannot predate a step the case has already taken.
      return event.outcome === 'step-down-withdrawn' ? latestOf(raised, context.lastStepAt) : raised;
    }
    case 'stepDown.withdrawn':
    case 'case.transferredOut':
    // A case is judged by a newer policy version from its adoption on: not from before a step on file.
    case 'policy.adopted':
      return context.lastStepAt;
    case 'finalMeeting.held':
      return finalMeetingFloor(context);
    // F steps 4–6 and G "Role of the Social Worker" ¶6: the referral, the summary and the shared
    // documents are written from the final meeting; the transfer details finalise the referral.
    case 'eCaf.referralCompleted':
    case 'closureSummary.completed':
    case 'documents.shared':
      return meeting;
    case 'transferDetails.completed':
      return context.closure.referralAt ?? meeting;
    case 'fileReview.completed':
      return meeting;
    case 'stepDown.returned':
      return context.closure.summaryAt ?? meeting;
    case 'stepDown.authorised':
      return authorisationFloor(context);
    case 'csc.closed':
      return closingFloor(context);
    // G "Role of the Social Work Team Manager" ¶3: the CAF assessment reaches EHM once the Team
    // Manager has quality assured it; each round of quality assurance follows the answer before it.
    case 'ehm.infoProvided':
      return context.ehm.infoRequestedAt ?? context.closure.authorisedAt ?? meeting;
    case 'ehm.infoRequested':
    case 'ehm.authorised':
      return latestOf(context.closure.authorisedAt ?? meeting, context.ehm.infoProvidedAt);
    case 'leadProfessional.contacted':
      return context.ehm.authorisedAt ?? cafStart;
    // The initial family plan meeting rests on the date set at the final meeting, not on the CSC
    // closure being typed first; each later meeting follows the one before it.
    case 'familyPlanMeeting.held':
      return context.familyPlan.lastMeetingAt ?? meeting;
    case 'caf.closed':
      return context.familyPlan.finalMeetingAt ?? cafStart;
    case 'reassessment.completed':
    case 'consent.withdrawn':
    case 'stepUp.referred':
      return cafStart;
    default:
      return afterDecision;
  }
}

function latestOf(a: string, b: string | null): string {
  return latest(a, b) ?? a;
}

/** The date the person an event names was added to the case, where it names one who is on it. */
function personAddedAt(context: CaseContext, event: StepDownEvent): string | null {
  return 'personId' in event && typeof event.personId === 'string' ? (context.people[event.personId]?.addedAt ?? null) : null;
}

/**
 * The final meeting is where the step down is agreed on what preparation recorded (G "Decision made
 * to step down from CSC to CAF" ¶1–4): each view, a consent, the Lead Professional's agreement and
 * every resolution must be dated no later than the meeting, or at the meeting's date its gate was
 * not met. A person's earliest view counts: a later, second view does not undo the first.
 */
function finalMeetingFloor(context: CaseContext): string {
  const consents = Object.values(context.consents).filter((c) => c.status === 'given').map((c) => c.at);
  // Any one consent given meets the gate: the earliest is the floor.
  const firstConsent = consents.reduce<string | null>((first, at) => (first === null || isAfter(first, at) ? at : first), null);
  const records = [
    context.decisionAt,
    context.ladderAt,
    // A reconvened meeting follows the return that asked for it.
    context.lastMeetings > 0 ? context.closure.returnedAt : null,
    ...Object.values(context.views).map((v) => v.firstAt),
    firstConsent,
    context.leadProfessional?.agreedAt ?? null,
    ...context.disagreements.map((d) => d.resolvedAt),
  ];
  return records.reduce<string | null>((floor, at) => latest(floor, at), null) ?? context.openedAt;
}

/**
 * The Team Manager quality assures the last meeting, the closure summary and the CAF assessment
 * (G "Role of the Social Work Team Manager" ¶1–3): the authorisation rests on the referral, the
 * transfer details, the summary and the file review, and on consent and every resolution.
 */
function authorisationFloor(context: CaseContext): string {
  const { closure } = context;
  return [closure.referralAt, closure.transferDetailsAt, closure.summaryAt, closure.review?.at ?? null, ...gatedOn(context)]
    .reduce<string | null>((floor, at) => latest(floor, at), context.finalMeeting?.at ?? context.openedAt) ?? context.openedAt;
}

/** F step 8: the closure to CSC follows the authorisation and the documents shared. */
function closingFloor(context: CaseContext): string {
  const { closure } = context;
  return [closure.authorisedAt, closure.sharedAt, ...gatedOn(context)]
    .reduce<string | null>((floor, at) => latest(floor, at), context.finalMeeting?.at ?? context.openedAt) ?? context.openedAt;
}

/** The consent given (again) and the resolutions an authorisation or closure is gated on. */
function gatedOn(context: CaseContext): (string | null)[] {
  return [
    ...Object.values(context.consents).filter((c) => c.status === 'given').map((c) => c.at),
    ...context.disagreements.map((d) => d.resolvedAt),
  ];
}

/** Why an event breaks the sequence of steps, or null when it does not. Never quotes the event's text. */
export function sequenceProblem(context: CaseContext, event: StepDownEvent): string | null {
  const floor = sequenceFloor(context, event);
  if (isAfter(floor, event.at)) {
    return `'${event.type}' is dated ${event.at}, before the fact it rests on (${floor}); check the date.`;
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
