import type { Actor, EventOf, EventType } from '../../src/events/index.js';

/**
 * The people of the sample case, by id, so tests can build events that agree with each other: the
 * child `leo`, his mother `sarah` (a parent/carer with parental responsibility), Mrs Helen Price
 * `helen-price` (the Designated Safeguarding Lead at St Mary’s, a partner practitioner) and Jo Patel
 * `jo-patel` (the Lead Professional, from the same school). Events name people by these ids; the
 * names live only in {@link samplePersons} and the `person.added` events built from them. The actors
 * (who sends events) are users of the host, with id-shaped ids; the Lead Professional's user acts as
 * the person `jo-patel` (`actor.personId`), as rule `own-cases-only` asks of that role.
 *
 * @example
 * ```ts
 * const view = sampleEvent('views.recorded', '2024-05-01T10:00:00+01:00');
 * view.personId === samplePeople.parent; // 'sarah'
 * ```
 */
export const samplePeople = {
  child: 'leo',
  parent: 'sarah',
  partner: 'helen-price',
  leadProfessional: {
    personId: 'jo-patel',
    name: 'Jo Patel',
    agency: 'St Mary’s CE Primary School',
    contact: 'jo.patel@stmarys.example.sch.uk, 01632 960 114',
  },
  socialWorker: { id: 'sw-amira-khan', role: 'social-worker' },
  teamManager: { id: 'tm-david-okafor', role: 'team-manager' },
  cafLinkWorker: { id: 'clw-rachel-evans', role: 'caf-link-worker' },
  leadProfessionalActor: { id: 'lp-jo-patel', role: 'lead-professional', personId: 'jo-patel' },
  earlyHelpManager: { id: 'ehm-sunita-rao', role: 'early-help-manager' },
  clock: { id: 'system', role: 'system' },
} as const;

/** The `person.added` payload of one sample person: everything but `type`, `at` and `actor`. */
export interface SamplePerson {
  readonly personId: string;
  readonly relationship: 'child' | 'parent-carer' | 'family-member' | 'practitioner';
  readonly name: string;
  readonly agency?: string;
  readonly parentalResponsibility?: boolean;
}

/**
 * The sample family's records, keyed by person id: what `person.added` says of each. The child,
 * one parent/carer and two practitioners of St Mary’s (the DSL and the Lead Professional).
 *
 * @example
 * ```ts
 * samplePersons[samplePeople.partner].relationship; // 'practitioner'
 * ```
 */
export const samplePersons: Readonly<Record<string, SamplePerson>> = {
  [samplePeople.child]: { personId: samplePeople.child, relationship: 'child', name: 'Leo Taylor' },
  [samplePeople.parent]: {
    personId: samplePeople.parent,
    relationship: 'parent-carer',
    name: 'Sarah Taylor',
    parentalResponsibility: true,
  },
  [samplePeople.partner]: {
    personId: samplePeople.partner,
    relationship: 'practitioner',
    name: 'Mrs Helen Price, Designated Safeguarding Lead',
    agency: 'St Mary’s CE Primary School',
  },
  [samplePeople.leadProfessional.personId]: {
    personId: samplePeople.leadProfessional.personId,
    relationship: 'practitioner',
    name: samplePeople.leadProfessional.name,
    agency: samplePeople.leadProfessional.agency,
  },
};

/**
 * The names (and the Lead Professional's agency and contact) the sample family's records carry: free
 * text that a refusal, a view of the case, a notification or an error must never repeat.
 *
 * @example
 * ```ts
 * for (const name of sampleNames) expect(JSON.stringify(refusal)).not.toContain(name);
 * ```
 */
export const sampleNames: readonly string[] = [
  ...Object.values(samplePersons).map((person) => person.name),
  samplePeople.leadProfessional.agency,
  samplePeople.leadProfessional.contact,
];

/**
 * The ids of the sample family in the order they are added: child, parent/carer, partner, Lead Professional.
 *
 * @example
 * ```ts
 * sampleFamilyIds; // ['leo', 'sarah', 'helen-price', 'jo-patel']
 * ```
 */
export const sampleFamilyIds: readonly string[] = [
  samplePeople.child,
  samplePeople.parent,
  samplePeople.partner,
  samplePeople.leadProfessional.personId,
];

/**
 * The person ids `documents.shared` must name for the sample family: every parent/carer and
 * practitioner involved, and the Lead Professional.
 *
 * @example
 * ```ts
 * sampleEvent('documents.shared', at).recipients; // equal to sampleRecipients
 * ```
 */
