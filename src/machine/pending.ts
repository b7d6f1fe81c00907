import type { EventType } from '../events/index.js';
import type { Role } from '../policy/roles.js';
import type { RuleId } from '../policy/rules.js';
import { agreedAsLeadProfessional, disagreesUnraised, gateChecks, peopleWhoseViewsAreNeeded } from './gates.js';
import type { CaseContext } from './context.js';
import { isAfter } from './instants.js';
import type { StateValue } from 'xstate';
import { inState } from './in-state.js';
import type { CaseSnapshot } from './snapshot.js';

/**
 * A step the case is waiting for, from whom and by when. `detail` is an id (a person's, a
 * disagreement's) or a kind, never free text.
 */
export interface PendingStep {
  readonly step: EventType;
  readonly role: Role;
  readonly rule: RuleId;
  readonly detail?: string;
  /** The person who is to take the step, where the case knows them: the Lead Professional's person id. */
  readonly personId?: string;
  /** The user who is to take it, where the case knows them: the Team Manager who agreed the decision. */
  readonly actorId?: string;
  /** The instant the step falls due (a deadline's last instant), where a timescale applies. */
  readonly due?: string;
}

/** What the case is waiting for, in policy order, each with who takes it and when it falls due. */
export function pendingSteps(snapshot: CaseSnapshot): PendingStep[] {
  if (snapshot.status !== 'active') return [];
  return waitingFor(snapshot).map((step) => withWho(snapshot.context, step));
}

/** The deadline each kind of step meets, so a work list can say by when. */
function dueOf(context: CaseContext, step: PendingStep): string | undefined {
  const open = (id: string) => context.deadlines.find((d) => d.id === id && (d.status === 'open' || d.status === 'missed'))?.due;
  const openOf = (rule: RuleId) => context.deadlines.find((d) => d.rule === rule && (d.status === 'open' || d.status === 'missed'))?.due;
  switch (step.step) {
    case 'disagreement.resolved':
      return step.detail ? open(`disagreement-resolution:${step.detail}`) : undefined;
    case 'familyPlanMeeting.held':
      return step.detail === 'initial' ? open('first-family-plan-meeting') : openOf('family-plan-review');
    // The contact follows the EHM authorisation, so the authorisation is due by the contact's date too.
    case 'ehm.authorised':
    case 'leadProfessional.contacted':
      return open('clw-contacts-lead-professional');
    case 'reassessment.completed':
      return openOf('caf-twelve-months');
    default:
      return undefined;
  }
}

function withWho(context: CaseContext, step: PendingStep): PendingStep {
  const due = dueOf(context, step);
  const lp = context.leadProfessional?.personId;
  const personId = step.role === 'lead-professional' && lp ? lp : undefined;
  const actorId = step.role === 'team-manager' && context.decisionBy ? context.decisionBy : undefined;
  return { ...step, ...(personId ? { personId } : {}), ...(actorId ? { actorId } : {}), ...(due ? { due } : {}) };
}

function waitingFor(snapshot: CaseSnapshot): PendingStep[] {
  const context = snapshot.context;
  const at = (path: Parameters<CaseSnapshot['matches']>[0]) => inState(snapshot, path as StateValue);
  if (at({ withChildrensSocialCare: 'decision' })) {
    return [{ step: 'decision.agreed', role: 'team-manager', rule: 'threshold-decision' }];
  }
  if (at({ withChildrensSocialCare: 'preparation' })) return preparationSteps(snapshot, context);
  if (at({ withChildrensSocialCare: 'closure' })) return closureSteps(snapshot, context);
  return underCafSteps(snapshot, context);
}

function preparationSteps(snapshot: CaseSnapshot, context: CaseContext): PendingStep[] {
  const steps: PendingStep[] = [];
  const needed = peopleWhoseViewsAreNeeded(context);
  for (const relationship of ['child', 'parent-carer'] as const) {
    if (!needed.some(([, p]) => p.relationship === relationship)) {
      steps.push({ step: 'person.added', role: 'social-worker', rule: 'views-recorded', detail: relationship });
    }
  }
  for (const [personId] of needed) {
    if (!context.views[personId] && !agreedAsLeadProfessional(context, personId)) {
      steps.push({ step: 'views.recorded', role: 'social-worker', rule: 'views-recorded', detail: personId });
    } else if (disagreesUnraised(context, personId)) {
      steps.push({ step: 'disagreement.raised', role: 'social-worker', rule: 'views-recorded', detail: personId });
    }
  }
  if (context.destination === 'caf' && gateChecks['informed-consent'](context) !== null) {
    const carers = needed.filter(([, p]) => p.relationship === 'parent-carer').map(([id]) => id);
    steps.push({ step: 'consent.given', role: 'social-worker', rule: 'informed-consent', ...(carers.length === 1 ? { detail: carers[0] } : {}) });
  }
  const ladder = (state: string) => inState(snapshot, { withChildrensSocialCare: { preparation: state } });
  if (ladder('seekingLeadProfessional')) {
    steps.push({ step: 'leadProfessional.agreed', role: 'social-worker', rule: 'lead-professional-identified' });
  } else if (ladder('withCafLinkWorker')) {
    steps.push({ step: 'leadProfessional.challengeFailed', role: 'caf-link-worker', rule: 'lp-clw-challenge' });
  } else if (ladder('atTransformingLivesPanel')) {
    steps.push({ step: 'leadProfessional.panelFailed', role: 'early-help-manager', rule: 'lp-transforming-lives-panel' });
  } else if (ladder('noLeadProfessionalFound')) {
    steps.push({ step: 'noLeadProfessional.recorded', role: 'early-help-manager', rule: 'lp-none-universal-services' });
  } else if (ladder('leadProfessionalIdentified') && gateChecks['lead-professional-identified'](context) !== null) {
    // The Lead Professional on file is no longer involved: another must agree.
    steps.push({ step: 'leadProfessional.agreed', role: 'social-worker', rule: 'lead-professional-identified' });
  }
  for (const d of context.disagreements) {
    if (d.status === 'open') {
      steps.push({ step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: d.id });
    }
  }
  if (steps.length === 0) steps.push({ step: 'finalMeeting.held', role: 'social-worker', rule: 'final-meeting-kind' });
  return steps;
}

