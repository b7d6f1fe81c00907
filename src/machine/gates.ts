import { eventTypes, type EventType, type StepDownEvent } from '../events/index.js';
import type { Policy } from '../policy/define-policy.js';
import type { RuleId } from '../policy/rules.js';
import type { Relationship } from '../events/people.js';
import type { CaseContext, Person } from './context.js';
import { isAfter } from './instants.js';
import { sequenceProblem } from './sequence.js';

/** Says why a gate is not met, or null when it is. Reasons name ids and counts, never an event's text. */
export type GateCheck = (context: CaseContext, event: StepDownEvent, policy: Policy) => string | null;

/** The gate rules and their checks. A guard in the machine is one of these, named by its rule id. */
export const gateChecks = {
  'division-of-duties': (context, event, policy) => {
    const allowed = policy.permissions[event.type];
    if (!allowed.includes(event.actor.role)) return `'${event.type}' is for ${allowed.join(' or ')}, not ${event.actor.role}.`;
    // DOMAIN "Real case work": under the CAF the CAF Link Worker and the Lead Professional keep the
    // people of the case up to date; before it, that is the Social Worker's.
    if (isPeopleEvent(event) && event.actor.role !== 'social-worker' && context.closure.closedAt === null) {
      return `'${event.type}' is for the social-worker until the case closes to CSC; then the caf-link-worker and lead-professional too.`;
    }
    // A transfer out is the Social Worker's while the case is with CSC, the CAF's people's after.
    if (event.type === 'case.transferredOut' && (event.actor.role === 'social-worker') !== (context.closure.closedAt === null)) {
      return context.closure.closedAt === null
        ? `'case.transferredOut' is for the social-worker until the case closes to CSC.`
        : `'case.transferredOut' is for the caf-link-worker or lead-professional once the case has closed to CSC.`;
    }
    return null;
  },
  // G "Role of the Lead Professional" ¶2–4: the Lead Professional's steps are theirs on their own cases.
  'own-cases-only': (context, event) => {
    if (event.actor.role !== 'lead-professional' || context.rulesVersion === 1) return null;
    const lp = context.leadProfessional?.personId ?? null;
    if (event.actor.personId === undefined) {
      return `a lead-professional acts as a person of the case: give actor.personId (the Lead Professional's person id).`;
    }
    return event.actor.personId === lp
      ? null
      : `${event.actor.personId} is not this case's Lead Professional${lp ? ` (${lp} is)` : ' (none is in place)'}.`;
  },
  'lead-professional-change': (context, event) => {
    if (context.closure.closedAt === null) return null;
    const search = context.leadProfessionalSearch;
    const expected: Partial<Record<StepDownEvent['type'], typeof search>> = {
      'leadProfessional.agreed': 'sought',
      'leadProfessional.challengeFailed': 'sought',
      'leadProfessional.panelFailed': 'at-panel',
      'noLeadProfessional.recorded': 'none-found',
    };
    if (event.type === 'leadProfessional.left') {
      return search === null && context.leadProfessional ? null : 'no Lead Professional is in place to leave.';
    }
    if (!(event.type in expected)) return null;
    if (event.type === 'leadProfessional.agreed') {
      return search !== null ? null : 'a Lead Professional is in place: record leadProfessional.left first.';
    }
    return search === expected[event.type]
      ? null
      : search === null
        ? 'a Lead Professional is in place: the ladder is climbed only after one leaves.'
        : `the search for a Lead Professional is at '${search}': climb the ladder rung by rung (CAF Link Worker's challenge, the panel, the case note).`;
  },
  'destination-plan': (context, event) => {
    if (event.type !== 'finalMeeting.held') return null;
    const cafParts = [event.cafAssessment, event.familyPlan, event.firstFamilyPlanMeetingDate];
    if (context.destination === 'universal-services') {
      if (event.universalServicesPlan === undefined) return 'a step down to universal services documents its plan: give universalServicesPlan.';
      return cafParts.every((part) => part === undefined)
        ? null
        : 'a step down to universal services has no CAF assessment, family plan or first family plan meeting date.';
    }
    if (event.universalServicesPlan !== undefined) {
      return 'this case steps down to a CAF: the meeting agrees a family plan, not a plan for universal services.';
    }
    return cafParts.every((part) => part !== undefined)
      ? null
      : 'a step down to CAF completes the CAF assessment, agrees the family plan and sets the first family plan meeting date: give cafAssessment, familyPlan and firstFamilyPlanMeetingDate.';
  },
  'step-sequence': (context, event) => sequenceProblem(context, event),
  'people-on-record': (context, event) => peopleProblem(context, event),
  'views-recorded': (context) => {
    const required = peopleWhoseViewsAreNeeded(context);
    const problems: string[] = [];
    for (const relationship of ['child', 'parent-carer'] as const) {
      if (!required.some(([, p]) => p.relationship === relationship)) {
        problems.push(`no ${relationship} is on the case record: add them with person.added`);
      }
    }
    const missing = required.filter(([id]) => !context.views[id] && !agreedAsLeadProfessional(context, id)).map(([id]) => id);
    if (missing.length > 0) problems.push(`views not yet recorded for person(s): ${missing.join(', ')}`);
    const unraised = required.map(([id]) => id).filter((id) => disagreesUnraised(context, id));
    if (unraised.length > 0) {
      problems.push(`a view that disagrees with the step down has no disagreement raised for person(s): ${unraised.join(', ')}`);
    }
    return problems.length === 0 ? null : `${problems.join('; ')}.`;
  },
  // G "Step down standards/Role and Responsibilities" ¶1: a step down to universal services has no
  // CAF, so neither CAF consent nor a Lead Professional.
  'informed-consent': (context) =>
    context.destination === 'universal-services' ||
    Object.entries(context.consents).some(([id, c]) => c.status === 'given' && isInvolved(context, id))
      ? null
      : 'no informed consent from a parent/carer still involved is on file.',
  'lead-professional-identified': (context) => {
    if (context.destination === 'universal-services') return null;
    const lp = context.leadProfessional;
    if (!lp) return 'no Lead Professional has agreed to take the role.';
    return isInvolved(context, lp.personId)
      ? null
      : `the Lead Professional on file (${lp.personId}) is no longer involved; another must agree to take the role.`;
  },
  'no-open-disagreement': (context) => {
    const open = context.disagreements.filter((d) => d.status === 'open').map((d) => d.id);
    return open.length === 0 ? null : `disagreement(s) still open: ${open.join(', ')}.`;
  },
  'final-meeting-kind': (context, event) => {
    if (event.type !== 'finalMeeting.held') return null;
    const expected = context.route === 'ten-day-checkpoint' ? ['multi-agency'] : ['final-cin', 'core-group'];
    return expected.includes(event.kind)
      ? null
      : `the ${context.route} route ends in a ${expected.join(' or ')} meeting, not ${event.kind}.`;
  },
  'smart-family-plan': (_context, event) => {
    if (event.type !== 'finalMeeting.held' || event.familyPlan === undefined) return null;
    const plan = event.familyPlan;
    return plan.smart === true && plan.agreedByFamily === true && plan.agreedByPartners === true
      ? null
      : 'the family plan must be SMART and agreed by the family and the partners.';
  },
  'ecaf-referral-complete': (context, event) => {
    if (event.type !== 'eCaf.referralCompleted') return null;
    const agreed = context.finalMeeting?.firstFamilyPlanMeetingDate;
    return event.form.firstFamilyPlanMeetingDate === agreed
      ? null
      : `section 11 must give the first family plan meeting date agreed at the final meeting (${agreed}).`;
  },
  'parents-aware-of-transfer': (_context, event) =>
    event.type === 'transferDetails.completed' && event.parentsAware !== true
      ? 'the parents must be aware of the transfer before the transfer details are finalised.'
      : null,
  'tm-file-review': (context) =>
    context.closure.review?.complete === true
      ? null
      : 'the file review must find supervisions, chronology, plans, reviews, assessments and views on closure all on file.',
  'tm-quality-assurance': (context) => {
    const { review, summaryAt } = context.closure;
    if (!review) return 'the Team Manager has not reviewed the file.';
    return summaryAt && isAfter(summaryAt, review.at)
      ? 'the closure summary was resubmitted after the last file review; review it again.'
      : null;
  },
  // G "Role of the Social Work Team Manager" ¶1–2: the manager's review is a check on the summary,
  // so no one who wrote any version of it may review, return or authorise it.
  'separation-of-duties': (context, event) =>
    context.closure.summaryAuthors.includes(event.actor.id)
      ? 'the closure summary must be reviewed and authorised by someone other than any of its authors.'
      : null,
  'documents-shared-with-all': (context, event) => {
    if (event.type !== 'documents.shared') return null;
    const recipients = new Set(event.recipients);
    const missing = documentRecipientsNeeded(context).filter((id) => !recipients.has(id));
    return missing.length === 0
      ? null
      : `the documents must go to every parent/carer and practitioner still involved and the Lead Professional; not among the recipients: ${missing.join(', ')}.`;
  },
  'ehm-quality-assurance': (context) =>
    context.ehm.authorisedAt ? null : 'the CAF Link Worker has not yet authorised the CAF in EHM.',
  'caf-closure-all-actions-met': (context, event) => {
    if (event.type === 'familyPlanMeeting.held' && event.kind !== 'final') return null;
    const statuses = { ...context.familyPlan.actions };
    if (event.type === 'familyPlanMeeting.held') for (const a of event.actions) statuses[a.id] = a.status;
    const open = Object.entries(statuses).filter(([, status]) => status !== 'met').map(([id]) => id);
    if (event.type === 'caf.closed' && !context.familyPlan.finalMeetingAt) return 'no final family plan meeting is recorded.';
    return open.length === 0 ? null : `family plan action(s) not met: ${open.join(', ')}.`;
  },
} satisfies Record<string, GateCheck>;

