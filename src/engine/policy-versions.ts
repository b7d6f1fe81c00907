import { initialTransition, transition } from 'xstate';
import { toLondonDate } from '../calendar/index.js';
import { StepDownError, isStepDownError } from '../errors.js';
import type { EventOf, StepDownEvent } from '../events/index.js';
import type { CaseContext, CaseInput, Deadline } from '../machine/context.js';
import { deadlineDue } from '../machine/deadline-due.js';
import { describeCase, type CaseDescription } from '../machine/describe.js';
import { explainRefusal } from '../machine/explain.js';
import type { FoldRefusal } from '../machine/fold.js';
import { unmetGates } from '../machine/gates.js';
import { isAfter } from '../machine/instants.js';
import { createStepDownMachine, type StepDownMachine } from '../machine/machine.js';
import { restoreCase } from '../machine/persistence.js';
import type { CaseSnapshot } from '../machine/snapshot.js';
import { eventProblem } from '../machine/valid-event.js';
import { defaultPolicy, type Policy } from '../policy/define-policy.js';
import { getRule, type RuleId } from '../policy/rules.js';
import { identityOf, policyVersions, type PolicyIdentity, type PolicyVersions } from '../policy/versions.js';
import { breachChanges } from './breach-diff.js';
import type { Breach } from '../machine/context.js';
import type { Role } from '../policy/roles.js';
import type { Calendar } from '../calendar/index.js';

/** The policy versions of an engine, each with its machine (built once). */
export interface EngineVersions extends PolicyVersions {
  /** The machine built for a version. */
  machineOf(policy: Policy): StepDownMachine;
  /** True when the machines keep settled deadlines in the context (a fold of the whole deadline record). */
  readonly keepSettled?: boolean;
}

// One machine per policy object, however many engines and replays use it: building one is not free.
const machines = new WeakMap<Policy, StepDownMachine>();
// Machines that keep settled deadlines in the context: for folding a case's whole deadline record.
const keepingMachines = new WeakMap<Policy, StepDownMachine>();

function machineFor(policy: Policy, keepSettled = false): StepDownMachine {
  const cache = keepSettled ? keepingMachines : machines;
  const built = cache.get(policy) ?? createStepDownMachine(policy, keepSettled ? { keepSettledDeadlines: true } : {});
  cache.set(policy, built);
  return built;
}

/**
 * The versions an engine runs: `policies`, or the one `policy` (the guidance's own when neither is
 * given). Both at once is `INVALID_ARGUMENT`: which governs would be a guess. `machine`, when given,
 * is the one machine of a single version (a replay given its machine).
 */
export function engineVersions(
  options: { readonly policy?: Policy | undefined; readonly policies?: readonly Policy[] | undefined },
  machine?: StepDownMachine,
): EngineVersions {
  if (options.policy !== undefined && options.policies !== undefined) {
    throw new StepDownError('INVALID_ARGUMENT', 'Give createCaseEngine either policy (one version) or policies (several), not both.');
  }
  const versions = policyVersions(options.policies ?? [options.policy ?? defaultPolicy]);
  const only = machine !== undefined && !versions.several ? machine : undefined;
  return { ...versions, machineOf: (policy) => only ?? machineFor(policy) };
}

/**
 * The same versions counting working days with `calendar`: a bank-holiday calendar is the engine's,
 * not a version's, so `engine.updateCalendar` and a replay of a stretch recorded under an older
 * calendar put it in every version (docs/decisions.md "Policy versions and the calendar").
 */
export function withCalendar(versions: EngineVersions, calendar: Calendar): EngineVersions {
  const list = versions.list.map((policy) => ({ ...policy, calendar }));
  const keepSettled = versions.keepSettled === true;
  return { ...policyVersions(list), keepSettled, machineOf: (policy) => machineFor(policy, keepSettled) };
}

/** The same versions with machines that keep settled deadlines (snapshot version 3 drops them): for `deadlineHistory`. */
export function keepingSettled(versions: EngineVersions): EngineVersions {
  return { ...versions, keepSettled: true, machineOf: (policy) => machineFor(policy, true) };
}

