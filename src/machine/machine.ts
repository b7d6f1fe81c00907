import { and, enqueueActions, setup } from 'xstate';
import { eventTypes, type EventOf, type EventType, type StepDownEvent } from '../events/index.js';
import { defaultPolicy, type Policy } from '../policy/define-policy.js';
import * as closure from './actions/closure.js';
import { holdFinalMeeting } from './actions/final-meeting.js';
import { reachOutcome } from './actions/outcome.js';
import * as people from './actions/people.js';
import * as preparation from './actions/preparation.js';
import { tick } from './actions/time.js';
import { moveDeadlines } from './actions/calendar.js';
import * as underCaf from './actions/under-caf.js';
import type { CaseContext, CaseInput, Outcome } from './context.js';
import type { Effects } from './deadlines.js';
import { gateChecks, gatesFor, type GateRuleId } from './gates.js';
import { initialContext } from './initial-context.js';
import { latest } from './instants.js';
import type { Notification, Stage } from './notifications.js';
import { validEventCheck } from './valid-event.js';
import { compactContext } from './compaction.js';

/**
 * The version of the machine's snapshot shape. Raise it when a change would make an older
 * persisted snapshot read differently; register a migration for the step (see the engine).
 */
export const machineVersion = 3;

type Reducer<E extends StepDownEvent> = (effects: Effects, event: E, policy: Policy) => Effects;

/**
 * Builds the step-down machine for a policy. Pure and durable: no delays, no invoked actors, no
 * history states, no clock reads. Time enters only as each event's `at`; deadlines are data in
 * context; notifications are `emit`s.
 *
 * @example
 * ```ts
 * import { createStepDownMachine, definePolicy } from 'caf-step-down';
 * import { initialTransition, transition } from 'xstate';
 *
 * const machine = createStepDownMachine(definePolicy({ division: 'scotland' }));
 * const [opened] = initialTransition(machine, { caseId: 'C-1', route: 'cin-outcome', openedAt: '2024-05-01T10:00:00+01:00' });
 * ```
 */
