import type { AuditEntry } from '../engine/store.js';
import type { EventType } from '../events/index.js';
import { toLondonDate } from '../calendar/index.js';
import { defaultTimescales } from '../policy/define-policy.js';
import type { RuleId } from '../policy/rules.js';
import { eventField, recordedLateDays, type CaseFacts, type DisagreementParty } from './facts.js';
import type { RuleStatus } from './types.js';

/** A rule's status and the reason for it, in event types, dates, codes and counts. */
export interface Assessment {
  readonly status: RuleStatus;
  readonly basis: string;
}

/**
 * How one rule is judged. `governs` picks the audit entries that are evidence for it beyond those
 * whose `rules.checked`/`rules.breached` already name it; `assess` judges it once the common
 * checks (a standing breach, a step the case waits for) have not decided.
 */
export interface RuleSpec {
  readonly governs: (entry: AuditEntry, facts: CaseFacts) => boolean;
  readonly assess: (facts: CaseFacts) => Assessment;
}

type Step = EventType | 'case.opened';

// ---------------------------------------------------------------------------------------------
// Small helpers. Every sentence they build holds event types, London dates, seq numbers and codes.

/** A London date for a basis sentence. */
function day(iso: string | null): string {
  return iso === null ? 'undated' : toLondonDate(iso);
}

/** `finalMeeting.held (#8, 2024-03-14)`. */
function cite(entry: AuditEntry): string {
  return `${entry.type} (#${entry.seq}, ${day(entry.at)})`;
}

function list(entries: readonly AuditEntry[]): string {
  return entries.map(cite).join(', ');
}

const met = (basis: string): Assessment => ({ status: 'met', basis });
const pending = (basis: string): Assessment => ({ status: 'pending', basis });
const notApplicable = (basis: string): Assessment => ({ status: 'not-applicable', basis });

/** Entries of the given types are evidence. */
function types(...steps: Step[]): RuleSpec['governs'] {
  return (entry) => (steps as readonly string[]).includes(entry.type);
}

/** Entries of the given types that also satisfy `when` are evidence. */
function typesWhere(when: (entry: AuditEntry, facts: CaseFacts) => boolean, ...steps: Step[]): RuleSpec['governs'] {
  return (entry, facts) => (steps as readonly string[]).includes(entry.type) && when(entry, facts);
}

/** Nothing beyond the entries that name the rule. */
const named: RuleSpec['governs'] = () => false;

/** Why a rule that never came into play does not apply: the case ended first, or it is not there yet. */
function notReached(facts: CaseFacts, what: string): Assessment {
  return facts.active
    ? pending(`Not reached yet: applies at ${what}.`)
    : notApplicable(`The case ended (${facts.view.outcome}) before ${what}.`);
}

/**
 * A rule complied with by accepting a step: met once any of `steps` was accepted (a gate guarding
 * it held, or the record it asks for was made); before that, pending while the case is open and
 * not applicable once it has ended. `onFile` names the records that lead up to it, listed while it
 * is still pending so a reader sees what is already there.
 */
function checkpoint(steps: readonly EventType[], onFile: readonly EventType[] = []): (facts: CaseFacts) => Assessment {
  return (facts) => {
    const passed = facts.accepted(...steps);
    if (passed.length > 0) {
      return met(passed.length === 1 ? `Met when ${cite(passed[0]!)} was accepted.` : `Met at each of ${list(passed)}.`);
    }
    const assessment = notReached(facts, steps.join(' / '));
    const records = facts.accepted(...onFile);
    return records.length > 0 && assessment.status === 'pending'
      ? pending(`${assessment.basis} On file so far: ${list(records)}.`)
      : assessment;
  };
}

/**
 * A timescale rule, judged by its deadlines (a missed or late one is already a breach): pending
 * while one is open, met when one was met and none is open, not applicable when every one was
 * cancelled by the case's outcome. With none opened, `expected` says whether the case's path can
 * still open one (pending) or not (not applicable, with `never` as the reason).
 */