const peopleEvents: ReadonlySet<EventType> = new Set<EventType>(['person.added', 'person.updated', 'involvement.ended']);

function isPeopleEvent(event: StepDownEvent): boolean {
  return peopleEvents.has(event.type);
}

/** True when the person is on the case record and their involvement has not ended. */
export function isInvolved(context: CaseContext, personId: string): boolean {
  const person = context.people[personId];
  return person !== undefined && person.endedAt === null;
}

/**
 * G "Decision made to step down from CSC to CAF" ¶1 and "Final CIN/Step down to CAF meeting" ¶1:
 * the views of the child, the parents and the partners. Every child, parent/carer and practitioner
 * still involved; other family members' views are welcome but not required.
 */
export function peopleWhoseViewsAreNeeded(context: CaseContext): [string, Person][] {
  return Object.entries(context.people).filter(
    ([, p]) => p.endedAt === null && p.relationship !== 'family-member',
  );
}

/**
 * A practitioner who has agreed to be the Lead Professional has given their view of the step down
 * by agreeing to lead it (G "Decision made to step down from CSC to CAF" ¶2): no separate view is
 * asked of them, though one they give counts (docs/decisions.md "The Lead Professional's view").
 */
export function agreedAsLeadProfessional(context: CaseContext, personId: string): boolean {
  return context.leadProfessional?.personId === personId;
}