export function createStepDownMachine(policy: Policy = defaultPolicy, options: StepDownMachineOptions = {}) {
  // Settled deadlines leave the snapshot unless a fold of the trail asks to see them (src/machine/compaction.ts).
  const keep = options.keepSettledDeadlines === true ? (context: CaseContext) => context : compactContext;
  /** Wraps a reducer as an action that assigns its context and emits its notifications. */
  const effect = <T extends EventType>(_type: T, reducer: Reducer<EventOf<T>>) =>
    enqueueActions<CaseContext, StepDownEvent, undefined, StepDownEvent, never, never, never, never, Notification>(
      ({ context, event, enqueue }) => {
        const result = reducer({ context, notifications: [] }, event as EventOf<T>, policy);
        // The latest date of any step on file, whatever order the steps were typed in; the clock is not a step.
        const lastStepAt = event.type === 'clock.tick' || event.type === 'calendar.updated' ? result.context.lastStepAt : (latest(context.lastStepAt, event.at) ?? event.at);
        enqueue.assign(() => keep({ ...result.context, lastStepAt }));
        for (const notification of result.notifications) enqueue.emit(notification);
      },
    );

  const outcome = (target: Outcome, reason?: 'no-lead-professional') =>
    enqueueActions<CaseContext, StepDownEvent, undefined, StepDownEvent, never, never, never, never, Notification>(
      ({ context, event, enqueue }) => {
        const result = reachOutcome({ context, notifications: [] }, target, event.at, reason);
        enqueue.assign(() => keep(result.context));
        for (const notification of result.notifications) enqueue.emit(notification);
      },
    );

  const stageEntered = enqueueActions<CaseContext, StepDownEvent, { stage: Stage }, StepDownEvent, never, never, never, never, Notification>(
    ({ context, event, enqueue }, params) => {
      // On opening, the initial state is entered by xstate's init event, which has no `at`.
      const at = (event as Partial<StepDownEvent>).at ?? context.openedAt;
      enqueue.emit({ type: 'stage.entered', caseId: context.caseId, stage: params.stage, at });
    },
  );

  // The machine trusts no event: one that does not match its schema is judged by no gate and
  // changes nothing, so a host using the machine bare gets the engine's judgement.
  const isValid = validEventCheck(policy);
  const guards = Object.fromEntries(
    Object.entries(gateChecks).map(([rule, check]) => [
      rule,
      ({ context, event }: { context: CaseContext; event: StepDownEvent }) => check(context, event, policy) === null,
    ]),
  ) as Record<GateRuleId, (args: { context: CaseContext; event: StepDownEvent }) => boolean>;

  /** The guard of an event: a valid event, then every gate the policy sets on it, each a named guard (a rule id). */
  type Condition =
    | 'withdraws-step-down'
    | 'is-final-family-plan-meeting'
    | 'reconvenes'
    | 'to-universal-services'
    | 'rules-version-1';
  const gates = (type: EventType, ...more: Condition[]) =>
    and(['valid-event', ...gatesFor[type], ...more]);

  const disagreements = {
    'consent.refused': { guard: gates('consent.refused'), actions: 'consent-refusal-is-disagreement' },
    'disagreement.raised': { guard: gates('disagreement.raised'), actions: 'disagreement-raised' },
    'disagreement.resolved': [
      {
        guard: gates('disagreement.resolved', 'withdraws-step-down'),
        target: '#step-down.remains-with-csc',
        actions: ['disagreement-resolution', 'outcome-remains-with-csc'],
      },
      { guard: gates('disagreement.resolved'), actions: 'disagreement-resolution' },
    ],
  } as const;

  const agreeLeadProfessional = {
    guard: gates('leadProfessional.agreed'),
    target: 'leadProfessionalIdentified',
    actions: 'lead-professional-identified',
  } as const;

  const machine = setup({
    types: {
      context: {} as CaseContext,
      events: {} as StepDownEvent,
      input: {} as CaseInput,
      emitted: {} as Notification,
    },
    guards: {
      'valid-event': ({ event }) => isValid(event),
      ...guards,
      'withdraws-step-down': ({ event }) =>
        event.type === 'disagreement.resolved' && event.outcome === 'step-down-withdrawn',
      'is-final-family-plan-meeting': ({ event }) =>
        event.type === 'familyPlanMeeting.held' && event.kind === 'final',
      'reconvenes': ({ event }) => event.type === 'stepDown.returned' && event.reconvene === true,
      'to-universal-services': ({ context }) => context.destination === 'universal-services',
      'rules-version-1': ({ context }) => context.rulesVersion === 1,
      'lead-professional-on-file': ({ context }) => gateChecks['lead-professional-identified'](context) === null,
    },
    actions: {
      'stage-entered': stageEntered,
      'threshold-decision': effect('decision.agreed', preparation.agreeDecision),
      'views-recorded': effect('views.recorded', preparation.recordViews),
      'informed-consent': effect('consent.given', preparation.giveConsent),
      'consent-refusal-is-disagreement': effect('consent.refused', preparation.refuseConsent),
      'disagreement-raised': effect('disagreement.raised', preparation.raiseDisagreement),
      'disagreement-resolution': effect('disagreement.resolved', preparation.resolveDisagreement),
      'lead-professional-identified': effect('leadProfessional.agreed', preparation.agreeLeadProfessional),
      'lp-ladder-climbed': effect('leadProfessional.notFound', preparation.climbLadder),
      'ladder-ends-in-universal-services': effect('noLeadProfessional.recorded', preparation.endLadderInUniversalServices),
      'tm-returned-to-meeting': effect('stepDown.returned', closure.returnToMeeting),
      'lead-professional-left': effect('leadProfessional.left', underCaf.leaveLeadProfessional),
      'lead-professional-replaced': effect('leadProfessional.agreed', underCaf.replaceLeadProfessional),
      'lp-search-climbed': effect('leadProfessional.challengeFailed', underCaf.climbSearch),
      'final-meeting': effect('finalMeeting.held', holdFinalMeeting),
      'person-added': effect('person.added', people.addPerson),
      'person-updated': effect('person.updated', people.updatePerson),
      'involvement-ended': effect('involvement.ended', people.endInvolvement),
      'ecaf-referral-complete': effect('eCaf.referralCompleted', closure.completeReferral),
      'parents-aware-of-transfer': effect('transferDetails.completed', closure.completeTransferDetails),
      'documents-shared-with-all': effect('documents.shared', closure.shareDocuments),
      'closure-summary': effect('closureSummary.completed', closure.completeClosureSummary),
      'tm-file-review': effect('fileReview.completed', closure.completeFileReview),
      'tm-quality-assurance': effect('stepDown.authorised', closure.authoriseStepDown),
      'tm-returned': effect('stepDown.returned', closure.returnStepDown),
      'csc-closure': effect('csc.closed', closure.closeToCsc),
      'ehm-information-requested': effect('ehm.infoRequested', underCaf.requestInformation),
      'ehm-information-provided': effect('ehm.infoProvided', underCaf.provideInformation),
      'ehm-quality-assurance': effect('ehm.authorised', underCaf.authoriseInEhm),
      'clw-contacts-lead-professional': effect('leadProfessional.contacted', underCaf.contactLeadProfessional),
      'family-plan-meeting': effect('familyPlanMeeting.held', underCaf.holdFamilyPlanMeeting),
      'reassessment': effect('reassessment.completed', underCaf.completeReassessment),
      'caf-closure': effect('caf.closed', underCaf.closeCaf),
      'sweep-deadlines': effect('clock.tick', tick),
      'move-deadlines': effect('calendar.updated', moveDeadlines),
      'outcome-caf-closed': outcome('caf-closed'),
      'outcome-universal-services': outcome('universal-services'),
      'outcome-no-lead-professional': outcome('universal-services', 'no-lead-professional'),
      'outcome-transferred-out': outcome('transferred-out'),
      'outcome-remains-with-csc': outcome('remains-with-csc'),
      'outcome-stepped-up': outcome('stepped-up'),
      'outcome-consent-withdrawn': outcome('consent-withdrawn'),
    },
  }).createMachine({
    id: 'step-down',
    /** The case's context, built from the input that opens it. */
    context: ({ input }) => initialContext(input),
    initial: 'withChildrensSocialCare',
    on: {
      // DOMAIN "Time": the host's clock reaches the machine only as a system tick, in any open state.
      'clock.tick': { guard: gates('clock.tick'), actions: 'sweep-deadlines' },
      // A new bank-holiday calendar moves the unmet deadlines it changes (engine.updateCalendar).
      'calendar.updated': { guard: gates('calendar.updated'), actions: 'move-deadlines' },
      // DOMAIN "Real case work": the people of the case are kept up to date at every stage.
      'person.added': { guard: gates('person.added'), actions: 'person-added' },
      'person.updated': { guard: gates('person.updated'), actions: 'person-updated' },
      'involvement.ended': { guard: gates('involvement.ended'), actions: 'involvement-ended' },
    },
    states: {
      withChildrensSocialCare: {
        description: 'Stages 1–4: the case is still open to Children’s Social Care.',
        initial: 'decision',
        on: {
          'stepDown.withdrawn': {
            guard: gates('stepDown.withdrawn'),
            target: '#step-down.remains-with-csc',
            actions: 'outcome-remains-with-csc',
          },
          'case.transferredOut': {
            guard: gates('case.transferredOut'),
            target: '#step-down.transferred-out',
            actions: 'outcome-transferred-out',
          },
        },
        states: {
          decision: {
            description: 'G "Role of the Social Worker" ¶1; F step 1.',
            meta: { rules: ['entry-route', 'threshold-decision'] },
            entry: { type: 'stage-entered', params: { stage: 'decision' } },
            on: {
              'decision.agreed': { guard: gates('decision.agreed'), target: 'preparation', actions: 'threshold-decision' },
            },
          },
          preparation: {
            description: 'G "Decision made to step down from CSC to CAF" ¶1–4 and "Challenge and support to identify a Lead Professional".',
            meta: { rules: ['views-recorded', 'informed-consent', 'lead-professional-identified', 'no-open-disagreement'] },
            entry: { type: 'stage-entered', params: { stage: 'preparation' } },
            initial: 'seekingLeadProfessional',
            on: {
              'views.recorded': { guard: gates('views.recorded'), actions: 'views-recorded' },
              'consent.given': { guard: gates('consent.given'), actions: 'informed-consent' },
              ...disagreements,
              'finalMeeting.held': { guard: gates('finalMeeting.held'), target: 'closure', actions: 'final-meeting' },
            },
            // The Lead Professional ladder, climbed rung by rung; an agreement ends it at any rung.
            states: {
              seekingLeadProfessional: {
                // A step down to universal services needs no Lead Professional; a reconvened meeting
                // keeps the one on file unless it is revised.
                always: [
                  { guard: 'to-universal-services', target: 'leadProfessionalNotNeeded' },
                  { guard: 'lead-professional-on-file', target: 'leadProfessionalIdentified' },
                ],
                on: {
                  'leadProfessional.agreed': agreeLeadProfessional,
                  'leadProfessional.notFound': {
                    guard: gates('leadProfessional.notFound'),
                    target: 'withCafLinkWorker',
                    actions: 'lp-ladder-climbed',
                  },
                },
              },
              withCafLinkWorker: {
                meta: { rules: ['lp-escalation-clw', 'lp-clw-challenge'] },
                on: {
                  'leadProfessional.agreed': agreeLeadProfessional,
                  'leadProfessional.challengeFailed': {
                    guard: gates('leadProfessional.challengeFailed'),
                    target: 'atTransformingLivesPanel',
                    actions: 'lp-ladder-climbed',
                  },
                },
              },
              atTransformingLivesPanel: {
                meta: { rules: ['lp-transforming-lives-panel'] },
                on: {
                  'leadProfessional.agreed': agreeLeadProfessional,
                  'leadProfessional.panelFailed': {
                    guard: gates('leadProfessional.panelFailed'),
                    target: 'noLeadProfessionalFound',
                    actions: 'lp-ladder-climbed',
                  },
                },
              },
              noLeadProfessionalFound: {
                meta: { rules: ['lp-none-universal-services'] },
                on: {
                  'leadProfessional.agreed': agreeLeadProfessional,
                  'noLeadProfessional.recorded': [
                    // Version 1 ended the case here, skipping the closure; its cases keep that record.
                    {
                      guard: gates('noLeadProfessional.recorded', 'rules-version-1'),
                      target: '#step-down.universal-services',
                      actions: ['lp-ladder-climbed', 'outcome-no-lead-professional'],
                    },
                    {
                      guard: gates('noLeadProfessional.recorded'),
                      target: 'leadProfessionalNotNeeded',
                      actions: 'ladder-ends-in-universal-services',
                    },
                  ],
                },
              },
              leadProfessionalIdentified: {
                on: { 'leadProfessional.agreed': agreeLeadProfessional },
              },
              leadProfessionalNotNeeded: {
                description: 'Stepping down to universal services: chosen at the decision, or the ladder ended.',
                meta: { rules: ['destination'] },
              },
            },
          },
          closure: {
            description: 'G "Case closure and referral to EHM", "Role of the Social Worker", "Role of the Social Work Team Manager"; F steps 4–8, in order.',
            // The final meeting's views and CAF assessment are required fields of its event: a meeting
            // without them is not a valid event (rules 'final-meeting-views', 'caf-assessment-in-meeting').
            meta: {
              rules: [
                'final-meeting-kind', 'final-meeting-views', 'caf-assessment-in-meeting', 'smart-family-plan',
                'first-meeting-date', 'lead-professional-attends', 'step-down-outcome',
              ],
            },
            entry: { type: 'stage-entered', params: { stage: 'closure' } },
            initial: 'referral',
            on: {
              ...disagreements,
              // Consent refused during closure can be given again; the closing gates wait for it.
              'consent.given': { guard: gates('consent.given'), actions: 'informed-consent' },
            },
            states: {
              referral: {
                meta: { rules: ['ecaf-referral-complete'] },
                // No CAF, no e-CAF referral or transfer: a step down to universal services goes to the summary.
                always: { guard: 'to-universal-services', target: 'closureSummary' },
                on: {
                  'eCaf.referralCompleted': {
                    guard: gates('eCaf.referralCompleted'),
                    target: 'transferDetails',
                    actions: 'ecaf-referral-complete',
                  },
                },
              },
              transferDetails: {
                meta: { rules: ['parents-aware-of-transfer'] },
                on: {
                  'transferDetails.completed': {
                    guard: gates('transferDetails.completed'),
                    target: 'closureSummary',
                    actions: 'parents-aware-of-transfer',
                  },
                },
              },
              closureSummary: {
                meta: { rules: ['closure-summary'] },
                on: {
                  'closureSummary.completed': {
                    guard: gates('closureSummary.completed'),
                    target: 'managerReview',
                    actions: 'closure-summary',
                  },
                },
              },
              managerReview: {
                meta: { rules: ['tm-file-review', 'tm-quality-assurance', 'separation-of-duties'] },
                on: {
                  'fileReview.completed': { guard: gates('fileReview.completed'), actions: 'tm-file-review' },
                  'stepDown.authorised': { guard: gates('stepDown.authorised'), target: 'sharing', actions: 'tm-quality-assurance' },
                  'stepDown.returned': [
                    {
                      guard: gates('stepDown.returned', 'reconvenes'),
                      target: '#step-down.withChildrensSocialCare.preparation',
                      actions: 'tm-returned-to-meeting',
                    },
                    { guard: gates('stepDown.returned'), target: 'revising', actions: 'tm-returned' },
                  ],
                },
              },
              revising: {
                description: 'Returned by the Team Manager: the Social Worker may correct the referral and transfer details and resubmits the closure summary.',
                on: {
                  'eCaf.referralCompleted': { guard: gates('eCaf.referralCompleted'), actions: 'ecaf-referral-complete' },
                  'transferDetails.completed': { guard: gates('transferDetails.completed'), actions: 'parents-aware-of-transfer' },
                  'closureSummary.completed': {
                    guard: gates('closureSummary.completed'),
                    target: 'managerReview',
                    actions: 'closure-summary',
                  },
                },
              },
              sharing: {
                meta: { rules: ['documents-shared-with-all'] },
                on: {
                  'documents.shared': { guard: gates('documents.shared'), target: 'closing', actions: 'documents-shared-with-all' },
                },
              },
              closing: {
                meta: { rules: ['csc-closure'] },
                on: {
                  'csc.closed': [
                    {
                      guard: gates('csc.closed', 'to-universal-services'),
                      target: '#step-down.universal-services',
                      actions: ['csc-closure', 'outcome-universal-services'],
                    },
                    { guard: gates('csc.closed'), target: '#step-down.underCaf', actions: 'csc-closure' },
                  ],
                },
              },
            },
          },
        },
      },
      underCaf: {
        description: 'Stages 5–6: closed to CSC; the CAF is quality assured in EHM while the Lead Professional runs the family plan.',
        type: 'parallel',
        entry: { type: 'stage-entered', params: { stage: 'early-help' } },
        on: {
          'stepUp.referred': { guard: gates('stepUp.referred'), target: '#step-down.stepped-up', actions: 'outcome-stepped-up' },
          'consent.withdrawn': {
            guard: gates('consent.withdrawn'),
            target: '#step-down.consent-withdrawn',
            actions: 'outcome-consent-withdrawn',
          },
          'caf.closed': { guard: gates('caf.closed'), target: '#step-down.caf-closed', actions: ['caf-closure', 'outcome-caf-closed'] },
          'reassessment.completed': { guard: gates('reassessment.completed'), actions: 'reassessment' },
          'case.transferredOut': {
            guard: gates('case.transferredOut'),
            target: '#step-down.transferred-out',
            actions: 'outcome-transferred-out',
          },
          // DOMAIN "The Lead Professional can change": the ladder again, from the CAF Link Worker's challenge.
          'leadProfessional.left': { guard: gates('leadProfessional.left'), actions: 'lead-professional-left' },
          'leadProfessional.agreed': { guard: gates('leadProfessional.agreed'), actions: 'lead-professional-replaced' },
          'leadProfessional.challengeFailed': { guard: gates('leadProfessional.challengeFailed'), actions: 'lp-search-climbed' },
          'leadProfessional.panelFailed': { guard: gates('leadProfessional.panelFailed'), actions: 'lp-search-climbed' },
          'noLeadProfessional.recorded': {
            guard: gates('noLeadProfessional.recorded'),
            target: '#step-down.universal-services',
            actions: ['lp-ladder-climbed', 'outcome-no-lead-professional'],
          },
        },
        states: {
          ehm: {
            meta: { rules: ['ehm-quality-assurance', 'clw-contacts-lead-professional'] },
            initial: 'qualityAssurance',
            states: {
              qualityAssurance: {
                on: {
                  'ehm.infoRequested': {
                    guard: gates('ehm.infoRequested'),
                    target: 'awaitingInformation',
                    actions: 'ehm-information-requested',
                  },
                  'ehm.authorised': { guard: gates('ehm.authorised'), target: 'transferred', actions: 'ehm-quality-assurance' },
                },
              },
              awaitingInformation: {
                on: {
                  'ehm.infoProvided': {
                    guard: gates('ehm.infoProvided'),
                    target: 'qualityAssurance',
                    actions: 'ehm-information-provided',
                  },
                },
              },
              transferred: {
                on: {
                  'leadProfessional.contacted': {
                    guard: gates('leadProfessional.contacted'),
                    target: 'leadProfessionalContacted',
                    actions: 'clw-contacts-lead-professional',
                  },
                },
              },
              leadProfessionalContacted: {},
            },
          },
          familyPlan: {
            meta: { rules: ['first-family-plan-meeting', 'family-plan-review', 'family-plan-meeting-record', 'caf-twelve-months'] },
            initial: 'awaitingInitialMeeting',
            states: {
              awaitingInitialMeeting: {
                on: {
                  'familyPlanMeeting.held': {
                    guard: gates('familyPlanMeeting.held'),
                    target: 'reviewing',
                    actions: 'family-plan-meeting',
                  },
                },
              },
              reviewing: {
                on: {
                  'familyPlanMeeting.held': [
                    {
                      guard: gates('familyPlanMeeting.held', 'is-final-family-plan-meeting'),
                      target: 'finalMeetingHeld',
                      actions: 'family-plan-meeting',
                    },
                    { guard: gates('familyPlanMeeting.held'), actions: 'family-plan-meeting' },
                  ],
                },
              },
              finalMeetingHeld: { meta: { rules: ['caf-closure-all-actions-met'] } },
            },
          },
        },
      },
      'caf-closed': { type: 'final', meta: { rules: ['caf-closure-all-actions-met'] } },
      'universal-services': { type: 'final', meta: { rules: ['destination', 'lp-none-universal-services'] } },
      'remains-with-csc': { type: 'final', meta: { rules: ['step-down-withdrawal', 'disagreement-withdrawal'] } },
      'stepped-up': { type: 'final', meta: { rules: ['step-up'] } },
      'consent-withdrawn': { type: 'final', meta: { rules: ['consent-withdrawal'] } },
      'transferred-out': { type: 'final', meta: { rules: ['transfer-out'] } },
    },
  });
  return guardTransitions(machine);
}

