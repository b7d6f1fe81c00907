import { defaultPolicyIdentity, type Timescales } from '../policy/define-policy.js';
import { reportPolicy } from './policy-version.js';
/**
 * The compliance report: every rule of the catalogue judged against one case, with the audit
 * entries that show it and the rule's citation. It is built from two things the engine already
 * keeps, the case view ({@link describeCase} plus the version) and the hash-chained audit trail,
 * so it can be rebuilt for any case at any time and never reads a clock.
 *
 * ## How a rule's status is decided
 * Checked in this order; the first that applies wins.
 * 1. **breached** — a breach of the rule stands on the case (`view.breaches`), or one of its
 *    deadlines is `missed` or `met-late`. A breach a tick found and a later record withdrew (the
 *    step was dated on time after all, or the case had left the path that needed it before it fell
 *    due) no longer stands, so it does not count: it is listed as withdrawn, with why, and the
 *    rule's basis says so.
 * 2. **pending** — the case is open and waits now for a step under the rule (one of
 *    `view.pending` names it): views still to record, a rung of the ladder, the next closure step,
 *    an open disagreement, the initial family plan meeting, and so on.
 * 3. Otherwise by the rule's own test (`ruleSpecs` in `assess.ts`):
 *    - **gates** are met once the event they guard was accepted (`views-recorded`,
 *      `informed-consent`, `lead-professional-identified`, `smart-family-plan` … by
 *      `finalMeeting.held`; `tm-file-review`, `tm-quality-assurance` and `separation-of-duties` by
 *      `stepDown.authorised`; each closure gate by its own step). A gate guarding several steps
 *      (`informed-consent`, `no-open-disagreement`) is met from the first, and is pending again
 *      while consent stands refused or a disagreement is open. `division-of-duties` and
 *      `step-sequence` are checked on every event: met once events passed them. Refusals are
 *      evidence that a gate held, never a breach: a gate blocks, so it cannot be broken.
 *    - **timescales** follow their deadlines: pending while one is open, met when one was met and
 *      none is open (a step dated on time but recorded after the deadline passed is met, and the
 *      basis says how many days after its date it was recorded), not applicable when every one was cancelled by the outcome. With none opened,
 *      pending while the case can still start the clock, not applicable when it cannot (no
 *      disagreement was raised, or the case ended before the step that starts it).
 *    - **records** are met when the step that makes the record was accepted (the final meeting for
 *      its views, assessment, attendance and outcome; each family plan meeting; the CAF Link
 *      Worker's contact); a shortfall is already a breach (step 1).
 *    - **branches** apply only when the case took them: the Lead Professional ladder's rungs only
 *      when the case climbed to them (an agreement at a rung meets it: the rung worked), the
 *      disagreement rules only when one was raised (by the family, or by a partner), withdrawal,
 *      step up, consent withdrawal and reassessment only when they happened. Otherwise
 *      **not applicable**, e.g. the whole ladder when a Lead Professional agreed at once.
 *    - `final-meeting-kind` is one rule for all routes: the report judges the clause of the case's
 *      route and says in the basis that the other route's meeting kind does not apply.
 *    - A rule of a stage the case has not reached is **pending** while the case is open, and
 *      **not applicable** once it has ended (e.g. the closure gates of a case withdrawn in
 *      preparation).
 *
 * ## People
 * Rules about people read ids: whether a disagreement is the family's or a partner agency's follows
 * from the relationship in the `person.added` entry of the person who raised it (refused consent is
 * the family's); consent is each parent/carer's own, the decision recorded last for them, so one
 * carer's refusal never hides another's consent.
 *
 * ## Evidence
 * An audit entry is evidence for a rule when its `rules.checked` or `rules.breached` names the
 * rule, or its event type is one the rule governs (`ruleSpecs[rule].governs`). Only the entry's
 * envelope is kept: seq, type, `at`, the actor's role, accepted or refused with the code, and, for an
 * event about a person, how that person stands to the case (`whose`: child, parent/carer, …).
 *
 * ## Corrections
 * An accepted `event.voided` entry voids the accepted entry whose event carries the `eventId` it
 * names. The engine recomputed the case without that entry, and so does the report: a voided entry
 * is evidence for no rule, and no status rests on it. The trail keeps both entries, and so does the
 * report: `entries` marks the voided one (`voidedBy`), and `corrections` lists every void, accepted
 * or refused with its code, with the entry it names.
 *
 * ## No personal data
 * The report holds ids (case, person, deadline), rule ids, event types, roles, dates, codes, counts
 * and citations. Event payloads (names, views, reasons, the e-CAF form) and actor ids are never
 * copied. A void's reason is free text too: the report says that one was given and which audit
 * entry keeps it, never what it says.
 *
 * @module
 */
