import type { EventType } from '../events/registry.js';
import type { Relationship } from '../events/people.js';

/**
 * Every event type as a practitioner reads it in a timeline: what happened, in the past tense, in
 * the words of the practice guidance. `case.opened` is not an event a host sends, but the simulator
 * and the reports show the case's opening as one.
 *
 * @example
 * ```ts
 * eventLabels['eCaf.referralCompleted']; // => 'e-CAF referral completed'
 * ```
 */
export const eventLabels: Readonly<Record<EventType | 'case.opened', string>> = {
  'case.opened': 'Step down case opened',
  'person.added': 'Person added to the case',
  'person.updated': "Person's details updated",
  'involvement.ended': "Person's involvement ended",
  'decision.agreed': 'Step down agreed in supervision',
  'views.recorded': 'View on the step down recorded',
  'consent.given': 'Consent to the CAF given',
  'consent.refused': 'Consent to the CAF refused',
  'disagreement.raised': 'Disagreement raised',
  'disagreement.resolved': 'Disagreement resolved',
  'leadProfessional.agreed': 'Lead Professional agreed',
  'leadProfessional.notFound': 'No agency agreed to be Lead Professional',
  'leadProfessional.challengeFailed': "CAF Link Worker's challenge found no Lead Professional",
  'leadProfessional.panelFailed': 'Transforming Lives Panel found no Lead Professional',
  'noLeadProfessional.recorded': 'Case note added: no Lead Professional',
  'stepDown.withdrawn': 'Step down withdrawn',
  'finalMeeting.held': 'Final meeting held',
  'eCaf.referralCompleted': 'e-CAF referral completed',
  'transferDetails.completed': 'Transfer details completed',
  'closureSummary.completed': 'Closure summary written',
  'fileReview.completed': "Team Manager's file review completed",
  'stepDown.authorised': 'Step down authorised',
  'stepDown.returned': 'Step down returned for changes',
  'documents.shared': 'Meeting minutes and CAF shared',
  'csc.closed': "Case closed to Children's Social Care",
  'ehm.infoRequested': 'More information asked for in EHM',
  'ehm.infoProvided': 'More information given in EHM',
  'ehm.authorised': 'CAF authorised in EHM',
  'leadProfessional.contacted': 'Lead Professional contacted',
  'familyPlanMeeting.held': 'Family plan meeting held',
  'reassessment.completed': 'Reassessment completed',
  'caf.closed': 'CAF closed',
  'consent.withdrawn': 'Consent to the CAF withdrawn',
  'stepUp.referred': "Referred back to Children's Social Care",
  'leadProfessional.left': 'Lead Professional left the role',
  'case.transferredOut': 'Family moved: case transferred to another authority',
  'clock.tick': 'Deadlines checked',
  'calendar.updated': 'Bank holidays updated: deadlines moved',
  'event.voided': 'Entry voided as recorded in error',
  'policy.adopted': 'Case moved to a newer version of the policy',
};

/**
 * How a person stands to the case, in the possessive a timeline uses: "Parent/carer's".
 *
 * @example
 * ```ts
 * relationshipLabels['parent-carer']; // => 'Parent/carer'
 * ```
 */
export const relationshipLabels: Readonly<Record<Relationship, string>> = {
  child: 'Child',
  'parent-carer': 'Parent/carer',
  'family-member': 'Family member',
  practitioner: 'Partner agency',
};

/** Events whose label says whose it is when the person's relationship is known. */
const personal: Partial<Record<EventType, (who: string) => string>> = {
  'views.recorded': (who) => `${who}'s view recorded`,
  'person.added': (who) => `${who} added to the case`,
  'involvement.ended': (who) => `${who}'s involvement ended`,
  'disagreement.raised': (who) => `${who}'s disagreement raised`,
};

/**
 * The label of an event, naming whose it is when the person it is about is known by relationship
 * (never by name): "Parent/carer's view recorded". An unknown type is shown as it is.
 *
 * @example
 * ```ts
 * eventLabel('views.recorded', 'parent-carer'); // => "Parent/carer's view recorded"
 * eventLabel('views.recorded'); // => 'View on the step down recorded'
 * ```
 */
export function eventLabel(type: string, relationship?: Relationship | null): string {
  const withWho = relationship ? personal[type as EventType] : undefined;
  if (withWho && relationship) return withWho(relationshipLabels[relationship]);
  return (eventLabels as Readonly<Record<string, string>>)[type] ?? type;
}
