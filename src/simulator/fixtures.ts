import { addDays, toLondonDate } from '../calendar/index.js';
import type { EventType } from '../events/index.js';
import type { Route } from '../machine/context.js';
import type { Role } from '../policy/roles.js';

/**
 * The fictional family and practitioners every scenario runs with, so a scenario file only says what
 * differs from an ordinary case. Nobody here is real. Names appear only in event payloads (which the
 * engine stores as a host would), never in a timeline.
 */
export const simulatorFamily = {
  child: 'Maya Hughes',
  parent: 'Claire Hughes',
  partner: 'Priya Shah, Health Visitor, Northfield 0–19 Service',
  leadProfessional: {
    name: 'Tom Reynolds',
    agency: 'Oakfield Primary School',
    contact: 'tom.reynolds@oakfield.example.sch.uk, 01632 960 200',
  },
  agencies: ['Oakfield Primary School', 'Northfield 0–19 Service', 'Northfield Family Hub'],
  actionIds: ['FP-1', 'FP-2', 'FP-3'],
} as const;

/**
 * The id each role acts under in a simulation. Ids carry no names, because ids do appear in the
 * audit trail and in refusal messages.
 */
export const simulatorActors: Readonly<Record<Role, string>> = {
  'social-worker': 'sim-sw-1',
  'team-manager': 'sim-tm-1',
  'caf-link-worker': 'sim-clw-1',
  'lead-professional': 'sim-lp-1',
  'early-help-manager': 'sim-ehss-1',
  system: 'system',
};

/**
 * What the simulation has recorded so far that later defaults must agree with: the e-CAF's section
 * 11 repeats the final meeting's date, `documents.shared` goes to everyone whose view was recorded,
 * a resolution names the disagreement raised. Updated only by accepted steps.
 */
export interface FixtureState {
  readonly route: Route;
  readonly views: readonly { readonly party: string; readonly name: string }[];
  readonly leadProfessionalName: string | null;
  readonly firstFamilyPlanMeetingDate: string | null;
  readonly actionIds: readonly string[];
  /** Disagreement ids raised so far, oldest first, and whether each is still open. */
  readonly disagreements: readonly { readonly id: string; readonly open: boolean }[];
  readonly familyPlanMeetings: number;
}

/** The state before any step: nothing recorded yet. */
export function initialFixtureState(route: Route): FixtureState {
  return {
    route,
    views: [],
    leadProfessionalName: null,
    firstFamilyPlanMeetingDate: null,
    actionIds: [...simulatorFamily.actionIds],
    disagreements: [],
    familyPlanMeetings: 0,
  };
}

type Payload = Record<string, unknown>;

const { child, parent, partner, leadProfessional, agencies } = simulatorFamily;

/** The default days from the final meeting to the first family plan meeting: inside the 4 weeks. */
const firstMeetingAfterDays = 21;

function nameOf(party: unknown): string {
  if (party === 'child') return child;
  if (party === 'partner') return partner;
  return parent;
}

/** The next unused disagreement id, so two disagreements in one scenario never collide by default. */
function nextDisagreementId(state: FixtureState): string {
  const used = new Set(state.disagreements.map((d) => d.id));
  let n = state.disagreements.length + 1;
  while (used.has(`D-${n}`)) n += 1;
  return `D-${n}`;
}

/**
 * The default payload of each event: a complete, valid record for the fictional family, shaped by
 * what the scenario has already recorded and by the overrides it gives (a view's `party` decides
 * whose name is used). Dates derive from the event's own date.
 */