export const sampleRecipients: readonly string[] = [
  samplePeople.parent,
  samplePeople.partner,
  samplePeople.leadProfessional.personId,
];

/** The ids of the sample family plan's actions: family plan meetings report on the same ids. */
export const sampleActionIds = ['FP-1', 'FP-2', 'FP-3'] as const;

const { socialWorker: sw, teamManager: tm, cafLinkWorker: clw, leadProfessionalActor: lp, earlyHelpManager: ehm } = samplePeople;

/** The default sender of each event: a role the policy gives that step to. */
const senders: Readonly<Record<EventType, Actor>> = {
  'person.added': sw,
  'person.updated': sw,
  'involvement.ended': sw,
  'decision.agreed': tm,
  'views.recorded': sw,
  'consent.given': sw,
  'consent.refused': sw,
  'disagreement.raised': sw,
  'disagreement.resolved': tm,
  'leadProfessional.agreed': sw,
  'leadProfessional.notFound': sw,
  'leadProfessional.challengeFailed': clw,
  'leadProfessional.panelFailed': ehm,
  'noLeadProfessional.recorded': ehm,
  'stepDown.withdrawn': tm,
  'finalMeeting.held': sw,
  'eCaf.referralCompleted': sw,
  'transferDetails.completed': sw,
  'closureSummary.completed': sw,
  'fileReview.completed': tm,
  'stepDown.authorised': tm,
  'stepDown.returned': tm,
  'documents.shared': sw,
  'csc.closed': sw,
  'ehm.infoRequested': clw,
  'ehm.infoProvided': sw,
  'ehm.authorised': clw,
  'leadProfessional.contacted': clw,
  'familyPlanMeeting.held': lp,
  'reassessment.completed': lp,
  'caf.closed': lp,
  'consent.withdrawn': lp,
  'stepUp.referred': lp,
  'leadProfessional.left': lp,
  // Before the CSC closure a transfer out is the Social Worker's; under the CAF a test sends it as
  // the CAF Link Worker or the Lead Professional.
  'case.transferredOut': sw,
  'clock.tick': samplePeople.clock,
  'calendar.updated': samplePeople.clock,
  'event.voided': tm,
  'policy.adopted': tm,
};

/** An event's own fields: everything but `type`, `at` and `actor`. */
type Payload<T extends EventType> = Omit<EventOf<T>, 'type' | 'at' | 'actor'>;