/** The audit entry's record of the version that governs a case, when the case records one. */
export function auditedVersion(context: { readonly policyVersion?: string } | null | undefined): { policyVersion?: string } {
  const recorded = context?.policyVersion;
  return typeof recorded === 'string' ? { policyVersion: recorded } : {};
}

/** The case input for a case decided at `input.openedAt`: its version recorded when the engine holds several. */
export function openingInput(versions: PolicyVersions, input: CaseInput): { input: CaseInput; policy: Policy } {
  const policy = versions.inForceOn(input.openedAt);
  return { input: versions.several ? { ...input, policyVersion: policy.version } : input, policy };
}

/** Restores a stored case with the machine of the version that governs it. */
export function restoreVersioned(versions: EngineVersions, persisted: unknown): CaseSnapshot {
  const context = (persisted as { context?: { caseId?: unknown; policyVersion?: unknown } } | null)?.context;
  const recorded = context?.policyVersion;
  if (recorded !== undefined && typeof recorded !== 'string') {
    throw new StepDownError('INVALID_SNAPSHOT', 'Stored case is malformed at: context.policyVersion.', { fields: ['context.policyVersion'] });
  }
  const caseId = typeof context?.caseId === 'string' ? context.caseId : '(unknown)';
  const policy = versions.governing({ caseId, ...(recorded !== undefined ? { policyVersion: recorded } : {}) });
  return restoreCase(persisted, versions.machineOf(policy));
}

/**
 * A deadline as a policy change shows it: its due instant and, for a review, its window.
 *
 * @example
 * ```ts
 * const timing: DeadlineTiming = { due: '2025-04-03T23:59:59.999+01:00' };
 * ```
 */
export interface DeadlineTiming {
  readonly due: string;
  readonly windowOpens?: string;
}

/**
 * What moving a case to another policy version changes, or would change: ids, rule ids and dates only.
 *
 * @example
 * ```ts
 * const change: PolicyChange = await engine.previewPolicyChange('C-1', '2025-04', { at: '2025-04-01T09:00:00+01:00' });
 * change.kept; // [{ deadlineId: 'disagreement-resolution:D-2', rule: 'disagreement-resolution', reason: 'new-due-passed' }]
 * ```
 */
export interface PolicyChange {
  readonly caseId: string;
  readonly from: PolicyIdentity;
  readonly to: PolicyIdentity;
  /** The date of the adoption. */
  readonly at: string;
  /** Every deadline whose due instant (or review window) moves. */
  readonly deadlines: readonly { readonly deadlineId: string; readonly rule: RuleId; readonly before: DeadlineTiming; readonly after: DeadlineTiming }[];
  /**
   * Open deadlines the new version would move but the adoption leaves as they are, and why:
   * `overdue`, already past due at the adoption (missed under the version that governed it);
   * `new-due-passed`, the new version's due instant had already passed at the adoption.
   */
  readonly kept: readonly { readonly deadlineId: string; readonly rule: RuleId; readonly reason: 'overdue' | 'new-due-passed' }[];
  /** Every step the case waits for whose due instant moves (the gates a practitioner meets next, with their dates). */
  readonly pending: readonly { readonly step: string; readonly rule: RuleId; readonly detail?: string; readonly before?: string; readonly after?: string }[];
  /** Breaches the change records and withdraws (none, by docs/decisions.md "Policy versions"; shown so a preview is complete). */
  readonly breaches: { readonly recorded: readonly Breach[]; readonly withdrawn: readonly Breach[] };
}

/** Why an adoption is refused: the error to audit and the rules behind it. */
export interface AdoptionRefusal {
  readonly error: StepDownError;
  readonly rules: readonly string[];
}

/**
 * Judges a `policy.adopted` on a case and, when it is allowed, gives the case under the new version:
 * every deadline still open and not yet due at the adoption is recomputed from its own start by the
 * new version's timescales, unless that due instant has already passed; met, missed and cancelled
 * deadlines and every breach stay as they were (docs/decisions.md "Policy versions").
 */
