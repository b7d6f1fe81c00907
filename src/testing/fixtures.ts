import { addDays } from '../calendar/add-days.js';
import { toLondonDate } from '../calendar/to-london-date.js';
import type { EventOf, EventType } from '../events/index.js';
import type { CaseContext, Relationship } from '../machine/context.js';
import { documentRecipientsNeeded, isInvolved, peopleWhoseViewsAreNeeded } from '../machine/gates.js';
import { familyPeople, type Family, type PersonFields } from './people.js';

/** An event's own fields: everything but `type`, `at` and `actor`, which the kit (or the simulator) sets. */
export type Payload<T extends EventType> = Omit<EventOf<T>, 'type' | 'at' | 'actor'>;

/** What a fixture is built from: the event's date, the case as it stands, the family, and what the test asked for. */
export interface FixtureContext {
  /** The event's `at`: the kit's clock, or the scenario step's date. */
  readonly at: string;
  /** The case before the event, so defaults agree with what is on file (people, ids, dates). */
  readonly case: CaseContext;
  /** The fixture family: their ids and display names. */
  readonly family: Family;
  /** The fields the test (or scenario step) gave for this event, e.g. `{ personId: 'carer-2' }`: a default may follow them. */
  readonly requested: Readonly<Record<string, unknown>>;
}

/** How each event's default payload is built, by event type. */
export type PayloadFixtures = { readonly [T in EventType]: (fixture: FixtureContext) => Payload<T> };

/** The next disagreement id not yet used in the case: `D-1`, `D-2`, … */
function nextDisagreementId(context: CaseContext): string {
  const used = new Set(context.disagreements.map((d) => d.id));
  let n = 1;
  while (used.has(`D-${n}`)) n += 1;
  return `D-${n}`;
}

/** The next person id not yet on the case: `person-1`, `person-2`, … */
function nextPersonId(context: CaseContext): string {
  let n = 1;
  while (context.people[`person-${n}`]) n += 1;
  return `person-${n}`;
}

function requestedId(requested: Readonly<Record<string, unknown>>, field = 'personId'): string | undefined {
  const value = requested[field];
  return typeof value === 'string' ? value : undefined;
}

/** The people of the case still involved with a relationship, in the order they were added. */
function involved(context: CaseContext, relationship: Relationship): string[] {
  return Object.entries(context.people)
    .filter(([id, p]) => p.relationship === relationship && isInvolved(context, id))
    .map(([id]) => id);
}

/** A parent/carer for a consent event: the first involved one whose record is not already `status`, else the first, else the family's. */
function carerFor(context: CaseContext, family: Family, status: 'given' | 'refused'): string {
  const carers = involved(context, 'parent-carer');
  return carers.find((id) => context.consents[id]?.status !== status) ?? carers[0] ?? family.parent.id;
}

/** The first parent/carer still involved, else the family's. */
function firstCarer(context: CaseContext, family: Family): string {
  return involved(context, 'parent-carer')[0] ?? family.parent.id;
}

/** The Lead Professional to name: the one on file, else the family's if involved, else the first practitioner involved. */
function leadProfessionalId(context: CaseContext, family: Family): string {
  if (context.leadProfessional) return context.leadProfessional.personId;
  const practitioners = involved(context, 'practitioner');
  return practitioners.includes(family.leadProfessional.id) ? family.leadProfessional.id : (practitioners[0] ?? family.leadProfessional.id);
}

/** A person's display name: from the case record, else from the family, else a fictional placeholder. */
function nameOf(context: CaseContext, family: Family, personId: string): string {
  const onFile = context.people[personId]?.name;
  if (onFile) return onFile;
  const member = familyPeople(family).find(([id]) => id === personId);
  return member ? member[1].name : 'A fictional person';
}

function relationshipOf(context: CaseContext, family: Family, personId: string): Relationship {
  return (
    context.people[personId]?.relationship ??
    familyPeople(family).find(([id]) => id === personId)?.[1].relationship ??
    'family-member'
  );
}

/** The Lead Professional's contact: the family's for their Lead Professional, a fictional one otherwise. */
function contactOf(family: Family, personId: string): string {
  return personId === family.leadProfessional.id ? family.leadProfessional.contact : 'lead.professional@agency.example, 01632 960 002';
}