import { toLondonDate } from '../calendar/index.js';
import { verifyAuditTrail } from '../engine/audit-chain.js';
import type { AuditEntry } from '../engine/store.js';
import type { Relationship } from '../events/people.js';
import { relationshipLabels } from '../labels/events.js';
import type { WithdrawnBreach } from '../machine/context.js';
import { rules, type RuleId } from '../policy/rules.js';
import type { Policy } from '../policy/define-policy.js';
import { reportDeadlines } from './settled-deadlines.js';
import { assessRule, ruleSpecs, type Assessment } from './assess.js';
import {
  caseFacts,
  consistentEntries,
  entryWithEventId,
  eventField,
  latestAt,
  recordedLateDays,
  stageSpans,
  type CaseFacts,
  type ReportView,
} from './facts.js';
import type {
  ComplianceReport,
  ReportBreach,
  ReportCorrection,
  ReportDeadline,
  ReportEntry,
  ReportEnvelope,
  ReportEvidence,
  ReportWithdrawnBreach,
  RuleReport,
  RuleStatus,
} from './types.js';

export type { ComplianceReport } from './types.js';
export type { ReportView } from './facts.js';

/** What {@link complianceReport} reads a case from: the engine, or anything with its two read methods. */
export interface ReportSource {
  /** The case view, with its version (`engine.get`), and the withdrawn breaches where the view carries them. */
  get(caseId: string): Promise<ReportView>;
  /** The case's audit entries, oldest first (`engine.history`). */
  history(caseId: string): Promise<AuditEntry[]>;
  /**
   * The engine's own report (`engine.complianceReport`), used when the source has it: the engine
   * knows the timescales of the version governing the case, which the view does not carry.
   */
  complianceReport?(caseId: string): Promise<ComplianceReport>;
  /** The policy the case runs under (`engine.policy`), for the due instants of settled deadlines folded from the trail. */
  readonly policy?: Policy;
  /** Every version of the policy (`engine.policies`): settled deadlines are folded by the version that governed each stretch. */
  readonly policies?: readonly Policy[];
}

/**
 * The compliance report of a case, read through the engine. `UNKNOWN_CASE` when there is no such
 * case. See the module documentation for how each rule's status is decided.
 *
 * @example
 * ```ts
 * const report = await complianceReport(engine, 'C-1');
 * report.rules.find((r) => r.rule === 'first-family-plan-meeting')?.status; // 'breached'
 * await writeFile('C-1.html', reportToHtml(report));
 * ```
 */
export async function complianceReport(source: ReportSource, caseId: string): Promise<ComplianceReport> {
  if (typeof source.complianceReport === 'function') return source.complianceReport(caseId);
  // The view first: history read after it can only be ahead of it, and the builder drops what is ahead.
  const view = await source.get(caseId);
  const history = await source.history(caseId);
  return buildComplianceReport(view, history, source.policy ? { policy: source.policy } : {});
}

/** Options of {@link buildComplianceReport}. */
export interface BuildReportOptions {
  /**
   * The case's context (a snapshot's `context`), for the breaches a later record withdrew when the
   * view does not carry them itself. The view's own `withdrawnBreaches` win when it has them.
   */
  readonly context?: { readonly withdrawnBreaches: readonly WithdrawnBreach[] };
  /**
   * The timescales of the policy version that governs the case (`report.policy.timescales`), so the
   * rendered labels say them. Without them the labels say the guidance's.
   */
  readonly timescales?: Timescales;
  /**
   * The policy the case runs under, the guidance's own when omitted: settled deadlines are no longer
   * in the stored snapshot (version 3), so the report folds them from the trail under this policy.
   */
  readonly policy?: Policy;
  /** Every version of the policy the case may have run under (instead of `policy`), as the engine holds them. */
  readonly policies?: readonly Policy[];
}

/**
 * The compliance report from a case view and its audit trail, without an engine: for a host that
 * keeps both, or a command-line tool replaying a scenario. Entries stamped with a version after the
 * view's are ignored, so the evidence never runs ahead of the status.
 *
 * @example
 * ```ts
 * const report = buildComplianceReport(await engine.get('C-1'), await engine.history('C-1'));
 * report.totals; // { breached: 1, pending: 0, met: 30, 'not-applicable': 12 }
 * // A host holding the snapshot can pass its context for the withdrawn breaches:
 * buildComplianceReport(view, history, { context: snapshot.context }).withdrawnBreaches;
 * ```
 */