export function judgeAdoption(
  versions: EngineVersions,
  snapshot: CaseSnapshot,
  event: EventOf<'policy.adopted'>,
): { refusal: AdoptionRefusal } | { next: CaseSnapshot; change: PolicyChange } {
  const { context } = snapshot;
  const caseId = context.caseId;
  const refuse = (code: StepDownError['code'], message: string, rules: readonly string[] = [], extra: Record<string, unknown> = {}) => ({
    refusal: { error: new StepDownError(code, `Case ${caseId}: ${message}`, { caseId, ...extra }), rules },
  });
  const current = versions.governing(context);
  if (snapshot.status !== 'active') {
    return refuse('EVENT_NOT_ACCEPTED', `the case has ended with outcome '${context.outcome}'; it takes no further events.`);
  }
  const unmet = unmetGates(context, event, current);
  if (unmet.length > 0) {
    const code = unmet[0]!.rule === 'division-of-duties' ? 'NOT_ALLOWED' : 'GATE_BLOCKED';
    const reasons = unmet.map((u) => `${u.rule} (${getRule(u.rule).citation}): ${u.reason}`).join(' ');
    return refuse(code, `'policy.adopted' refused: ${reasons}`, unmet.map((u) => u.rule), {
      rules: unmet.map((u) => ({ rule: u.rule, citation: getRule(u.rule).citation, reason: u.reason })),
    });
  }
  const target = versions.find(event.policyVersion);
  const known = versions.list.map((p) => p.version);
  if (!target) {
    return refuse('UNKNOWN_POLICY_VERSION', `policy version ${event.policyVersion} is not one of this engine's (${known.join(', ')}): check the version.`, [], {
      policyVersion: event.policyVersion,
      known,
    });
  }
  if (target === current) {
    return refuse('NO_EFFECT', `the case is already governed by policy version ${target.version}; adopting it again would change nothing.`, [], {
      policyVersion: target.version,
    });
  }
  if (target.effectiveFrom < current.effectiveFrom) {
    return refuse('POLICY_NOT_NEWER', `policy version ${target.version} (in force from ${target.effectiveFrom}) is older than the case's version ${current.version} (from ${current.effectiveFrom}); a case only moves to a newer version.`, [], {
      policyVersion: target.version,
      current: current.version,
    });
  }
  if (target.effectiveFrom > toLondonDate(event.at)) {
    return refuse('POLICY_NOT_IN_FORCE', `policy version ${target.version} is in force from ${target.effectiveFrom}, after this adoption's date; adopt it on or after that date.`, [], {
      policyVersion: target.version,
      effectiveFrom: target.effectiveFrom,
    });
  }
  let recomputed: { deadlines: Deadline[]; kept: PolicyChange['kept'][number][] };
  try {
    recomputed = recomputeDeadlines(context.deadlines, target, event.at);
  } catch (error) {
    if (isStepDownError(error)) return refuse(error.code, error.message, [], { policyVersion: target.version });
    throw error;
  }
  const nextContext: CaseContext = { ...context, deadlines: recomputed.deadlines, policyVersion: target.version };
  const next = versions.machineOf(target).resolveState({ value: snapshot.value, context: nextContext });
  return { next, change: { ...policyChange(describeCase(snapshot), describeCase(next), current, target, event.at), kept: recomputed.kept } };
}

/** The open deadlines recomputed by `policy` at `at`; the others as they were. */
function recomputeDeadlines(deadlines: readonly Deadline[], policy: Policy, at: string) {
  const kept: PolicyChange['kept'][number][] = [];
  const next = deadlines.map((deadline): Deadline => {
    if (deadline.status !== 'open') return deadline;
    const timing = deadlineDue(deadline.rule, deadline.opensAt, policy);
    if (timing === null || (timing.due === deadline.due && timing.windowOpens === deadline.windowOpens)) return deadline;
    if (isAfter(at, deadline.due)) {
      kept.push({ deadlineId: deadline.id, rule: deadline.rule, reason: 'overdue' });
      return deadline;
    }
    if (isAfter(at, timing.due)) {
      kept.push({ deadlineId: deadline.id, rule: deadline.rule, reason: 'new-due-passed' });
      return deadline;
    }
    return { ...deadline, ...timing };
  });
  return { deadlines: next, kept };
}