function timescale(rule: RuleId, startsAt: string, expected: (facts: CaseFacts) => boolean, never: string) {
  return (facts: CaseFacts): Assessment => {
    const deadlines = facts.view.deadlines.filter((d) => d.rule === rule);
    const open = deadlines.filter((d) => d.status === 'open');
    if (open.length > 0) return pending(`Open: ${open.map((d) => `${d.id} due ${day(d.due)}`).join(', ')}.`);
    const kept = deadlines.filter((d) => d.status === 'met');
    if (kept.length > 0) {
      const cancelled = deadlines.length - kept.length;
      return met(
        `Met: ${kept.map((d) => `${d.id} on ${day(d.closedAt)} (due ${day(d.due)})${recordedLate(d)}`).join(', ')}.` +
          (cancelled > 0 ? ` ${cancelled} cancelled by the outcome.` : ''),
      );
    }
    if (deadlines.length > 0) {
      return notApplicable(`Cancelled: the case reached its outcome (${facts.view.outcome}) before ${deadlines.map((d) => d.id).join(', ')} fell due.`);
    }
    if (facts.active && expected(facts)) return pending(`Not started: the clock starts at ${startsAt}.`);
    return notApplicable(facts.active ? never : `${never} The case ended (${facts.view.outcome}).`);
  };
}

/** `, recorded 6 days after its date` for a step dated on time but recorded after the deadline passed. */
function recordedLate(deadline: Parameters<typeof recordedLateDays>[0]): string {
  const days = recordedLateDays(deadline);
  return days === null ? '' : `, recorded ${days} day${days === 1 ? '' : 's'} after its date`;
}

/** A record rule that applies only when its event happened: met then, not applicable otherwise. */
function onlyIf(steps: readonly EventType[], never: string): (facts: CaseFacts) => Assessment {
  return (facts) => {
    const happened = facts.accepted(...steps);
    return happened.length > 0 ? met(`Recorded: ${list(happened)}.`) : notApplicable(never);
  };
}

/**
 * A rung of the Lead Professional ladder, as a state of the preparation stage. It applies only
 * when the case climbed to it; it is met when the case left it by `done` (the rung's step was
 * taken) or because an agency agreed there (the rung worked). Waiting at it is caught before this
 * by the common "waits on" check.
 */
function rung(state: string, done: EventType, neverReason: (facts: CaseFacts) => string): (facts: CaseFacts) => Assessment {
  return (facts) => {
    const reached = facts.entered(state);
    if (reached.length === 0) return notApplicable(neverReason(facts));
    const left = facts.left(state);
    const taken = left.filter((e) => e.type === done);
    if (taken.length > 0) return met(`Reached at ${list(reached)}; done at ${list(taken)}.`);
    const agreed = left.filter((e) => e.type === 'leadProfessional.agreed');
    if (agreed.length > 0) return met(`Reached at ${list(reached)}; an agency agreed at this rung: ${list(agreed)}.`);
    if (facts.active) return pending(`Reached at ${list(reached)}; waiting for ${done}.`);
    return notApplicable(`Reached at ${list(reached)}, but the case ended (${facts.view.outcome}) before ${done}.`);
  };
}

/** Why a ladder rule does not apply: the Lead Professional agreed first, or no agency has declined. */
function ladderNotTaken(facts: CaseFacts): string {
  const agreed = facts.accepted('leadProfessional.agreed');
  if (agreed.length > 0) return `A Lead Professional agreed without the ladder reaching this rung: ${list(agreed)}.`;
  return facts.active
    ? 'No agency has declined the Lead Professional role so far; the ladder applies only if none agrees.'
    : `The ladder was not climbed this far before the case ended (${facts.view.outcome}).`;
}

/** True when the entry's disagreement (by its id) is the party's. */
function isParty(facts: CaseFacts, entry: AuditEntry, party: DisagreementParty): boolean {
  return facts.disagreementParty(eventField(entry, 'disagreementId') ?? '') === party;
}

/** Disagreements of a party (raised, or refused consent for the family), with their resolutions. */
function disagreementsOf(facts: CaseFacts, party: DisagreementParty) {
  const raised = facts.accepted('disagreement.raised', 'consent.refused').filter((e) => isParty(facts, e, party));
  const ids = new Set(raised.map((e) => eventField(e, 'disagreementId')));
  const resolved = facts.accepted('disagreement.resolved').filter((e) => ids.has(eventField(e, 'disagreementId')));
  const resolvedIds = new Set(resolved.map((e) => eventField(e, 'disagreementId')));
  const open = [...ids].filter((id) => !resolvedIds.has(id)).length;
  return { raised, resolved, open };
}

/**
 * A family's or a partner agency's disagreements. Which one a disagreement is follows from the
 * person who raised it (their `person.added` relationship); refused consent is the family's.
 */
