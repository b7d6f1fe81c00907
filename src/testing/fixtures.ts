import { addDays } from '../calendar/add-days.js';
import { toLondonDate } from '../calendar/to-london-date.js';
import type { EventOf, EventType } from '../events/index.js';
import type { CaseContext, RecordedView } from '../machine/context.js';
import type { Family } from './people.js';

/** An event's own fields: everything but `type`, `at` and `actor`, which the kit (or the simulator) sets. */
export type Payload<T extends EventType> = Omit<EventOf<T>, 'type' | 'at' | 'actor'>;

/** What a fixture is built from: the event's date, the case as it stands, the family, and what the test asked for. */
export interface FixtureContext {
  /** The event's `at`: the kit's clock, or the scenario step's date. */
  readonly at: string;
  /** The case before the event, so defaults agree with what is on file (ids, names, dates). */
  readonly case: CaseContext;
  /** The people of the case. */
  readonly family: Family;
  /** The fields the test (or scenario step) gave for this event, e.g. `{ kind: 'final' }`: a default may follow them. */
  readonly requested: Readonly<Record<string, unknown>>;
}

/** How each event's default payload is built, by event type. */
export type PayloadFixtures = { readonly [T in EventType]: (fixture: FixtureContext) => Payload<T> };

type Party = RecordedView['party'];

const parties: readonly Party[] = ['child', 'parent', 'partner'];

/** The name the family gives a party: a view and a disagreement carry the name of whoever they are from. */
function nameOf(party: Party, family: Family): string {
  return party === 'child' ? family.child : party === 'parent' ? family.parent : family.partner;
}

/** The next disagreement id not yet used in the case: `D-1`, `D-2`, … */
function nextDisagreementId(context: CaseContext): string {
  const used = new Set(context.disagreements.map((d) => d.id));
  let n = 1;
  while (used.has(`D-${n}`)) n += 1;
  return `D-${n}`;
}

function leadProfessionalName(context: CaseContext, family: Family): string {
  return context.leadProfessional?.name ?? family.leadProfessional.name;
}

/** The family plan's first meeting is set 21 days after the final meeting: inside the 28 the policy allows. */
const firstMeetingAfterDays = 21;

/**
 * The default payload of every event, the library's one set: the testing kit sends them and every
 * simulated scenario starts from them. Valid, consistent with the case so far, and dated from the
 * event's `at`, so a test or a scenario names only what it is about. In particular:
 *
 * - `views.recorded` records the next party without a view (child, then parent, then partner), agreeing;
 * - `disagreement.raised` and `consent.refused` take the next free id (`D-1`, `D-2`, …);
 *   a disagreement is the partner's unless `by` names another party, and carries that party's name;
 *   `disagreement.resolved` resolves the oldest open disagreement, agreed;
 * - `finalMeeting.held` is the meeting the route ends in (final CIN, core group or multi-agency),
 *   with the Lead Professional attending, a SMART plan of three actions and the first family plan
 *   meeting 21 days later;
 * - the e-CAF form's section 11 repeats the date set at the final meeting; `documents.shared` goes to
 *   every parent and partner whose view is on file (the family's parent and partner if none is) and
 *   to the Lead Professional;
 * - `familyPlanMeeting.held` is the initial meeting, then reviews, each carrying the actions'
 *   current statuses; asked for `{ kind: 'final' }`, it reports every action met.
 *
 * @example
 * ```ts
 * defaultPayloads['consent.given']({ at, case: kit.context, family: fictionalFamily, requested: {} });
 * // { parentCarer: 'Alex Example', informationShared: [...], purpose: '...' }
 * ```
 */