const defaults: { readonly [T in EventType]: (at: string, state: FixtureState, overrides: Payload) => Payload } = {
  'decision.agreed': () => ({
    rationale:
      'Maya’s attendance is now 97%, Claire has completed the parenting programme and there have been no new concerns for five months. Remaining needs can be met by Early Help.',
  }),
  'views.recorded': (_at, _state, o) => ({
    party: 'parent',
    name: nameOf(o.party ?? 'parent'),
    agrees: true,
    summary:
      (o.party ?? 'parent') === 'child'
        ? 'Maya says she likes her mentor at school and wants things to stay calm at home.'
        : (o.party ?? 'parent') === 'partner'
          ? 'The health visitor agrees the family’s needs can now be met through Early Help.'
          : 'Claire says she feels ready to manage with support from school rather than social care.',
  }),
  'consent.given': () => ({
    parentCarer: parent,
    informationShared: ['Step-down CAF assessment', 'Family plan', 'Final CIN meeting minutes'],
    purpose: 'So the Lead Professional and the team around the family can support Maya and Claire under the CAF.',
  }),
  'consent.refused': (_at, state) => ({
    parentCarer: parent,
    reason: 'Claire worries that help will stop suddenly once social care closes.',
    disagreementId: nextDisagreementId(state),
  }),
  'disagreement.raised': (_at, state, o) => ({
    disagreementId: nextDisagreementId(state),
    by: 'parent',
    party: nameOf(o.by ?? 'parent'),
    reason:
      (o.by ?? 'parent') === 'partner'
        ? 'The health visitor is concerned about a recent missed development review and wants a further CIN review.'
        : 'Claire is anxious that the family will be left without support once social care closes.',
  }),
  'disagreement.resolved': (_at, state) => ({
    disagreementId: [...state.disagreements].reverse().find((d) => d.open)?.id ?? 'D-1',
    outcome: 'agreed',
    summary: 'Discussed with the Team Manager and the family; the family plan now names who to call if things get harder.',
  }),
  'leadProfessional.agreed': () => ({ ...leadProfessional }),
  'leadProfessional.notFound': () => ({ agenciesAsked: [agencies[0], agencies[1]] }),
  'leadProfessional.challengeFailed': () => ({ agenciesChallenged: [agencies[0], agencies[1]] }),
  'leadProfessional.panelFailed': (at) => ({ panelDate: toLondonDate(at) }),
  'noLeadProfessional.recorded': () => ({
    caseNote:
      'No agency has agreed to take the Lead Professional role after the CAF Link Worker’s challenge and the Transforming Lives Panel. The case steps down to universal services.',
    informed: { socialWorker: true, family: true, agencies: [...agencies] },
  }),
  'stepDown.withdrawn': () => ({
    reason: 'New information received; the CIN plan continues.',
  }),
  'finalMeeting.held': (at, state) => {
    const day = toLondonDate(at);
    return {
      kind: state.route === 'ten-day-checkpoint' ? 'multi-agency' : state.route === 'cp-outcome' ? 'core-group' : 'final-cin',
      attendees: [
        { role: 'Social Worker', name: 'Social Worker' },
        { role: 'parent', name: parent },
        { role: 'Lead Professional', name: state.leadProfessionalName ?? leadProfessional.name },
        { role: 'Health Visitor', name: partner },
      ],
      views: {
        child: 'Maya drew her family and said home feels calmer now.',
        parents: 'Claire agrees with the step down and wants help with routines and school mornings.',
        partners: 'School and health agree the threshold for CIN is no longer met.',
      },
      cafAssessment: {
        progress: 'Attendance 97%, no police call-outs since spring, parenting programme completed.',
        remainingNeeds: 'Morning routines, Maya’s friendships at school, Claire’s low mood.',
        childVoice: 'Maya said the worst thing used to be shouting and that it has stopped.',
      },
      familyPlan: {
        actions: [
          { id: 'FP-1', description: 'Weekly mentoring session for Maya in school', owner: leadProfessional.name, by: addDays(day, 56) },
          { id: 'FP-2', description: 'Claire to attend the Family Hub wellbeing group', owner: parent, by: addDays(day, 42) },
          { id: 'FP-3', description: 'Morning routine plan reviewed by the health visitor', owner: 'Health Visitor', by: addDays(day, 28) },
        ],
        smart: true,
        agreedByFamily: true,
        agreedByPartners: true,
      },
      firstFamilyPlanMeetingDate: addDays(day, firstMeetingAfterDays),
    };
  },
  'eCaf.referralCompleted': (at, state) => ({
    form: {
      backgroundAndHistory: 'Open to CSC since 2023 after repeated domestic incidents; CIN plan since then.',
      reasonForStepDown: 'Risks reduced and protective factors strong; remaining needs are Early Help level.',
      familyExperiencing: ['Domestic abuse (historic)', 'Parental mental health', 'Child emotional wellbeing'],
      keyAgencies: [...agencies],
      voiceOfChild: 'Maya says she feels safe at home and likes her mentor.',
      voiceOfParents: 'Claire wants continued help with routines and her own wellbeing.',
      childsNeeds: {
        health: 'Immunisations up to date; registered with a GP and dentist.',
        education: 'Attendance 97%; making expected progress.',
        developmentSpeechAndLanguage: 'No concerns.',
        physical: 'Healthy and active.',
        emotional: 'Some anxiety at school transitions; improving with mentoring.',
        identity: 'Confident in her identity.',
        socialPresentation: 'Well presented.',
        selfCare: 'Age-appropriate.',
        familyRelationships: 'Close to her mother and grandmother.',
      },
      parentingCapacity: {
        adverseChildhoodExperiences: 'Witnessed domestic incidents before 2024.',
        emotionalCare: 'Claire is warm and attuned.',
        guidanceAndBoundaries: 'Morning routines still inconsistent.',
        stability: 'Settled tenancy.',
        safety: 'No contact with the former partner; safety plan in place.',
        adultIssues: 'Claire manages low mood with GP support.',
      },
      environmentalFactors: {
        familyHistoryAndFunctioning: 'Single-parent household.',
        relationships: 'Supportive grandmother nearby.',
        housingFacilitiesIncome: 'Housing association home; Universal Credit.',
        widerFamily: 'Grandmother helps with school pick-ups.',
        socialIntegrationAndCommunityResources: 'Attends the Family Hub and a Saturday dance class.',
      },
      familyPlanOutline: 'Mentoring for Maya, wellbeing support for Claire, morning routine plan; reviewed every 6–8 weeks.',
      firstFamilyPlanMeetingDate: state.firstFamilyPlanMeetingDate ?? addDays(toLondonDate(at), firstMeetingAfterDays),
      leadProfessional: { name: state.leadProfessionalName ?? leadProfessional.name, contact: leadProfessional.contact },
    },
  }),
  'transferDetails.completed': () => ({ parentsAware: true }),
  'closureSummary.completed': () => ({
    whyInvolved: 'Referred by the police in 2023 after domestic incidents witnessed by Maya.',
    whatWasDone: 'CIN plan; parenting programme for Claire; mentoring for Maya; safety planning.',
    outcome: 'The former partner left; no further incidents.',
    impact: 'Maya’s attendance and wellbeing improved; Claire reports feeling safe and confident.',
    whyThresholdNoLongerMet: 'No significant harm or need for statutory support; remaining needs are Early Help level.',
    stepDownPlan: 'Step down to CAF with the school as Lead Professional; first family plan meeting agreed.',
  }),
  'fileReview.completed': () => ({
    supervisions: true,
    chronology: true,
    childsPlans: true,
    childsReviews: true,
    assessmentsUploaded: true,
    viewsOnClosureEvidenced: true,
  }),
  'stepDown.authorised': () => ({}),
  'stepDown.returned': () => ({
    reasons: ['The closure summary does not evidence Maya’s views on closure', 'The chronology is not up to date'],
  }),
  'documents.shared': (_at, state) => {
    // Everyone the machine will look for (rule documents-shared-with-all): each parent and partner
    // whose view was recorded, and the Lead Professional; the fixture's own names when none yet.
    const names = state.views.filter((v) => v.party !== 'child').map((v) => v.name);
    const recipients = [...new Set([...names, state.leadProfessionalName ?? leadProfessional.name])];
    return { recipients: names.length > 0 ? recipients : [parent, partner, ...recipients] };
  },
  'csc.closed': () => ({}),
  'ehm.infoRequested': () => ({
    questions: ['Is the safety plan still in place?', 'Who attends the family plan meetings from health?'],
  }),
  'ehm.infoProvided': () => ({
    answers: 'The safety plan runs to next spring. The health visitor will attend the family plan meetings.',
  }),
  'ehm.authorised': () => ({}),
  'leadProfessional.contacted': () => ({}),
  'familyPlanMeeting.held': (_at, state, o) => {
    const kind = o.kind ?? (state.familyPlanMeetings === 0 ? 'initial' : 'review');
    const status = kind === 'final' ? 'met' : 'open';
    return {
      kind,
      progress: 'Maya has attended her mentoring sessions; Claire has joined the wellbeing group.',
      childVoice: 'Maya said mornings are easier and she has a new friend in class.',
      recordedOnEhm: true,
      copiesSharedWithFamily: true,
      actions: state.actionIds.map((id) => ({ id, status })),
    };
  },
  'reassessment.completed': () => ({
    contributors: [leadProfessional.name, parent, 'Health Visitor'],
  }),
  'caf.closed': () => ({
    summary: 'All actions met: routines settled, Maya is thriving at school and Claire is well supported. Universal services continue.',
  }),
  'consent.withdrawn': () => ({
    parentCarer: parent,
    reason: 'Claire no longer wants Early Help involvement.',
  }),
  'stepUp.referred': () => ({
    reason: 'New concerns reported by school about Maya’s safety at home.',
  }),
  'clock.tick': () => ({}),
};