/**
 * G "Role of the Social Worker" ¶2: the documents go to ALL relevant family and partners: every
 * parent/carer and practitioner still involved, and the Lead Professional. The child is told
 * through their parents; other family members are sent copies where the host lists them.
 */
export function documentRecipientsNeeded(context: CaseContext): string[] {
  const ids = Object.entries(context.people)
    .filter(([, p]) => p.endedAt === null && (p.relationship === 'parent-carer' || p.relationship === 'practitioner'))
    .map(([id]) => id);
  const lp = context.leadProfessional?.personId;
  return lp && !ids.includes(lp) ? [...ids, lp] : ids;
}

/**
 * Rule `people-on-record`: every person an event names is on the case, still involved, and of the
 * relationship the step asks for. Ids only in the reason.
 */
function peopleProblem(context: CaseContext, event: StepDownEvent): string | null {
  const unknown = (ids: readonly string[]) => ids.filter((id) => !context.people[id]);
  const ended = (ids: readonly string[]) => ids.filter((id) => context.people[id]?.endedAt != null);
  const check = (ids: readonly string[], relationship?: Relationship, label?: string): string | null => {
    const missing = unknown(ids);
    if (missing.length > 0) return `not a person of this case: ${missing.join(', ')}; add them with person.added first.`;
    const gone = ended(ids);
    if (gone.length > 0) return `no longer involved: ${gone.join(', ')}.`;
    if (relationship) {
      const wrong = ids.filter((id) => context.people[id]?.relationship !== relationship);
      if (wrong.length > 0) return `${wrong.join(', ')} must be ${label ?? `a ${relationship}`} for '${event.type}'.`;
    }
    return null;
  };
  switch (event.type) {
    case 'person.added':
      return context.people[event.personId]
        ? `person id '${event.personId}' is already on this case; correct a record with person.updated.`
        : null;
    case 'person.updated': {
      const problem = check([event.personId]);
      if (problem) return problem;
      const person = context.people[event.personId]!;
      if (event.agency !== undefined && person.relationship !== 'practitioner') {
        return `${event.personId} is not a practitioner, so has no agency.`;
      }
      if (event.parentalResponsibility !== undefined && person.relationship !== 'parent-carer') {
        return `${event.personId} is not a parent-carer, so parental responsibility is not recorded for them.`;
      }
      return null;
    }
    case 'involvement.ended':
    case 'views.recorded':
    case 'disagreement.raised':
      return check([event.personId]);
    case 'consent.given':
    case 'consent.refused':
    case 'consent.withdrawn':
      return check([event.personId], 'parent-carer', 'a parent-carer');
    case 'leadProfessional.agreed':
      return check([event.personId], 'practitioner', "a partner agency's practitioner");
    case 'finalMeeting.held':
      return check(event.attendees);
    case 'documents.shared':
      return check(event.recipients);
    default:
      return null;
  }
}