function disagreementRule(party: DisagreementParty, who: string): RuleSpec {
  return {
    governs: (entry, facts) =>
      ['disagreement.raised', 'consent.refused', 'disagreement.resolved'].includes(entry.type) && isParty(facts, entry, party),
    assess: (facts) => {
      const { raised, resolved, open } = disagreementsOf(facts, party);
      if (raised.length === 0) return notApplicable(`No ${who} disagreement was raised.`);
      if (open > 0 && facts.active) return pending(`${open} of ${raised.length} still open; raised at ${list(raised)}.`);
      if (open > 0) return notApplicable(`${open} still open when the case ended (${facts.view.outcome}).`);
      return met(`Raised at ${list(raised)}; resolved at ${list(resolved)}.`);
    },
  };
}

/** A gate checked at every event: met once events have passed it; refusals under it are listed. */
function everyEvent(rule: RuleId): RuleSpec {
  return {
    governs: named,
    assess: (facts) => {
      const passed = facts.live.filter((e) => e.accepted && e.rules.checked.includes(rule));
      const refused = facts.live.filter((e) => !e.accepted && e.rules.checked.includes(rule));
      if (passed.length === 0) return notReached(facts, 'the first event after opening');
      const refusals = refused.length === 0 ? 'none refused' : `${refused.length} refused (${refused.map((e) => `#${e.seq} ${e.errorCode}`).join(', ')})`;
      return met(`Checked on ${passed.length} accepted event(s); ${refusals}.`);
    },
  };
}

/**
 * Each parent/carer still involved and their consent decision on file (the one recorded last for
 * them), by person id: `carer-1 given at consent.given (#10, 2024-03-07)`.
 */
function consentsOnFile(facts: CaseFacts): { standing: AuditEntry[]; refused: AuditEntry[]; basis: string } {
  const onFile = [...facts.consentsOnFile()].filter(([personId]) => facts.involved(personId));
  const basis = onFile.map(([personId, e]) => `${personId} ${e.type === 'consent.given' ? 'given' : 'refused'} at ${cite(e)}`).join('; ');
  return {
    standing: onFile.filter(([, e]) => e.type === 'consent.given').map(([, e]) => e),
    refused: onFile.filter(([, e]) => e.type === 'consent.refused').map(([, e]) => e),
    basis,
  };
}

const finalMeeting = checkpoint(['finalMeeting.held']);

// ---------------------------------------------------------------------------------------------
// The catalogue's rules. `satisfies Record<RuleId, RuleSpec>` makes a new rule without a spec a
// type error, so the report cannot silently skip part of the policy.