/** The calendar date `days` after the date part of `at` (plain date arithmetic: samples only). */
function dateAfter(at: string, days: number): string {
  const date = new Date(`${at.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const { child, parent, partner, leadProfessional } = samplePeople;
const lpId = leadProfessional.personId;
const firstFamilyPlanMeetingDays = 21;

/** Each event's sample payload; dates are derived from the event's `at` so they are always plausible. */
const payloads: { readonly [T in EventType]: (at: string) => Payload<T> } = {
  'person.added': () => ({ ...(samplePersons[child] as SamplePerson) }),
  'person.updated': () => ({ personId: parent, name: 'Sarah Taylor-Jones' }),
  'involvement.ended': () => ({
    personId: partner,
    reason: 'The Designated Safeguarding Lead has left the school; the Lead Professional continues for St Mary’s.',
  }),
  'decision.agreed': () => ({
    rationale:
      'Leo’s school attendance has risen from 71% to 96% over the CIN plan, Sarah has engaged with the domestic abuse recovery programme and no new concerns have been raised in six months. Needs can be met through Early Help.',
  }),
  'views.recorded': () => ({
    personId: parent,
    agrees: true,
    summary: 'Sarah says she feels more confident and would like support from school rather than social care.',
  }),
  'consent.given': () => ({
    personId: parent,
    informationShared: ['Step-down CAF assessment', 'Family plan', 'Final CIN meeting minutes'],
    purpose: 'So that the Lead Professional and the team around the family can support Leo and Sarah under the CAF.',
  }),
  'consent.refused': () => ({
    personId: parent,
    reason: 'Sarah is worried that support will stop suddenly once social care closes.',
    disagreementId: 'D-1',
  }),
  'disagreement.raised': () => ({
    disagreementId: 'D-2',
    personId: partner,
    reason: 'School believes the recent missing episode needs a further CIN review before closure.',
  }),
  'disagreement.resolved': () => ({
    disagreementId: 'D-2',
    outcome: 'agreed',
    summary: 'Discussed with the Team Manager and school; a safety plan for missing episodes was added to the family plan.',
  }),
  'leadProfessional.agreed': () => ({ personId: lpId, contact: leadProfessional.contact }),
  'leadProfessional.notFound': () => ({
    agenciesAsked: ['St Mary’s CE Primary School', '0–19 Public Health Nursing Service'],
  }),
  'leadProfessional.challengeFailed': () => ({
    agenciesChallenged: ['St Mary’s CE Primary School', 'Child and Adolescent Mental Health Services'],
  }),
  'leadProfessional.panelFailed': (at) => ({ panelDate: dateAfter(at, 0) }),
  'noLeadProfessional.recorded': () => ({
    caseNote: 'No agency has agreed to take the Lead Professional role after challenge and the Transforming Lives Panel. Case steps down to universal services.',
    informed: { socialWorker: true, family: true, agencies: ['St Mary’s CE Primary School', '0–19 Public Health Nursing Service'] },
  }),
  'stepDown.withdrawn': () => ({
    reason: 'New information from police about the father’s return to the household; CIN plan continues.',
  }),
  'finalMeeting.held': (at) => ({
    kind: 'final-cin',
    attendees: [parent, lpId, partner],
    otherAttendees: ['Social Worker (Children’s Social Care)'],
    views: {
      child: 'Leo said he likes Mrs Patel’s lunchtime club and wants to keep seeing her.',
      parents: 'Sarah agrees with the step down and wants help with routines and Leo’s sleep.',
      partners: 'School and the school nurse agree the threshold for CIN is no longer met.',
    },
    cafAssessment: {
      progress: 'Attendance 96%, no police call-outs since January, Sarah completed the Freedom Programme.',
      remainingNeeds: 'Bedtime routine, Leo’s anxiety about his father, Sarah’s debt management.',
      childVoice: 'Leo drew his “worry monster” and said it is smaller now.',
    },
    familyPlan: {
      actions: [
        { id: 'FP-1', description: 'Weekly 1:1 emotional literacy sessions for Leo in school', owner: 'Jo Patel', by: dateAfter(at, 56) },
        { id: 'FP-2', description: 'Referral to Citizens Advice for debt support', owner: 'Sarah Taylor', by: dateAfter(at, 28) },
        { id: 'FP-3', description: 'Sleep hygiene advice and review by the school nurse', owner: 'School nurse', by: dateAfter(at, 42) },
      ],
      smart: true,
      agreedByFamily: true,
      agreedByPartners: true,
    },
    firstFamilyPlanMeetingDate: dateAfter(at, firstFamilyPlanMeetingDays),
  }),
  'eCaf.referralCompleted': (at) => ({
    form: {
      backgroundAndHistory: 'Open to CSC since March 2023 following domestic abuse by Leo’s father; CIN plan since July 2023.',
      reasonForStepDown: 'Risks reduced: father has left the household, protective factors strong, needs can be met by Early Help.',
      familyExperiencing: ['Domestic abuse (historic)', 'Financial difficulties', 'Child emotional wellbeing'],
      keyAgencies: ['St Mary’s CE Primary School', '0–19 Public Health Nursing Service'],
      voiceOfChild: 'Leo says he feels safe at home and likes school now.',
      voiceOfParents: 'Sarah wants continued support with routines and money worries.',
      childsNeeds: {
        health: 'Up to date with immunisations; registered with a GP and dentist.',
        education: 'Attendance 96%; working at expected level in reading.',
        developmentSpeechAndLanguage: 'No concerns.',
        physical: 'Healthy weight; active in football club.',
        emotional: 'Anxiety about his father; improving with ELSA support.',
        identity: 'Proud of his Welsh and Nigerian heritage.',
        socialPresentation: 'Well presented; uniform provided.',
        selfCare: 'Age-appropriate.',
        familyRelationships: 'Warm relationship with his mother and maternal grandmother.',
      },
      parentingCapacity: {
        adverseChildhoodExperiences: 'Witnessed domestic abuse before 2023.',
        emotionalCare: 'Sarah is warm and attuned to Leo.',
        guidanceAndBoundaries: 'Bedtime routine still inconsistent.',
        stability: 'Secure tenancy since October 2023.',
        safety: 'Non-molestation order in place.',
        adultIssues: 'Sarah manages low mood with GP support.',
      },
      environmentalFactors: {
        familyHistoryAndFunctioning: 'Single-parent household since 2023.',
        relationships: 'Supportive maternal grandmother nearby.',
        housingFacilitiesIncome: 'Housing association flat; Universal Credit; rent arrears being repaid.',
        widerFamily: 'Grandmother provides after-school care twice a week.',
        socialIntegrationAndCommunityResources: 'Attends church toddler group and local football club.',
      },
      familyPlanOutline: 'Emotional support for Leo in school, debt advice for Sarah, sleep routine support; reviewed every 6–8 weeks.',
      firstFamilyPlanMeetingDate: dateAfter(at, firstFamilyPlanMeetingDays),
      leadProfessional: { name: leadProfessional.name, contact: leadProfessional.contact },
    },
  }),
  'transferDetails.completed': () => ({ parentsAware: true }),
  'closureSummary.completed': () => ({
    whyInvolved: 'Referral by police in March 2023 after a domestic abuse incident witnessed by Leo.',
    whatWasDone: 'CIN plan; Freedom Programme for Sarah; ELSA sessions for Leo; safety planning.',
    outcome: 'Father left the household; non-molestation order; no further incidents.',
    impact: 'Leo’s attendance and wellbeing improved; Sarah reports feeling safe and confident.',
    whyThresholdNoLongerMet: 'No significant harm or need for statutory support; remaining needs are Early Help level.',
    stepDownPlan: 'Step down to CAF with Jo Patel (school) as Lead Professional; first family plan meeting agreed.',
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
    reasons: ['Closure summary does not evidence Leo’s views on closure', 'Chronology not updated since May'],
  }),
  'documents.shared': () => ({
    recipients: [...sampleRecipients],
  }),
  'csc.closed': () => ({}),
  'ehm.infoRequested': () => ({
    questions: ['Is the non-molestation order still in force?', 'Who attends the family plan meetings from health?'],
  }),
  'ehm.infoProvided': () => ({
    answers: 'The order runs until March 2025. The school nurse will attend the family plan meetings.',
  }),
  'ehm.authorised': () => ({}),
  'leadProfessional.contacted': () => ({}),
  'familyPlanMeeting.held': () => ({
    kind: 'initial',
    progress: 'Leo has attended four ELSA sessions; the Citizens Advice appointment is booked.',
    childVoice: 'Leo said the sessions help and he wants Mum to come to the next meeting.',
    recordedOnEhm: true,
    copiesSharedWithFamily: true,
    actions: [
      { id: 'FP-1', status: 'open' },
      { id: 'FP-2', status: 'met' },
      { id: 'FP-3', status: 'open' },
    ],
  }),
  'reassessment.completed': () => ({
    contributors: [leadProfessional.name, parent, 'School nurse'],
  }),
  'caf.closed': () => ({
    summary: 'All actions met: Leo’s anxiety has reduced, routines are settled and debts are managed. Universal services continue.',
  }),
  'consent.withdrawn': () => ({
    personId: parent,
    reason: 'Sarah no longer wants Early Help involvement.',
  }),
  'stepUp.referred': () => ({
    reason: 'Leo disclosed that his father has returned to the home.',
  }),
  'leadProfessional.left': () => ({
    reason: 'Jo Patel has taken a post at another school and no longer works with Leo.',
  }),
  'case.transferredOut': () => ({
    toAuthority: 'Cardiff Council Children’s Services',
  }),
  'clock.tick': () => ({}),
  'calendar.updated': () => ({
    calendarVersion: 'gov-uk+8b38f49e0f27',
    previousCalendarVersion: 'custom+0123456789ab',
    added: ['2024-04-15'],
    removed: [],
    deadlines: [{ deadlineId: 'disagreement-resolution:D-2', due: '2024-04-18T23:59:59.999+01:00' }],
  }),
  'event.voided': () => ({
    voidedEventId: 'evt-1',
    reason: 'Recorded on the wrong case.',
  }),
  'policy.adopted': () => ({ policyVersion: '2025-04' }),
};

/**
 * The last meeting of a step down to universal services (`decision.agreed` with `destination:
 * 'universal-services'`, or the ladder's end): the views gathered and the plan to step down to
 * universal services documented, with no CAF assessment, family plan or first family plan meeting
 * date (rule `destination-plan`). The attendees are the parent/carer and the partner practitioner:
 * there is no Lead Professional. Everything but `type`, `at` and `actor`.
 *
 * @example
 * ```ts
 * const meeting = { ...sampleEvent('finalMeeting.held', at), ...universalServicesMeetingPayload() };
 * // or, whole: sampleUniversalServicesMeeting(at)
 * ```
 */
export function universalServicesMeetingPayload(): Payload<'finalMeeting.held'> {
  return {
    kind: 'final-cin',
    attendees: [parent, partner],
    otherAttendees: ['Social Worker (Children’s Social Care)'],
    views: {
      child: 'Leo said he is happy at school and at home and does not need extra meetings.',
      parents: 'Sarah agrees the family no longer needs social care and will ask school if worries return.',
      partners: 'School agrees Leo’s needs are met by universal services: the school nurse and the GP.',
    },
    universalServicesPlan:
      'Step down to universal services: school pastoral support and the school nurse remain available; Sarah knows how to contact the Early Help hub if needs return.',
  };
}

/**
 * A whole `finalMeeting.held` for a step down to universal services, dated `at`, sent by the Social
 * Worker: {@link universalServicesMeetingPayload} as an event. Without `cafAssessment`, `familyPlan`
 * and `firstFamilyPlanMeetingDate`: a CAF's meeting with `universalServicesPlan` is refused, and so
 * is this one on a case stepping down to a CAF (rule `destination-plan`).
 *
 * @example
 * ```ts
 * run.send(sampleUniversalServicesMeeting('2024-06-12T14:00:00+01:00'));
 * ```
 */
export function sampleUniversalServicesMeeting(at: string, actorOverride?: Partial<Actor>): EventOf<'finalMeeting.held'> {
  return { type: 'finalMeeting.held', at, actor: { ...senders['finalMeeting.held'], ...actorOverride }, ...universalServicesMeetingPayload() };
}

/**
 * A valid event of the given type, dated `at`, with realistic content for the sample case in
 * {@link samplePeople}, naming people by id. `person.added` adds the child; {@link samplePersonAdded}
 * adds anyone else. The sender is a role the policy gives that step to, unless overridden.
 * Dates in the payload follow `at`: the final meeting sets the first family plan meeting 21 days
 * later. The e-CAF form's section 11 is also 21 days after its own `at`; a test of the machine that
 * needs it equal to the final meeting's date overrides it.
 *
 * @example
 * ```ts
 * const views = { ...sampleEvent('views.recorded', '2024-05-01T10:00:00+01:00'), personId: samplePeople.child };
 * ```
 */
export function sampleEvent<T extends EventType>(type: T, at: string, actorOverride?: Partial<Actor>): EventOf<T> {
  const payload: Payload<T> = payloads[type](at);
  // TypeScript cannot correlate `type` with its payload through a generic index; the test suite
  // parses every sample to prove the shape.
  return { type, at, actor: { ...senders[type], ...actorOverride }, ...payload } as unknown as EventOf<T>;
}

/**
 * The `person.added` event for one person of the sample family (by id), sent by the Social Worker.
 *
 * @example
 * ```ts
 * const lp = samplePersonAdded(samplePeople.leadProfessional.personId, '2024-03-04T09:00:00Z');
 * lp.relationship; // 'practitioner'
 * ```
 */
export function samplePersonAdded(personId: string, at: string, actorOverride?: Partial<Actor>): EventOf<'person.added'> {
  const person = samplePersons[personId];
  if (person === undefined) throw new Error(`no sample person with id ${personId}`);
  return { ...sampleEvent('person.added', at, actorOverride), ...person } as EventOf<'person.added'>;
}

/**
 * The `person.added` events for the whole sample family (child, parent/carer, partner practitioner,
 * Lead Professional), all dated `at`: what a case needs on record before views, consent, the Lead
 * Professional and the final meeting can name them.
 *
 * @example
 * ```ts
 * for (const added of sampleFamilyAdded('2024-03-04T09:30:00Z')) actor.send(added);
 * ```
 */
export function sampleFamilyAdded(at: string, actorOverride?: Partial<Actor>): EventOf<'person.added'>[] {
  return sampleFamilyIds.map((personId) => samplePersonAdded(personId, at, actorOverride));
}

/**
 * A `person.added` event for someone outside the sample family, e.g. a second parent/carer.
 *
 * @example
 * ```ts
 * const dad = personAdded('mark', 'parent-carer', '2024-03-04T09:00:00Z', { parentalResponsibility: true });
 * ```
 */
export function personAdded(
  personId: string,
  relationship: SamplePerson['relationship'],
  at: string,
  fields: Partial<Omit<SamplePerson, 'personId' | 'relationship'>> = {},
): EventOf<'person.added'> {
  const defaults: Omit<SamplePerson, 'personId' | 'relationship'> =
    relationship === 'practitioner'
      ? { name: 'A partner practitioner', agency: '0–19 Public Health Nursing Service' }
      : relationship === 'parent-carer'
        ? { name: 'A parent/carer', parentalResponsibility: true }
        : { name: relationship === 'child' ? 'A child' : 'A family member' };
  return { ...sampleEvent('person.added', at), personId, relationship, ...defaults, ...fields } as EventOf<'person.added'>;
}