/**
 * G "Decision made to step down from CSC to CAF" ¶3–4: a person who disagrees is a disagreement to
 * resolve, not only a view on file. A person's view on file that disagrees must be matched by a
 * disagreement of theirs still open at that view's date or raised after it (docs/decisions.md
 * "A view that disagrees").
 */
export function disagreesUnraised(context: CaseContext, personId: string): boolean {
  const view = context.views[personId];
  if (!view || view.agrees) return false;
  return !context.disagreements.some(
    (d) => d.personId === personId && (d.resolvedAt === null || !isAfter(view.at, d.resolvedAt)),
  );
}

/** A rule enforced as a guard. */
export type GateRuleId = keyof typeof gateChecks & RuleId;

const always: GateRuleId[] = ['division-of-duties', 'own-cases-only', 'step-sequence', 'people-on-record'];

/**
 * The gates each event must pass, beyond being valid in the current state. Every event passes
 * `division-of-duties`, `step-sequence` and `people-on-record` first.
 */
export const gatesFor: Readonly<Record<EventType, readonly GateRuleId[]>> = withAlways({
  'finalMeeting.held': [
    'views-recorded', 'informed-consent', 'lead-professional-identified', 'no-open-disagreement',
    'final-meeting-kind', 'destination-plan', 'smart-family-plan',
  ],
  'leadProfessional.left': ['lead-professional-change'],
  'leadProfessional.agreed': ['lead-professional-change'],
  'leadProfessional.challengeFailed': ['lead-professional-change'],
  'leadProfessional.panelFailed': ['lead-professional-change'],
  'noLeadProfessional.recorded': ['lead-professional-change'],
  'eCaf.referralCompleted': ['ecaf-referral-complete'],
  'transferDetails.completed': ['parents-aware-of-transfer'],
  // Consent refused during closure (G "Decision made to step down from CSC to CAF" ¶1, ¶3) must be
  // given again before the Team Manager authorises the step down or the case closes to CSC.
  'stepDown.authorised': [
    'tm-quality-assurance', 'tm-file-review', 'separation-of-duties', 'no-open-disagreement', 'informed-consent',
  ],
  'fileReview.completed': ['separation-of-duties'],
  'stepDown.returned': ['separation-of-duties'],
  'documents.shared': ['documents-shared-with-all'],
  'csc.closed': ['no-open-disagreement', 'informed-consent'],
  'familyPlanMeeting.held': ['caf-closure-all-actions-met'],
  'caf.closed': ['ehm-quality-assurance', 'caf-closure-all-actions-met'],
});

function withAlways(
  specific: Partial<Record<EventType, readonly GateRuleId[]>>,
): Record<EventType, readonly GateRuleId[]> {
  return Object.fromEntries(
    eventTypes.map((type) => [type, [...always, ...(specific[type] ?? [])]]),
  ) as unknown as Record<EventType, readonly GateRuleId[]>;
}

/** The gates an event fails in this context, with the reason each is unmet. */
export function unmetGates(
  context: CaseContext,
  event: StepDownEvent,
  policy: Policy,
): { rule: GateRuleId; reason: string }[] {
  const unmet: { rule: GateRuleId; reason: string }[] = [];
  for (const rule of gatesFor[event.type]) {
    const reason = gateChecks[rule](context, event, policy);
    if (reason !== null) unmet.push({ rule, reason });
  }
  return unmet;
}