const viewSummaries: Readonly<Record<Relationship, string>> = {
  child: 'Says things feel calmer at home and would like to keep seeing the school’s learning mentor.',
  'parent-carer': 'Feels more confident and would like support from the school rather than social care.',
  'family-member': 'Has seen things settle at home and is happy to keep helping after school.',
  practitioner: 'Agrees the threshold for social care is no longer met and will support the family under the CAF.',
};

const disagreementReasons: Readonly<Record<Relationship, string>> = {
  child: 'Does not want the social worker to stop visiting yet.',
  'parent-carer': 'Worried that the family will be left without support once social care closes.',
  'family-member': 'Thinks the family still needs social care for a while.',
  practitioner: 'Would like one more review before social care closes.',
};

/** Fictional names for people a test adds without naming them. */
const placeholderNames: Readonly<Record<Relationship, string>> = {
  child: 'Sam Example',
  'parent-carer': 'Jamie Example',
  'family-member': 'Pat Example',
  practitioner: 'Drew Sample',
};

/** A person's fields for `person.added`: the family's own record for one of its ids, a fictional one otherwise. */
function personFields(family: Family, personId: string, relationship: Relationship): PersonFields {
  const member = familyPeople(family).find(([id]) => id === personId)?.[1];
  if (member && member.relationship === relationship) return { ...member };
  return {
    relationship,
    name: placeholderNames[relationship],
    ...(relationship === 'practitioner' ? { agency: family.agencies[family.agencies.length - 1] ?? 'A fictional agency' } : {}),
    ...(relationship === 'parent-carer' ? { parentalResponsibility: true } : {}),
  };
}

/**
 * Who attends the final meeting by default: every person still involved (so the Lead Professional
 * on file or to be), or the family's people when no one is on the case yet.
 */
function attendeesOf(context: CaseContext, family: Family): string[] {
  const ids = Object.keys(context.people).filter((id) => isInvolved(context, id));
  const lp = leadProfessionalId(context, family);
  const all = ids.length > 0 ? ids : familyPeople(family).map(([id]) => id);
  return all.includes(lp) ? all : [...all, lp];
}

/** The family plan's first meeting is set 21 days after the final meeting: inside the 28 the policy allows. */
const firstMeetingAfterDays = 21;

/**
 * The default payload of every event, the library's one set: the testing kit sends them and every
 * simulated scenario starts from them. Valid, consistent with the case so far, and dated from the
 * event's `at`, so a test or a scenario names only what it is about. People are named by id; a
 * default follows the people on the case:
 *
 * - `person.added` adds the family's own record for one of its ids (`child-1`, `carer-1`,
 *   `partner-1`, `lp-1`), or a fictional person with the relationship asked for (a family member
 *   when none is), under the next free id `person-1`, `person-2`, … unless `personId` is given;
 * - `views.recorded` records the view of the next person whose view is needed and not on file
 *   (in the order they were added), agreeing;
 * - `consent.given` and `consent.refused` are from the first involved parent/carer without that
 *   record; `consent.withdrawn` from the first involved parent/carer who consented;
 * - `disagreement.raised` and `consent.refused` take the next free id (`D-1`, `D-2`, …);
 *   a disagreement is the partner practitioner's (`partner-1`) unless `personId` names another;
 *   `disagreement.resolved` resolves the oldest open disagreement, agreed;
 * - `leadProfessional.agreed` is the family's Lead Professional (`lp-1`), or the first
 *   practitioner involved when they are not on the case;
 * - `decision.agreed` steps down to a CAF; give `{ destination: 'universal-services' }` for a
 *   planned step down to universal services;
 * - `finalMeeting.held` is the meeting the route ends in (final CIN, core group or multi-agency),
 *   attended by every person still involved (the Lead Professional among them) and the Social
 *   Worker: for a CAF with the CAF assessment, a SMART plan of three actions and the first family
 *   plan meeting 21 days later; for a case stepping down to universal services (chosen at the
 *   decision or reached at the ladder's end) with its `universalServicesPlan` and none of the CAF's
 *   parts, as rule destination-plan asks; the closure summary's step-down plan follows the destination;
 * - `stepDown.returned` sends the closure back for paperwork; give `{ reconvene: true }` to send the
 *   case back to preparation for a new last meeting;
 * - `leadProfessional.left` gives a reason; `case.transferredOut` names a fictional authority;
 * - the e-CAF form's section 11 repeats the date set at the final meeting and section 12 names the
 *   Lead Professional on file; `documents.shared` goes to everyone rule documents-shared-with-all
 *   asks for (every parent/carer and practitioner still involved, and the Lead Professional);
 * - `familyPlanMeeting.held` is the initial meeting, then reviews, each carrying the actions'
 *   current statuses; asked for `{ kind: 'final' }`, it reports every action met.
 *
 * @example
 * ```ts
 * defaultPayloads['consent.given']({ at, case: kit.context, family: fictionalFamily, requested: {} });
 * // { personId: 'carer-1', informationShared: [...], purpose: '...' }
 * ```
 */