/** How each rule of the catalogue is judged and which audit entries are its evidence. */
export const ruleSpecs = {
  'entry-route': {
    governs: types('case.opened'),
    assess: (facts) => {
      const opened = facts.accepted('case.opened')[0];
      return opened
        ? met(`Entered on the ${facts.view.route} route: ${cite(opened)}.`)
        : met(`Entered on the ${facts.view.route} route.`);
    },
  },
  'threshold-decision': { governs: types('decision.agreed'), assess: checkpoint(['decision.agreed']) },
  'division-of-duties': everyEvent('division-of-duties'),
  'step-sequence': everyEvent('step-sequence'),
  'people-on-record': everyEvent('people-on-record'),
  'own-cases-only': everyEvent('own-cases-only'),
  destination: {
    governs: types('decision.agreed', 'noLeadProfessional.recorded'),
    assess: (facts) => {
      const decided = facts.accepted('decision.agreed')[0];
      if (!decided) return notReached(facts, 'the decision');
      const ended = facts.view.destination === 'universal-services' && eventField(decided, 'destination') !== 'universal-services';
      const how = ended ? `reached at the ladder's end: ${list(facts.accepted('noLeadProfessional.recorded'))}` : `chosen at the decision: ${cite(decided)}`;
      return met(`Stepping down to ${facts.view.destination === 'caf' ? 'a CAF' : 'universal services'}, ${how}.`);
    },
  },
  'transfer-out': {
    governs: types('case.transferredOut'),
    assess: onlyIf(['case.transferredOut'], 'The case was not transferred to another authority.'),
  },

  'views-recorded': {
    governs: types('views.recorded', 'person.added', 'involvement.ended'),
    assess: checkpoint(['finalMeeting.held'], ['views.recorded']),
  },
  'informed-consent': {
    governs: types('consent.given', 'consent.refused'),
    assess: (facts) => {
      // Consent is each parent/carer's own: one carer's refusal does not erase another's consent. With
      // none standing, the authorisation and the closure to CSC wait for consent given (again).
      const { standing, refused, basis } = consentsOnFile(facts);
      const onFile = basis === '' ? '' : ` On file: ${basis}.`;
      if (facts.active && standing.length === 0 && refused.length > 0 && facts.accepted('csc.closed').length === 0) {
        return pending(`No parent/carer still involved has consent given on file: it must be given before the next step it guards.${onFile}`);
      }
      const assessment = checkpoint(['finalMeeting.held', 'stepDown.authorised', 'csc.closed'], ['consent.given'])(facts);
      return assessment.status === 'met' ? { ...assessment, basis: `${assessment.basis}${onFile}` } : assessment;
    },
  },
  'consent-refusal-is-disagreement': {
    governs: types('consent.refused'),
    assess: onlyIf(['consent.refused'], 'Consent was never refused.'),
  },
  'family-disagreement': disagreementRule('family', 'family'),
  'partner-disagreement': disagreementRule('partner', 'partner agency'),
  'disagreement-resolution': {
    governs: types('disagreement.raised', 'consent.refused', 'disagreement.resolved'),
    assess: timescale('disagreement-resolution', 'a disagreement', () => false, 'No disagreement was raised.'),
  },
  'no-open-disagreement': {
    governs: types('disagreement.resolved'),
    assess: (facts) => {
      if (facts.active && facts.waitsOn('disagreement-resolution')) {
        return pending('A disagreement is open: the final meeting, the authorisation and the closure to CSC wait for it.');
      }
      return checkpoint(['finalMeeting.held', 'stepDown.authorised', 'csc.closed'])(facts);
    },
  },
  'disagreement-withdrawal': {
    governs: typesWhere((e) => eventField(e, 'outcome') === 'step-down-withdrawn', 'disagreement.resolved'),
    assess: (facts) => {
      const withdrawn = facts.accepted('disagreement.resolved').filter((e) => eventField(e, 'outcome') === 'step-down-withdrawn');
      return withdrawn.length > 0
        ? met(`Resolved by withdrawing the step down: ${list(withdrawn)}; the case remains with CSC.`)
        : notApplicable('No disagreement was resolved by withdrawing the step down.');
    },
  },
  'step-down-withdrawal': {
    governs: types('stepDown.withdrawn'),
    assess: onlyIf(['stepDown.withdrawn'], 'The Team Manager did not withdraw the step down.'),
  },
  'lead-professional-identified': {
    governs: types('leadProfessional.agreed'),
    assess: (facts) => {
      if (!facts.active && facts.view.outcome === 'universal-services') {
        return notApplicable('No agency agreed to be Lead Professional: the case stepped down to universal services.');
      }
      return checkpoint(['finalMeeting.held'], ['leadProfessional.agreed'])(facts);
    },
  },
  'lp-escalation-clw': {
    governs: types('leadProfessional.notFound'),
    assess: (facts) => {
      const raised = facts.accepted('leadProfessional.notFound');
      return raised.length > 0 ? met(`Raised with the CAF Link Worker: ${list(raised)}.`) : notApplicable(ladderNotTaken(facts));
    },
  },
  'lp-clw-challenge': {
    governs: typesWhere(
      (e) => e.type !== 'leadProfessional.agreed' || (e.stateBefore ?? []).some((s) => s.endsWith('.withCafLinkWorker')),
      'leadProfessional.challengeFailed', 'leadProfessional.agreed',
    ),
    assess: rung('withCafLinkWorker', 'leadProfessional.challengeFailed', ladderNotTaken),
  },
  'lp-transforming-lives-panel': {
    governs: typesWhere(
      (e) => e.type !== 'leadProfessional.agreed' || (e.stateBefore ?? []).some((s) => s.endsWith('.atTransformingLivesPanel')),
      'leadProfessional.panelFailed', 'leadProfessional.agreed',
    ),
    assess: rung('atTransformingLivesPanel', 'leadProfessional.panelFailed', ladderNotTaken),
  },
  'lp-none-universal-services': {
    governs: typesWhere(
      (e) => e.type !== 'leadProfessional.agreed' || (e.stateBefore ?? []).some((s) => s.endsWith('.noLeadProfessionalFound')),
      'noLeadProfessional.recorded', 'leadProfessional.agreed',
    ),
    assess: (facts) => {
      const reached = facts.entered('noLeadProfessionalFound');
      if (reached.length === 0) return notApplicable(ladderNotTaken(facts));
      const recorded = facts.accepted('noLeadProfessional.recorded');
      if (recorded.length > 0) return met(`Case note recorded and parties informed: ${list(recorded)}; stepped down to universal services.`);
      const agreed = facts.left('noLeadProfessionalFound').filter((e) => e.type === 'leadProfessional.agreed');
      if (agreed.length > 0) return notApplicable(`An agency agreed after the panel: ${list(agreed)}.`);
      return facts.active
        ? pending(`The panel found no Lead Professional (${list(reached)}); the case note is awaited.`)
        : notApplicable(`The case ended (${facts.view.outcome}) before the case note.`);
    },
  },

  'final-meeting-kind': {
    governs: types('finalMeeting.held'),
    assess: (facts) => {
      const held = facts.accepted('finalMeeting.held')[0];
      const expected = facts.view.route === 'ten-day-checkpoint' ? 'multi-agency' : 'final-cin or core-group';
      const other = facts.view.route === 'ten-day-checkpoint' ? 'final CIN / core group meeting of the CIN and CP routes' : 'multi-agency meeting of the 10-day checkpoint route';
      const clause = `The ${facts.view.route} route ends in a ${expected} meeting; the ${other} does not apply.`;
      if (held) return met(`Held as ${eventField(held, 'kind') ?? 'a meeting'}: ${cite(held)}. ${clause}`);
      const assessment = finalMeeting(facts);
      return { ...assessment, basis: `${assessment.basis} ${clause}` };
    },
  },
  'final-meeting-views': { governs: types('finalMeeting.held'), assess: finalMeeting },
  'destination-plan': { governs: types('finalMeeting.held'), assess: finalMeeting },
  'reconvened-meeting': {
    governs: typesWhere(reconvenes, 'stepDown.returned'),
    assess: (facts) => {
      const reconvened = facts.accepted('stepDown.returned').filter(reconvenes);
      return reconvened.length > 0
        ? met(`Returned for the last meeting to be held again: ${list(reconvened)}.`)
        : notApplicable('The step down was never returned for a new last meeting.');
    },
  },
  'caf-assessment-in-meeting': { governs: types('finalMeeting.held'), assess: finalMeeting },
  'smart-family-plan': { governs: types('finalMeeting.held'), assess: finalMeeting },
  'first-meeting-date': {
    governs: types('finalMeeting.held'),
    assess: timescale('first-meeting-date', 'the final meeting', () => true, 'No final meeting was held.'),
  },
  'lead-professional-attends': { governs: types('finalMeeting.held'), assess: finalMeeting },
  'step-down-outcome': { governs: types('finalMeeting.held', 'eCaf.referralCompleted'), assess: finalMeeting },

  'ecaf-referral-complete': { governs: types('eCaf.referralCompleted'), assess: checkpoint(['eCaf.referralCompleted']) },
  'parents-aware-of-transfer': { governs: types('transferDetails.completed'), assess: checkpoint(['transferDetails.completed']) },
  'closure-summary': { governs: types('closureSummary.completed'), assess: checkpoint(['closureSummary.completed']) },
  'tm-file-review': {
    governs: types('fileReview.completed'),
    assess: checkpoint(['stepDown.authorised'], ['fileReview.completed']),
  },
  'tm-quality-assurance': {
    governs: types('stepDown.authorised', 'stepDown.returned'),
    assess: (facts) => {
      const returned = facts.accepted('stepDown.returned');
      const assessment = checkpoint(['stepDown.authorised'])(facts);
      return returned.length === 0
        ? assessment
        : { ...assessment, basis: `${assessment.basis} Returned ${returned.length} time(s): ${list(returned)}.` };
    },
  },
  'separation-of-duties': { governs: named, assess: checkpoint(['stepDown.authorised'], ['fileReview.completed', 'stepDown.returned']) },
  'documents-shared-with-all': { governs: types('documents.shared'), assess: checkpoint(['documents.shared']) },
  'csc-closure': { governs: types('csc.closed'), assess: checkpoint(['csc.closed']) },

  'ehm-quality-assurance': {
    governs: types('ehm.infoRequested', 'ehm.infoProvided', 'ehm.authorised'),
    assess: (facts) => {
      const rounds = facts.accepted('ehm.infoRequested').length;
      const assessment = checkpoint(['ehm.authorised'])(facts);
      return rounds === 0 ? assessment : { ...assessment, basis: `${assessment.basis} ${rounds} request(s) for more information.` };
    },
  },
  'clw-contacts-lead-professional': { governs: types('leadProfessional.contacted'), assess: checkpoint(['leadProfessional.contacted']) },

  'first-family-plan-meeting': {
    governs: typesWhere((e) => e.type === 'csc.closed' || eventField(e, 'kind') === 'initial', 'csc.closed', 'familyPlanMeeting.held'),
    assess: timescale('first-family-plan-meeting', 'the closure to CSC', () => true, 'The case never closed to CSC.'),
  },
  'family-plan-meeting-record': {
    governs: types('familyPlanMeeting.held'),
    assess: (facts) => {
      const meetings = facts.accepted('familyPlanMeeting.held');
      if (meetings.length > 0) return met(`Each family plan meeting was recorded on EHM and shared: ${list(meetings)}.`);
      return notReached(facts, 'the first family plan meeting');
    },
  },
  'family-plan-review': {
    governs: types('familyPlanMeeting.held'),
    assess: timescale('family-plan-review', 'the initial family plan meeting', () => true, 'No family plan meeting was held.'),
  },
  'caf-closure-all-actions-met': {
    governs: typesWhere((e) => e.type === 'caf.closed' || eventField(e, 'kind') === 'final', 'familyPlanMeeting.held', 'caf.closed'),
    assess: checkpoint(['caf.closed'], ['familyPlanMeeting.held']),
  },
  'caf-twelve-months': {
    governs: types('csc.closed', 'reassessment.completed', 'caf.closed'),
    assess: timescale('caf-twelve-months', 'the closure to CSC', () => true, 'The CAF never started.'),
  },
  reassessment: {
    governs: types('reassessment.completed'),
    assess: (facts) => {
      const done = facts.accepted('reassessment.completed');
      if (done.length > 0) return met(`Completed: ${list(done)}.`);
      const n = (facts.timescales ?? defaultTimescales).cafMonths;
      const months = n === 1 ? '1 month' : `${n} months`;
      if (facts.active && facts.waitsOn('caf-twelve-months')) return pending(`${months} ${n === 1 ? 'has' : 'have'} passed with the plan not met: a reassessment is due.`);
      return notApplicable(`The CAF did not pass ${months} with its plan unmet.`);
    },
  },
  'lead-professional-change': {
    governs: typesWhere(
      (e) => e.type === 'leadProfessional.left' || (e.stateBefore ?? []).some((s) => s.startsWith('underCaf')),
      'leadProfessional.left', 'leadProfessional.agreed', 'leadProfessional.challengeFailed', 'leadProfessional.panelFailed', 'noLeadProfessional.recorded',
    ),
    assess: onlyIf(['leadProfessional.left'], 'No Lead Professional left the role under the CAF.'),
  },
  'step-up': { governs: types('stepUp.referred'), assess: onlyIf(['stepUp.referred'], 'The case was not stepped up.') },
  'consent-withdrawal': {
    governs: types('consent.withdrawn'),
    assess: onlyIf(['consent.withdrawn'], 'Consent to the CAF was not withdrawn.'),
  },
} satisfies Record<RuleId, RuleSpec>;