export function buildComplianceReport(
  view: ReportView,
  history: readonly AuditEntry[],
  options: BuildReportOptions = {},
): ComplianceReport {
  // Settled deadlines are not in a version-3 view: every rule is judged on the whole record, folded from the trail.
  const whole: ReportView = { ...view, deadlines: reportDeadlines(view, consistentEntries(view, history), options) };
  const facts: CaseFacts = { ...caseFacts(whole, history), ...(options.timescales ? { timescales: options.timescales } : {}) };
  const deadlines: ReportDeadline[] = whole.deadlines.map((d) => {
    // The engine's view carries the deadline's `recordedAt` where the case keeps it.
    const recordedAt = (d as { readonly recordedAt?: unknown }).recordedAt;
    const recorded = typeof recordedAt === 'string' ? recordedAt : null;
    return {
      id: d.id,
      rule: d.rule,
      opensAt: d.opensAt,
      due: d.due,
      status: d.status,
      closedAt: d.closedAt,
      windowOpens: d.windowOpens ?? null,
      recordedAt: recorded,
      recordedLateDays: recordedLateDays({ ...d, recordedAt: recorded }),
    };
  });
  const breaches: ReportBreach[] = view.breaches.map(breachOf);
  const withdrawnBreaches: ReportWithdrawnBreach[] = (view.withdrawnBreaches ?? options.context?.withdrawnBreaches ?? []).map((b) => ({
    ...breachOf(b),
    withdrawnAt: b.withdrawnAt,
    withdrawnBecause: b.withdrawnBecause,
  }));
  const ruleReports = rules.map((rule) => judgeRule(rule, facts, deadlines, breaches, withdrawnBreaches));
  const totals: Record<RuleStatus, number> = { breached: 0, pending: 0, met: 0, 'not-applicable': 0 };
  for (const r of ruleReports) totals[r.status] += 1;
  const opened = facts.live.find((e) => e.type === 'case.opened' && e.at !== null);
  const openedAt = opened?.at ?? facts.live.find((e) => e.at !== null)?.at ?? whole.deadlines[0]?.opensAt ?? '';
  const verification = verifyAuditTrail(facts.entries, { caseId: view.caseId });
  const last = facts.entries[facts.entries.length - 1];
  return {
    caseId: view.caseId,
    route: view.route,
    stage: view.stage,
    outcome: view.outcome,
    version: view.version,
    openedAt,
    asOf: openedAt === '' ? '' : latestAt(facts.live, openedAt),
    stages: stageSpans(facts.live),
    entries: facts.entries.map((e) => ({ ...envelope(e, facts), voidedBy: facts.voidedBy.get(e.seq) ?? null })),
    deadlines,
    breaches,
    withdrawnBreaches,
    corrections: corrections(facts),
    // A pending step's detail is an id or a party, never free text (PendingStep's contract).
    pending: view.pending.map((p) => ({ ...p })),
    rules: ruleReports,
    totals,
    auditTrail: {
      entries: facts.entries.length,
      verified: verification.ok,
      problem: verification.ok ? null : verification.message,
      lastHash: last?.hash ?? null,
    },
    // A view saved before policy versions carries none: it was judged by the guidance's own.
    policy: reportPolicy(view.policy ?? defaultPolicyIdentity, facts.entries, facts.voidedBy, options.timescales),
  };
}

/** A breach's fields, ids, dates and the citation: nothing else a context may add. */
function breachOf(b: ReportBreach): ReportBreach {
  return { rule: b.rule, citation: b.citation, due: b.due, detectedAt: b.detectedAt, deadlineId: b.deadlineId };
}

/** Every void of the trail read, with the entry it names; the reason stays in the void's own entry. */
function corrections(facts: CaseFacts): ReportCorrection[] {
  return facts.entries
    .filter((e) => e.type === 'event.voided' && e.event !== null)
    .map((e) => {
      const target = entryWithEventId(facts.entries, eventField(e, 'voidedEventId'));
      const reason = eventField(e, 'reason');
      const { seq, at, role, accepted, code } = envelope(e, facts);
      return {
        seq,
        at,
        role,
        accepted,
        code,
        voids: target && target.seq < e.seq ? voidedEnvelope(target, facts) : null,
        reasonKeptIn: reason !== null && reason.trim() !== '' ? seq : null,
        voidedBy: facts.voidedBy.get(seq) ?? null,
      };
    });
}

/** The envelope of the entry a void names, without the outcome fields: it was accepted to be voidable. */
function voidedEnvelope(target: AuditEntry, facts: CaseFacts): NonNullable<ReportCorrection['voids']> {
  const { seq, type, at, role, whose } = envelope(target, facts);
  return { seq, type, at, role, ...(whose === undefined ? {} : { whose }) };
}