const closureStepByState: Record<string, PendingStep> = {
  referral: { step: 'eCaf.referralCompleted', role: 'social-worker', rule: 'ecaf-referral-complete' },
  transferDetails: { step: 'transferDetails.completed', role: 'social-worker', rule: 'parents-aware-of-transfer' },
  closureSummary: { step: 'closureSummary.completed', role: 'social-worker', rule: 'closure-summary' },
  revising: { step: 'closureSummary.completed', role: 'social-worker', rule: 'tm-quality-assurance' },
  sharing: { step: 'documents.shared', role: 'social-worker', rule: 'documents-shared-with-all' },
  closing: { step: 'csc.closed', role: 'social-worker', rule: 'csc-closure' },
};

function closureSteps(snapshot: CaseSnapshot, context: CaseContext): PendingStep[] {
  const steps: PendingStep[] = context.disagreements
    .filter((d) => d.status === 'open')
    .map((d) => ({ step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', detail: d.id }));
  const value = snapshot.value as { withChildrensSocialCare: { closure: string } };
  const state = value.withChildrensSocialCare.closure;
  if (state === 'managerReview') {
    const { review, summaryAt } = context.closure;
    const reviewed = review?.complete === true && !(summaryAt !== null && isAfter(summaryAt, review.at));
    steps.push(
      reviewed
        ? { step: 'stepDown.authorised', role: 'team-manager', rule: 'tm-quality-assurance' }
        : { step: 'fileReview.completed', role: 'team-manager', rule: 'tm-file-review' },
    );
  } else {
    const step = closureStepByState[state];
    if (step) steps.push(step);
  }
  return steps;
}

function underCafSteps(snapshot: CaseSnapshot, context: CaseContext): PendingStep[] {
  const steps: PendingStep[] = [];
  const ehm = (state: string) => inState(snapshot, { underCaf: { ehm: state } });
  const plan = (state: string) => inState(snapshot, { underCaf: { familyPlan: state } });
  if (ehm('qualityAssurance')) steps.push({ step: 'ehm.authorised', role: 'caf-link-worker', rule: 'ehm-quality-assurance' });
  if (ehm('awaitingInformation')) steps.push({ step: 'ehm.infoProvided', role: 'social-worker', rule: 'ehm-quality-assurance' });
  if (ehm('transferred')) {
    steps.push({ step: 'leadProfessional.contacted', role: 'caf-link-worker', rule: 'clw-contacts-lead-professional' });
  }
  if (plan('awaitingInitialMeeting')) {
    steps.push({ step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'first-family-plan-meeting', detail: 'initial' });
  }
  if (plan('reviewing')) {
    steps.push({ step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'family-plan-review', detail: 'review' });
    const twelve = context.deadlines.find((d) => d.rule === 'caf-twelve-months' && d.status === 'missed');
    if (twelve) steps.push({ step: 'reassessment.completed', role: 'lead-professional', rule: 'caf-twelve-months' });
  }
  if (plan('finalMeetingHeld')) steps.push({ step: 'caf.closed', role: 'lead-professional', rule: 'caf-closure-all-actions-met' });
  const search: Partial<Record<NonNullable<CaseContext['leadProfessionalSearch']>, PendingStep>> = {
    sought: { step: 'leadProfessional.agreed', role: 'caf-link-worker', rule: 'lead-professional-change' },
    'at-panel': { step: 'leadProfessional.panelFailed', role: 'early-help-manager', rule: 'lead-professional-change' },
    'none-found': { step: 'noLeadProfessional.recorded', role: 'early-help-manager', rule: 'lead-professional-change' },
  };
  const seeking = context.leadProfessionalSearch ? search[context.leadProfessionalSearch] : undefined;
  if (seeking) steps.unshift(seeking);
  return steps;
}
