import type { EventType } from '../events/index.js';
import type { Role } from './roles.js';

const SW = 'social-worker';
const TM = 'team-manager';
const CLW = 'caf-link-worker';
const LP = 'lead-professional';
const EHM = 'early-help-manager';

/**
 * Which roles may send each event: the policy's division of duties (rule `division-of-duties`).
 * Each line names the paragraph that gives the step to that role.
 */
export const defaultPermissions: Readonly<Record<EventType, readonly Role[]>> = {
  // DOMAIN "Real case work": the Social Worker keeps the case's people; under the CAF the CAF Link
  // Worker and the Lead Professional too (G "Role of the CAF Link Worker" ¶1, "Role of the Lead
  // Professional" ¶2). The gate `division-of-duties` holds the latter two back until CSC closes.
  'person.added': [SW, CLW, LP],
  'person.updated': [SW, CLW, LP],
  'involvement.ended': [SW, CLW, LP],
  // G "Role of the Social Worker" ¶1: the TM agrees the decision in supervision.
  'decision.agreed': [TM],
  // G "Decision made to step down from CSC to CAF" ¶1–4: the SW seeks views and consent and documents disagreement.
  'views.recorded': [SW],
  'consent.given': [SW],
  'consent.refused': [SW],
  'disagreement.raised': [SW],
  // G "Decision made to step down from CSC to CAF" ¶3–4: resolution is the TM's.
  'disagreement.resolved': [TM],
  // G "Decision made…" ¶2 and G "Challenge and support…" ¶1: the SW, the CLW or the EH&SS Manager secures an LP.
  'leadProfessional.agreed': [SW, CLW, EHM],
  'leadProfessional.notFound': [SW],
  'leadProfessional.challengeFailed': [CLW],
  'leadProfessional.panelFailed': [EHM],
  'noLeadProfessional.recorded': [EHM],
  'stepDown.withdrawn': [TM],
  'finalMeeting.held': [SW],
  // F steps 4–8 and G "Role of the Social Worker" ¶2, ¶4, ¶6.
  'eCaf.referralCompleted': [SW],
  'transferDetails.completed': [SW],
  'closureSummary.completed': [SW],
  // G "Role of the Social Work Team Manager" ¶1–3 and F step 7.
  'fileReview.completed': [TM],
  'stepDown.authorised': [TM],
  'stepDown.returned': [TM],
  'documents.shared': [SW],
  'csc.closed': [SW],
  // G "Role of the CAF Link Worker" ¶2–3.
  'ehm.infoRequested': [CLW],
  'ehm.infoProvided': [SW],
  'ehm.authorised': [CLW],
  'leadProfessional.contacted': [CLW],
  // G "Role of the Lead Professional" ¶2–4.
  'familyPlanMeeting.held': [LP],
  'reassessment.completed': [LP],
  'caf.closed': [LP],
  // The issue's roles table: "every other event — social-worker, and also … consent.withdrawn and
  // stepUp.referred lead-professional, caf-link-worker and team-manager" (docs/decisions.md "Who sends what").
  'consent.withdrawn': [SW, LP, CLW, TM],
  'stepUp.referred': [SW, LP, CLW, TM],
  // DOMAIN "The Lead Professional can change": the LP, the CAF Link Worker or the EH&SS Manager records it.
  'leadProfessional.left': [LP, CLW, EHM],
  // DOMAIN "Outcomes": the Social Worker before the CSC closure; under the CAF the CAF Link Worker or
  // the Lead Professional (the gate `division-of-duties` holds each to their side of the closure).
  'case.transferredOut': [SW, CLW, LP],
  // DOMAIN "Time": the host's clock reaches the machine only as a system tick.
  'clock.tick': ['system'],
  // A bank-holiday change reaches a case only through engine.updateCalendar, as the system.
  'calendar.updated': ['system'],
  // DOMAIN "Real case work": mistakes are corrected by voiding. The engine checks that the void comes
  // from the role that sent the event, or from a Team Manager (docs/decisions.md "Voids").
  'event.voided': [SW, TM, CLW, LP, EHM],
  // DOMAIN "Time": a case moves to a newer policy version only by an audited decision; G "Role of the
  // Social Work Team Manager" ¶1 and "Role of the Social Worker" ¶1 make the Team Manager the one who
  // agrees the case's decisions (docs/decisions.md "Policy versions").
  'policy.adopted': [TM],
};