/**
 * The default payload of an event for the fictional family, given what the simulation has recorded
 * so far and the scenario's overrides (which decide, for instance, whose name a view carries).
 *
 * @example
 * ```ts
 * defaultPayload('views.recorded', '2024-09-11T10:00:00+01:00', initialFixtureState('cin-outcome'), { party: 'child' });
 * // => { party: 'parent', name: 'Maya Hughes', agrees: true, summary: '…' } (the override then sets party)
 * ```
 */
export function defaultPayload(type: EventType, at: string, state: FixtureState, overrides: Payload = {}): Payload {
  return defaults[type](at, state, overrides);
}

/**
 * Deep-merges a scenario's payload overrides onto the defaults: objects merge field by field, so
 * `{ "form": { "firstFamilyPlanMeetingDate": "…" } }` changes one section of the e-CAF form; lists
 * and plain values replace, because a list (recipients, actions) is given whole.
 *
 * @example
 * ```ts
 * mergePayload({ form: { a: 1, b: 2 }, list: [1, 2] }, { form: { b: 3 }, list: [9] });
 * // => { form: { a: 1, b: 3 }, list: [9] }
 * ```
 */
export function mergePayload(base: Payload, overrides: Payload): Payload {
  const out: Payload = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergePayload(current, value) : value;
  }
  return out;
}

