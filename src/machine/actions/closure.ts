import { dueOf } from '../deadline-due.js';
import type { EventOf } from '../../events/index.js';
import type { Policy } from '../../policy/define-policy.js';
import { openDeadline, type Effects } from '../deadlines.js';

/** F step 5: the e-CAF referral, finalised; the transfer details rest on it. */
export function completeReferral(effects: Effects, event: EventOf<'eCaf.referralCompleted'>): Effects {
  return { ...effects, context: { ...effects.context, closure: { ...effects.context.closure, referralAt: event.at } } };
}

/** F step 6: the transfer details, finalised. */
export function completeTransferDetails(effects: Effects, event: EventOf<'transferDetails.completed'>): Effects {
  return { ...effects, context: { ...effects.context, closure: { ...effects.context.closure, transferDetailsAt: event.at } } };
}

/** G "Role of the Social Worker" ¶2: the minutes and the CAF assessment with the plan are sent; the closure rests on it. */
export function shareDocuments(effects: Effects, event: EventOf<'documents.shared'>): Effects {
  return { ...effects, context: { ...effects.context, closure: { ...effects.context.closure, sharedAt: event.at } } };
}

/** G "Role of the Social Worker" ¶6: the summary goes to the Team Manager; its author is kept for rule `separation-of-duties`. */
export function completeClosureSummary(effects: Effects, event: EventOf<'closureSummary.completed'>): Effects {
  const authors = effects.context.closure.summaryAuthors;
  const summaryAuthors = authors.includes(event.actor.id) ? authors : [...authors, event.actor.id];
  const closure = { ...effects.context.closure, summaryBy: event.actor.id, summaryAuthors, summaryAt: event.at };
  return { ...effects, context: { ...effects.context, closure} };
}

/** G "Role of the Social Work Team Manager" ¶1 (rule `tm-file-review`): the latest review is the one that counts. */
export function completeFileReview(effects: Effects, event: EventOf<'fileReview.completed'>): Effects {
  const complete =
    event.supervisions && event.chronology && event.childsPlans && event.childsReviews &&
    event.assessmentsUploaded && event.viewsOnClosureEvidenced;
  const closure = { ...effects.context.closure, review: { at: event.at, complete } };
  return { ...effects, context: { ...effects.context, closure} };
}

/** F step 7: authorised by the Team Manager. */
export function authoriseStepDown(effects: Effects, event: EventOf<'stepDown.authorised'>): Effects {
  const closure = { ...effects.context.closure, authorisedAt: event.at };
  return { ...effects, context: { ...effects.context, closure} };
}

/** G "Role of the Social Work Team Manager" ¶2: returned with reasons; a fresh review is needed after resubmission. */
export function returnStepDown(effects: Effects, event: EventOf<'stepDown.returned'>): Effects {
  const closure = { ...effects.context.closure, review: null, returns: effects.context.closure.returns + 1, returnedAt: event.at };
  return { ...effects, context: { ...effects.context, closure} };
}

/**
 * G "Role of the Social Work Team Manager" ¶2–3 (rule `reconvened-meeting`): returned for the last
 * meeting to be held again. The case goes back to preparation; the closure starts afresh after the
 * new meeting (the authors of the summary stay barred from reviewing it), and the first meeting's
 * judged deadline stays as it was judged: the new meeting is judged under its own id.
 */
export function returnToMeeting(effects: Effects, event: EventOf<'stepDown.returned'>): Effects {
  const before = effects.context.closure;
  const closure = {
    ...before,
    referralAt: null,
    transferDetailsAt: null,
    summaryAt: null,
    review: null,
    returns: before.returns + 1,
    returnedAt: event.at,
    authorisedAt: null,
    sharedAt: null,
  };
  const familyPlan = { ...effects.context.familyPlan, actions: {} };
  return { ...effects, context: { ...effects.context, closure, finalMeeting: null, familyPlan } };
}

/**
 * F step 8: the case closes to CSC. The CAF starts that day, which starts two clocks: the initial
 * family plan meeting within 28 days (G "Role of the Lead Professional" ¶2) and the 12 months
 * (G "Role of the Lead Professional" ¶4).
 */
export function closeToCsc(effects: Effects, event: EventOf<'csc.closed'>, policy: Policy): Effects {
  const closure = { ...effects.context.closure, closedAt: event.at };
  let next: Effects = { ...effects, context: { ...effects.context, closure } };
  // A step down to universal services ends here: no CAF, no family plan clocks.
  if (effects.context.destination === 'universal-services') return next;
  const firstMeetingDue = dueOf('first-family-plan-meeting', event.at, policy).due;
  next = openDeadline(next, {
    id: 'first-family-plan-meeting',
    rule: 'first-family-plan-meeting',
    opensAt: event.at,
    due: firstMeetingDue,
  });
  // G "Role of the CAF Link Worker" ¶3: the CLW's contact makes sure that meeting happens in its 4
  // weeks, so it falls due with it (docs/decisions.md "The CAF Link Worker's contact").
  if (effects.context.rulesVersion !== 1) {
    next = openDeadline(next, {
      id: 'clw-contacts-lead-professional',
      rule: 'clw-contacts-lead-professional',
      opensAt: event.at,
      due: firstMeetingDue,
    });
  }
  return openDeadline(next, {
    id: 'caf-twelve-months:1',
    rule: 'caf-twelve-months',
    opensAt: event.at,
    ...dueOf('caf-twelve-months', event.at, policy),
  });
}