/**
 * What differs between a case before and after a change of policy version: the deadlines that move,
 * the pending steps whose dates move, the breaches recorded and withdrawn. A preview and the adoption
 * it previews are compared through this one function.
 *
 * @example
 * ```ts
 * const change = policyChange(before, after, oldPolicy, newPolicy, '2025-04-02T10:00:00+01:00');
 * change.deadlines; // [{ deadlineId: 'first-family-plan-meeting', rule: …, before: { due }, after: { due } }]
 * ```
 */
export function policyChange(
  before: CaseDescription,
  after: CaseDescription,
  from: Policy,
  to: Policy,
  at: string,
): PolicyChange {
  const timing = (d: { due: string; windowOpens?: string }): DeadlineTiming => ({ due: d.due, ...(d.windowOpens ? { windowOpens: d.windowOpens } : {}) });
  const deadlines = after.deadlines.flatMap((d) => {
    const was = before.deadlines.find((b) => b.id === d.id);
    if (!was || (was.due === d.due && was.windowOpens === d.windowOpens)) return [];
    return [{ deadlineId: d.id, rule: d.rule, before: timing(was), after: timing(d) }];
  });
  const key = (p: { step: string; rule: string; detail?: string }) => `${p.step}|${p.rule}|${p.detail ?? ''}`;
  const pending = after.pending.flatMap((p) => {
    const was = before.pending.find((b) => key(b) === key(p));
    if (!was || was.due === p.due) return [];
    return [{ step: p.step, rule: p.rule, ...(p.detail ? { detail: p.detail } : {}), ...(was.due ? { before: was.due } : {}), ...(p.due ? { after: p.due } : {}) }];
  });
  const { added, removed } = breachChanges(before.breaches, after.breaches);
  return {
    caseId: after.caseId,
    from: identityOf(from),
    to: identityOf(to),
    at,
    deadlines,
    kept: [],
    pending,
    breaches: { recorded: added, withdrawn: removed },
  };
}

/**
 * The case that a list of accepted events makes, from its opening input, as `foldEvents` does, with
 * each `policy.adopted` applied as the engine applies it and every other event judged by the version
 * that governs the case at that point. `switchAfter` names the versions (with their calendar) an event
 * (a `calendar.updated`) puts in force for the events after it.
 */
export function foldVersioned(
  versions: EngineVersions,
  input: CaseInput,
  events: readonly StepDownEvent[],
  switchAfter?: (event: StepDownEvent) => EngineVersions | null,
): { snapshot: CaseSnapshot; refused: FoldRefusal[] } {
  let [snapshot] = initialTransition(versions.machineOf(versions.governing(input)), input);
  const refused: FoldRefusal[] = [];
  events.forEach((event, index) => {
    const eventId = event.eventId ?? null;
    const outcome = applyVersioned(versions, snapshot, event);
    if ('refusal' in outcome) {
      refused.push({ index, eventId, code: outcome.refusal.error.code, rules: outcome.refusal.rules });
      return;
    }
    snapshot = outcome.next;
    // A bank-holiday calendar update: the events after it count with the calendar it put in force.
    versions = switchAfter?.(event) ?? versions;
  });
  return { snapshot, refused };
}

/** One event applied by the version that governs the case: an adoption, or the machine's transition. */
export function applyVersioned(
  versions: EngineVersions,
  snapshot: CaseSnapshot,
  event: StepDownEvent,
): { refusal: AdoptionRefusal } | { next: CaseSnapshot } {
  if (event.type === 'policy.adopted') return judgeAdoption(versions, snapshot, event);
  const policy = versions.governing(snapshot.context);
  const problem = eventProblem(event, policy);
  if (problem) return { refusal: { error: problem, rules: [] } };
  const refusal = explainRefusal(snapshot, event, policy);
  if (refusal) return { refusal: { error: new StepDownError(refusal.code, refusal.message), rules: refusal.rules.map((r) => r.rule) } };
  const [next] = transition(versions.machineOf(policy), snapshot, event);
  return { next };
}

/** The actor a preview judges an adoption as: a Team Manager, the one role that may adopt. */
export const previewActor: { readonly id: string; readonly role: Role } = { id: 'policy-preview', role: 'team-manager' };