function judgeRule(
  rule: (typeof rules)[number],
  facts: CaseFacts,
  deadlines: readonly ReportDeadline[],
  breaches: readonly ReportBreach[],
  withdrawnBreaches: readonly ReportWithdrawnBreach[],
): RuleReport {
  const id: RuleId = rule.id;
  const spec = ruleSpecs[id];
  const own = {
    deadlines: deadlines.filter((d) => d.rule === id),
    breaches: breaches.filter((b) => b.rule === id),
    withdrawnBreaches: withdrawnBreaches.filter((b) => b.rule === id),
  };
  // A voided entry is evidence for nothing: the case was recomputed without it.
  const evidence: ReportEvidence[] = facts.live
    .map((entry): ReportEvidence | null => {
      const bears = entry.rules.breached.includes(id)
        ? 'breached'
        : entry.rules.checked.includes(id)
          ? 'checked'
          : spec.governs(entry, facts)
            ? 'step'
            : null;
      return bears === null ? null : { ...envelope(entry, facts), bears };
    })
    .filter((e): e is ReportEvidence => e !== null);
  const { status, basis } = decide(id, facts, own);
  return {
    rule: id,
    kind: rule.kind,
    stage: rule.stage,
    summary: rule.summary,
    citation: rule.citation,
    status,
    basis,
    evidence,
    deadlines: own.deadlines,
    breaches: own.breaches,
    withdrawnBreaches: own.withdrawnBreaches,
  };
}

/**
 * What a report keeps of an audit entry: never the payload, never the actor's id; of the person it
 * is about, only how they stand to the case.
 */
function envelope(entry: AuditEntry, facts: CaseFacts): ReportEnvelope {
  const whose = whoseEntry(entry, facts);
  return {
    seq: entry.seq,
    type: entry.type,
    at: entry.at,
    role: entry.actor?.role ?? null,
    accepted: entry.accepted,
    code: entry.errorCode,
    ...(whose === null ? {} : { whose }),
  };
}

/** The relationship of the person an entry is about: a person.added's own, else that of the person its personId names. */
function whoseEntry(entry: AuditEntry, facts: CaseFacts): Relationship | null {
  if (entry.type === 'person.added') {
    const own = eventField(entry, 'relationship');
    if (own !== null && Object.hasOwn(relationshipLabels, own)) return own as Relationship;
  }
  const personId = eventField(entry, 'personId');
  return personId === null ? null : facts.relationshipOf(personId);
}

/** Steps 1–3 of the module documentation, and the breaches of the rule that were withdrawn. */
function decide(
  id: RuleId,
  facts: CaseFacts,
  own: { deadlines: readonly ReportDeadline[]; breaches: readonly ReportBreach[]; withdrawnBreaches: readonly ReportWithdrawnBreach[] },
): Assessment {
  const assessment = standing(id, facts, own);
  if (own.withdrawnBreaches.length === 0) return assessment;
  const withdrawn = own.withdrawnBreaches.map((b) => {
    const what = b.due === null ? `found ${day(b.detectedAt)}` : `${b.deadlineId ?? 'deadline'} due ${day(b.due)}, found ${day(b.detectedAt)}`;
    const why = b.withdrawnBecause === 'met-on-time' ? 'the step was dated on time' : 'no longer needed: the case had left that path';
    return `${what}, withdrawn (${why}, ${day(b.withdrawnAt)})`;
  });
  const label = withdrawn.length === 1 ? 'Breach withdrawn' : 'Breaches withdrawn';
  return { ...assessment, basis: `${assessment.basis} ${label}: ${withdrawn.join('; ')}.` };
}

/** Steps 1–3 of the module documentation: what stands on the case now. */
function standing(
  id: RuleId,
  facts: CaseFacts,
  own: { deadlines: readonly ReportDeadline[]; breaches: readonly ReportBreach[] },
): Assessment {
  const late = own.deadlines.filter((d) => d.status === 'missed' || d.status === 'met-late');
  if (own.breaches.length > 0 || late.length > 0) {
    const found = own.breaches.map((b) =>
      b.due === null ? `found ${day(b.detectedAt)}` : `${b.deadlineId ?? 'deadline'} due ${day(b.due)}, found ${day(b.detectedAt)}`,
    );
    const lateOnly = late.filter((d) => !own.breaches.some((b) => b.deadlineId === d.id)).map((d) => `${d.id} ${d.status}`);
    return { status: 'breached', basis: `Breached: ${[...found, ...lateOnly].join('; ')}.` };
  }
  if (facts.active) {
    const waiting = facts.view.pending.filter((p) => p.rule === id);
    if (waiting.length > 0) {
      const steps = waiting.map((p) => `${p.step}${p.detail ? ` (${p.detail})` : ''} from the ${p.role}`);
      return { status: 'pending', basis: `The case waits for ${steps.join(', ')}.` };
    }
  }
  return assessRule(id, facts);
}

/** Dates in a basis are London dates; the full instants stay in the report's fields. */
function day(iso: string): string {
  return toLondonDate(iso);
}
