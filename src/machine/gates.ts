import { eventTypes, type EventType, type StepDownEvent } from '../events/index.js';
import type { Policy } from '../policy/define-policy.js';
import type { RuleId } from '../policy/rules.js';
import type { CaseContext, RecordedView } from './context.js';
import { isAfter } from './instants.js';
import { sequenceProblem } from './sequence.js';

/** Says why a gate is not met, or null when it is. Reasons name ids and counts, never an event's text. */
export type GateCheck = (context: CaseContext, event: StepDownEvent, policy: Policy) => string | null;

const parties = ['child', 'parent', 'partner'] as const;
type Party = (typeof parties)[number];

/** The gate rules and their checks. A guard in the machine is one of these, named by its rule id. */
export const gateChecks = {
  'division-of-duties': (_context, event, policy) => {
    const allowed = policy.permissions[event.type];
    return allowed.includes(event.actor.role)
      ? null
      : `'${event.type}' is for ${allowed.join(' or ')}, not ${event.actor.role}.`;
  },
  'step-sequence': (context, event) => sequenceProblem(context, event),
  'views-recorded': (context) => {
    const missing = parties.filter((party) => !context.views.some((v) => v.party === party));
    if (missing.length > 0) return `views not yet recorded for: ${missing.join(', ')}.`;
    const unraised = parties.filter((party) => disagreesUnraised(context, party));
    return unraised.length === 0
      ? null
      : `a view that disagrees with the step down has no disagreement raised for: ${unraised.join(', ')}.`;
  },
  'informed-consent': (context) =>
    context.consent.status === 'given' ? null : 'no informed consent from a parent or carer is recorded.',
  'lead-professional-identified': (context) =>
    context.leadProfessional ? null : 'no Lead Professional has agreed to take the role.',
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
    if (event.type !== 'finalMeeting.held') return null;
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
    const recipients = new Set(event.recipients.map(normaliseName));
    const expected = new Set([
      ...context.views.filter((v) => v.party !== 'child').map((v) => normaliseName(v.name)),
      ...(context.leadProfessional ? [normaliseName(context.leadProfessional.name)] : []),
    ]);
    const missing = [...expected].filter((name) => !recipients.has(name)).length;
    return missing === 0
      ? null
      : `${missing} of the parents, partners and Lead Professional involved are not among the recipients.`;
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

/**
 * G "Decision made to step down from CSC to CAF" ¶3–4: a party who disagrees is a disagreement to
 * resolve, not only a view on file. A party's latest view that disagrees must be matched by a
 * disagreement of theirs still open at that view's date or raised after it (docs/decisions.md
 * "A view that disagrees").
 */
export function disagreesUnraised(context: CaseContext, party: Party): boolean {
  const latestView = context.views
    .filter((v) => v.party === party)
    .reduce<RecordedView | null>((latest, v) => (latest && isAfter(latest.at, v.at) ? latest : v), null);
  if (!latestView || latestView.agrees) return false;
  return !context.disagreements.some(
    (d) => d.by === party && (d.resolvedAt === null || !isAfter(latestView.at, d.resolvedAt)),
  );
}

/** A rule enforced as a guard. */
export type GateRuleId = keyof typeof gateChecks & RuleId;

const always: GateRuleId[] = ['division-of-duties', 'step-sequence'];

/**
 * The gates each event must pass, beyond being valid in the current state. Every event passes
 * `division-of-duties` and `step-sequence` first.
 */
export const gatesFor: Readonly<Record<EventType, readonly GateRuleId[]>> = withAlways({
  'finalMeeting.held': [
    'views-recorded', 'informed-consent', 'lead-professional-identified', 'no-open-disagreement',
    'final-meeting-kind', 'smart-family-plan',
  ],
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

/** Names compare trimmed, case- and space-insensitively: "Jo  Smith" and "jo smith" are one person. */
export function normaliseName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