/**
 * Updates the fixture state after an accepted event, so the next defaults agree with it.
 *
 * @example
 * ```ts
 * const next = advanceFixtureState(state, acceptedEvent);
 * ```
 */
export function advanceFixtureState(state: FixtureState, event: Payload & { type: string }): FixtureState {
  switch (event.type) {
    case 'views.recorded':
      return { ...state, views: [...state.views, { party: String(event.party), name: String(event.name) }] };
    case 'leadProfessional.agreed':
      return { ...state, leadProfessionalName: String(event.name) };
    case 'finalMeeting.held': {
      const plan = event.familyPlan as { actions?: { id: string }[] } | undefined;
      return {
        ...state,
        firstFamilyPlanMeetingDate: String(event.firstFamilyPlanMeetingDate),
        actionIds: plan?.actions?.map((a) => a.id) ?? state.actionIds,
      };
    }
    case 'consent.refused':
    case 'disagreement.raised':
      return { ...state, disagreements: [...state.disagreements, { id: String(event.disagreementId), open: true }] };
    case 'disagreement.resolved':
      return {
        ...state,
        disagreements: state.disagreements.map((d) => (d.id === event.disagreementId ? { ...d, open: false } : d)),
      };
    case 'familyPlanMeeting.held':
      return { ...state, familyPlanMeetings: state.familyPlanMeetings + 1 };
    default:
      return state;
  }
}

function isPlainObject(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