/**
 * The exported machine trusts no event. XState reads an event's `type` before any guard runs, so a
 * value that is not an object with a string type (or one that names no event of the library) would
 * throw inside XState or, for its own `xstate.*` types, act on the machine. Every way XState drives a
 * machine (`transition`, `getNextSnapshot`, an actor) goes through `machine.transition`, so it is
 * wrapped here: anything but an event of the library (or XState's own init and stop) returns the
 * snapshot as it was, and so does any event sent to an ended case. The guards then judge the event
 * against its schema.
 */
function guardTransitions<M extends { transition: (...args: never[]) => unknown }>(machine: M): M {
  const original = machine.transition.bind(machine) as (snapshot: unknown, event: unknown, scope: unknown) => unknown;
  const known = new Set<string>(eventTypes);
  // XState's own events that an actor sends itself; any other `xstate.*` event from a host (an
  // `xstate.error.actor…`, say) would act on the machine, so it is judged like any unknown event.
  const xstateOwn = new Set<string>(['xstate.init', 'xstate.stop']);
  const judged = (snapshot: unknown, event: unknown, scope: unknown) => {
    const type: unknown = typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !(known.has(type) || xstateOwn.has(type))) return snapshot;
    // An ended case takes no events: without this, the root's handlers would still act on a done snapshot.
    if (known.has(type) && (snapshot as { status?: unknown } | null)?.status !== 'active') return snapshot;
    return original(snapshot, event, scope);
  };
  return Object.assign(machine, { transition: judged });
}

/** The step-down machine for the default policy (England and Wales, the guidance's own timescales). */
export const stepDownMachine = createStepDownMachine();

/** The type of a step-down machine. */
export type StepDownMachine = ReturnType<typeof createStepDownMachine>;

/** Options of {@link createStepDownMachine}. */
export interface StepDownMachineOptions {
  /**
   * Keep settled deadlines (met, met late, cancelled) in the context instead of dropping them from the
   * snapshot. For folding a case's whole deadline history from its audit trail (`deadlineHistory`);
   * every judgement is the same either way. A snapshot of such a machine is never stored.
   */
  readonly keepSettledDeadlines?: boolean;
}