export const defaultPayloads: PayloadFixtures = {
  'decision.agreed': () => ({
    rationale:
      'Attendance has risen to 95% over the plan, the family has engaged with every service offered and no new concerns have been raised for six months; the remaining needs can be met through Early Help.',
  }),
  'views.recorded': ({ case: context, family, requested }) => {
    const requestedParty = requested['party'] as Party | undefined;
    const party = requestedParty ?? parties.find((p) => !context.views.some((v) => v.party === p)) ?? 'parent';
    return {
      party,
      name: nameOf(party, family),
      agrees: true,
      summary:
        party === 'child'
          ? 'Says things feel calmer at home and would like to keep seeing the school’s learning mentor.'
          : party === 'parent'
            ? 'Feels more confident and would like support from the school rather than social care.'
            : 'The school agrees the threshold for social care is no longer met and will support the family.',
    };
  },
  'consent.given': ({ family }) => ({
    parentCarer: family.parent,
    informationShared: ['Step-down CAF assessment', 'Family plan', 'Final meeting minutes'],
    purpose: 'So that the Lead Professional and the team around the family can support the family under the CAF.',
  }),
  'consent.refused': ({ case: context, family }) => ({
    parentCarer: family.parent,
    reason: 'Worried that support will stop suddenly once social care closes.',
    disagreementId: nextDisagreementId(context),
  }),
  'disagreement.raised': ({ case: context, family, requested }) => {
    const by = (requested['by'] as Party | undefined) ?? 'partner';
    return {
      disagreementId: nextDisagreementId(context),
      by,
      party: nameOf(by, family),
      reason:
        by === 'partner'
          ? 'The school would like one more review before social care closes.'
          : by === 'parent'
            ? 'Worried that the family will be left without support once social care closes.'
            : 'Does not want the social worker to stop visiting yet.',
    };
  },
  'disagreement.resolved': ({ case: context }) => ({
    disagreementId: context.disagreements.find((d) => d.status === 'open')?.id ?? nextDisagreementId(context),
    outcome: 'agreed',
    summary: 'Discussed with the Team Manager and the party; a review point was added to the family plan.',
  }),
  'leadProfessional.agreed': ({ family }) => ({ ...family.leadProfessional }),
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
    return {
      kind: context.route === 'ten-day-checkpoint' ? 'multi-agency' : context.route === 'cp-outcome' ? 'core-group' : 'final-cin',
      attendees: [
        { role: 'Social Worker', name: family.socialWorker },
        { role: 'parent', name: family.parent },
        { role: 'Lead Professional', name: leadProfessionalName(context, family) },
        { role: 'Designated Safeguarding Lead', name: family.partner },
      ],
      views: {
        child: 'Said the mentor sessions help and that home feels calmer.',
        parents: 'Agrees with the step down and wants help with routines.',
        partners: 'School and health agree the threshold for social care is no longer met.',
      },
      cafAssessment: {
        progress: 'Attendance 95%, no incidents for six months, parenting course completed.',
        remainingNeeds: 'Bedtime routine, anxiety about changes at school, household budgeting.',
        childVoice: 'Drew a picture of the family at the park and said it is a happy one.',
      },
      familyPlan: {
        actions: [
          { id: 'FP-1', description: 'Weekly learning mentor sessions in school', owner: leadProfessionalName(context, family), by: addDays(day, 56) },
          { id: 'FP-2', description: 'Referral to a money advice service', owner: family.parent, by: addDays(day, 28) },
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
        name: leadProfessionalName(context, family),
        contact: family.leadProfessional.contact,
      },
    },
  }),
  'transferDetails.completed': () => ({ parentsAware: true }),
  'closureSummary.completed': () => ({
    whyInvolved: 'Referred by the school after concerns about neglect.',
    whatWasDone: 'Child in Need plan; parenting course; mentor support in school.',
    outcome: 'Home conditions and routines improved; no further concerns.',
    impact: 'Attendance and wellbeing improved; the parent reports feeling confident.',
    whyThresholdNoLongerMet: 'No need for statutory support; remaining needs are at Early Help level.',
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
  'stepDown.returned': () => ({ reasons: ['The closure summary does not evidence the child’s views on closure.'] }),
  'documents.shared': ({ case: context, family }) => {
    // Everyone rule documents-shared-with-all looks for; the family's own parent and partner when
    // no view is on file yet, so the list is never only the Lead Professional.
    const onFile = context.views.filter((v) => v.party !== 'child').map((v) => v.name);
    const others = onFile.length > 0 ? onFile : [family.parent, family.partner];
    return { recipients: [...new Set([...others, leadProfessionalName(context, family)])] };
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
    contributors: [leadProfessionalName(context, family), family.parent, 'School nurse'],
  }),
  'caf.closed': () => ({
    summary: 'All actions met: routines are settled and money is managed. Universal services continue.',
  }),
  'consent.withdrawn': ({ family }) => ({
    parentCarer: family.parent,
    reason: 'No longer wants Early Help involvement.',
  }),
  'stepUp.referred': () => ({ reason: 'New concerns reported by the school.' }),
  'clock.tick': () => ({}),
};