export const defaultPayloads: PayloadFixtures = {
  'person.added': ({ case: context, family, requested }) => {
    const personId = requestedId(requested) ?? nextPersonId(context);
    const asked = requested['relationship'] as Relationship | undefined;
    const relationship = asked ?? familyPeople(family).find(([id]) => id === personId)?.[1].relationship ?? 'family-member';
    return { personId, ...personFields(family, personId, relationship) };
  },
  'person.updated': ({ case: context, family, requested }) => {
    const personId = requestedId(requested) ?? family.child.id;
    return { personId, name: `${nameOf(context, family, personId)} (name corrected)` };
  },
  'involvement.ended': ({ family, requested }) => ({
    personId: requestedId(requested) ?? family.partner.id,
    reason: 'No longer working with the family.',
  }),
  'event.voided': ({ requested }) => ({
    voidedEventId: requestedId(requested, 'voidedEventId') ?? 'kit-1',
    reason: 'Recorded in error.',
  }),
  'policy.adopted': ({ requested }) => ({ policyVersion: requestedId(requested, 'policyVersion') ?? '2024-08' }),
  'decision.agreed': () => ({
    rationale:
      'Attendance has risen to 95% over the plan, the family has engaged with every service offered and no new concerns have been raised for six months; the remaining needs can be met through Early Help.',
  }),
  'views.recorded': ({ case: context, family, requested }) => {
    const personId =
      requestedId(requested) ??
      peopleWhoseViewsAreNeeded(context).find(([id]) => !context.views[id])?.[0] ??
      family.child.id;
    return { personId, agrees: true, summary: viewSummaries[relationshipOf(context, family, personId)] };
  },
  'consent.given': ({ case: context, family }) => ({
    personId: carerFor(context, family, 'given'),
    informationShared: ['Step-down CAF assessment', 'Family plan', 'Final meeting minutes'],
    purpose: 'So that the Lead Professional and the team around the family can support the family under the CAF.',
  }),
  'consent.refused': ({ case: context, family }) => ({
    personId: carerFor(context, family, 'refused'),
    reason: 'Worried that support will stop suddenly once social care closes.',
    disagreementId: nextDisagreementId(context),
  }),
  'disagreement.raised': ({ case: context, family, requested }) => {
    const personId = requestedId(requested) ?? family.partner.id;
    return {
      disagreementId: nextDisagreementId(context),
      personId,
      reason: disagreementReasons[relationshipOf(context, family, personId)],
    };
  },
  'disagreement.resolved': ({ case: context }) => ({
    disagreementId: context.disagreements.find((d) => d.status === 'open')?.id ?? nextDisagreementId(context),
    outcome: 'agreed',
    summary: 'Discussed with the Team Manager and the person who disagreed; a review point was added to the family plan.',
  }),
  'leadProfessional.agreed': ({ case: context, family, requested }) => {
    const personId = requestedId(requested) ?? leadProfessionalId({ ...context, leadProfessional: null }, family);
    return { personId, contact: contactOf(family, personId) };
  },
  'leadProfessional.notFound': ({ family }) => ({ agenciesAsked: [...family.agencies] }),
  'leadProfessional.challengeFailed': ({ family }) => ({ agenciesChallenged: [...family.agencies] }),
  'leadProfessional.panelFailed': ({ at }) => ({ panelDate: toLondonDate(at) }),
  'noLeadProfessional.recorded': ({ family }) => ({
    caseNote:
      'No agency has agreed to take the Lead Professional role after challenge and the Transforming Lives Panel; the case steps down to universal services.',
    informed: { socialWorker: true, family: true, agencies: [...family.agencies] },
  }),
  'stepDown.withdrawn': () => ({ reason: 'New information received; the plan with social care continues.' }),
  'finalMeeting.held': ({ at, case: context, family }) => {
    const day = toLondonDate(at);
    const lp = nameOf(context, family, leadProfessionalId(context, family));
    const kind = context.route === 'ten-day-checkpoint' ? 'multi-agency' : context.route === 'cp-outcome' ? 'core-group' : 'final-cin';
    const views = {
      child: 'Said the mentor sessions help and that home feels calmer.',
      parents: 'Agrees with the step down and wants help with routines.',
      partners: 'School and health agree the threshold for social care is no longer met.',
    };
    if (context.destination === 'universal-services') {
      // Rule destination-plan: the plan to step down to universal services, and none of the CAF's parts.
      return {
        kind,
        attendees: attendeesOf(context, family),
        otherAttendees: [family.socialWorker],
        views,
        universalServicesPlan:
          'The school and the GP continue their universal support; the family knows how to ask for Early Help again through the school.',
      };
    }
    return {
      kind,
      attendees: attendeesOf(context, family),
      otherAttendees: [family.socialWorker],
      views,
      cafAssessment: {
        progress: 'Attendance 95%, no incidents for six months, parenting course completed.',
        remainingNeeds: 'Bedtime routine, anxiety about changes at school, household budgeting.',
        childVoice: 'Drew a picture of the family at the park and said it is a happy one.',
      },
      familyPlan: {
        actions: [
          { id: 'FP-1', description: 'Weekly learning mentor sessions in school', owner: lp, by: addDays(day, 56) },
          { id: 'FP-2', description: 'Referral to a money advice service', owner: nameOf(context, family, firstCarer(context, family)), by: addDays(day, 28) },
          { id: 'FP-3', description: 'Sleep routine advice from the school nurse', owner: 'School nurse', by: addDays(day, 42) },
        ],
        smart: true,
        agreedByFamily: true,
        agreedByPartners: true,
      },
      firstFamilyPlanMeetingDate: addDays(day, firstMeetingAfterDays),
    };
  },
  'eCaf.referralCompleted': ({ at, case: context, family }) => ({
    form: {
      backgroundAndHistory: 'Open to social care for a year after concerns about neglect; Child in Need plan since then.',
      reasonForStepDown: 'Needs are now met at Early Help level; protective factors are strong.',
      familyExperiencing: ['Financial difficulties', 'Child emotional wellbeing'],
      keyAgencies: [...family.agencies],
      voiceOfChild: 'Feels safe at home and enjoys school.',
      voiceOfParents: 'Would like continued help with routines and money.',
      childsNeeds: {
        health: 'Up to date with immunisations; registered with a GP and dentist.',
        education: 'Attendance 95%; working at the expected level.',
        developmentSpeechAndLanguage: 'No concerns.',
        physical: 'Healthy; plays in a local football team.',
        emotional: 'Some anxiety about change; improving with mentor support.',
        identity: 'Confident and proud of their family.',
        socialPresentation: 'Well presented.',
        selfCare: 'Age-appropriate.',
        familyRelationships: 'Warm relationship with their parent and grandparent.',
      },
      parentingCapacity: {
        adverseChildhoodExperiences: 'Periods of neglect before the plan.',
        emotionalCare: 'Warm and attuned.',
        guidanceAndBoundaries: 'Bedtime routine still inconsistent.',
        stability: 'Secure tenancy.',
        safety: 'No current safety concerns.',
        adultIssues: 'Manages low mood with GP support.',
      },
      environmentalFactors: {
        familyHistoryAndFunctioning: 'Single-parent household.',
        relationships: 'Supportive grandparent nearby.',
        housingFacilitiesIncome: 'Housing association flat; rent arrears being repaid.',
        widerFamily: 'Grandparent helps after school twice a week.',
        socialIntegrationAndCommunityResources: 'Attends a community centre and a football club.',
      },
      familyPlanOutline: 'Mentor support in school, money advice and sleep routine support; reviewed every 6–8 weeks.',
      firstFamilyPlanMeetingDate:
        context.finalMeeting?.firstFamilyPlanMeetingDate ?? addDays(toLondonDate(at), firstMeetingAfterDays),
      leadProfessional: {
        name: nameOf(context, family, leadProfessionalId(context, family)),
        contact: contactOf(family, leadProfessionalId(context, family)),
      },
    },
  }),
  'transferDetails.completed': () => ({ parentsAware: true }),
  'closureSummary.completed': ({ case: context }) => ({
    whyInvolved: 'Referred by the school after concerns about neglect.',
    whatWasDone: 'Child in Need plan; parenting course; mentor support in school.',
    outcome: 'Home conditions and routines improved; no further concerns.',
    impact: 'Attendance and wellbeing improved; the parent reports feeling confident.',
    whyThresholdNoLongerMet: 'No need for statutory support; remaining needs are at Early Help level.',
    stepDownPlan:
      context.destination === 'universal-services'
        ? 'Step down to universal services: the school and the GP continue their support; no CAF.'
        : 'Step down to CAF with the school as Lead Professional; first family plan meeting agreed.',
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
  'stepDown.returned': () => ({ reasons: ['The closure summary does not evidence the child’s views on closure.'] }),
  'documents.shared': ({ case: context, family }) => {
    // Everyone rule documents-shared-with-all looks for; the family's carer, partner and Lead
    // Professional when no one is on the case yet, so the list is never empty.
    const needed = documentRecipientsNeeded(context);
    return { recipients: needed.length > 0 ? needed : [family.parent.id, family.partner.id, family.leadProfessional.id] };
  },
  'csc.closed': () => ({}),
  'ehm.infoRequested': () => ({ questions: ['Who from health attends the family plan meetings?'] }),
  'ehm.infoProvided': () => ({ answers: 'The school nurse will attend the family plan meetings.' }),
  'ehm.authorised': () => ({}),
  'leadProfessional.contacted': () => ({}),
  'familyPlanMeeting.held': ({ case: context, requested }) => {
    const kind = (requested['kind'] as 'initial' | 'review' | 'final' | undefined) ??
      (context.familyPlan.meetings === 0 ? 'initial' : 'review');
    const actions = Object.entries(context.familyPlan.actions).map(([id, status]) => ({
      id,
      status: kind === 'final' ? ('met' as const) : status,
    }));
    return {
      kind,
      progress: 'Mentor sessions attended; the money advice appointment is booked.',
      childVoice: 'Said the sessions help and wants their parent to come to the next meeting.',
      recordedOnEhm: true,
      copiesSharedWithFamily: true,
      // A plan always has actions; this fallback only serves a case whose final meeting was skipped.
      actions: actions.length > 0 ? actions : [{ id: 'FP-1', status: kind === 'final' ? 'met' : 'open' }],
    };
  },
  'reassessment.completed': ({ case: context, family }) => ({
    contributors: [
      nameOf(context, family, leadProfessionalId(context, family)),
      nameOf(context, family, firstCarer(context, family)),
      'School nurse',
    ],
  }),
  'caf.closed': () => ({
    summary: 'All actions met: routines are settled and money is managed. Universal services continue.',
  }),
  'consent.withdrawn': ({ case: context, family }) => ({
    personId: involved(context, 'parent-carer').find((id) => context.consents[id]?.status === 'given') ?? firstCarer(context, family),
    reason: 'No longer wants Early Help involvement.',
  }),
  'stepUp.referred': () => ({ reason: 'New concerns reported by the school.' }),
  'leadProfessional.left': () => ({ reason: 'Has moved to a post with another agency.' }),
  'case.transferredOut': () => ({ toAuthority: 'Northshire County Council (fictional)' }),
  'clock.tick': () => ({}),
  // The first unmet deadline moved a day later, as a holiday added inside it would move it.
  'calendar.updated': ({ case: context }) => {
    const deadline = context.deadlines.find((d) => d.status === 'open' || d.status === 'missed');
    const due = deadline ? new Date(Date.parse(deadline.due) + 86_400_000).toISOString() : '2099-01-01T00:00:00.000Z';
    return {
      calendarVersion: 'custom+000000000001',
      previousCalendarVersion: 'custom+000000000000',
      added: [],
      removed: [],
      deadlines: [{ deadlineId: deadline?.id ?? 'disagreement-resolution:D1', due }],
    };
  },
};