/** True for a return that asks for the last meeting to be held again. */
function reconvenes(entry: AuditEntry): boolean {
  return (entry.event as { reconvene?: unknown } | null)?.reconvene === true;
}

/**
 * The rules that belong to a CAF: for a case stepping down to universal services (G "Step down
 * standards/Role and Responsibilities" ¶1) they do not apply, whatever was recorded.
 */
const cafRules: ReadonlySet<RuleId> = new Set<RuleId>([
  'informed-consent',
  'lead-professional-identified',
  'caf-assessment-in-meeting',
  'smart-family-plan',
  'first-meeting-date',
  'lead-professional-attends',
  'step-down-outcome',
  'ecaf-referral-complete',
  'parents-aware-of-transfer',
  'ehm-quality-assurance',
  'clw-contacts-lead-professional',
  'first-family-plan-meeting',
  'family-plan-meeting-record',
  'family-plan-review',
  'caf-closure-all-actions-met',
  'caf-twelve-months',
  'reassessment',
]);

/** The assessment of a rule for this case: a CAF's rule is not applicable to a step down to universal services. */
export function assessRule(rule: RuleId, facts: CaseFacts): Assessment {
  if (cafRules.has(rule) && facts.view.destination === 'universal-services') {
    return notApplicable('The case steps down to universal services: there is no CAF.');
  }
  return ruleSpecs[rule].assess(facts);
}
