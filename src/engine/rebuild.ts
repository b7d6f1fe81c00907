import { initialTransition, transition } from 'xstate';
import { StepDownError, isStepDownError } from '../errors.js';
import { isEventType, parseEvent, type StepDownEvent } from '../events/index.js';
import { describeCase } from '../machine/describe.js';
import { explainRefusal } from '../machine/explain.js';
import { caseInputSchema } from '../machine/initial-context.js';
import type { StepDownMachine } from '../machine/machine.js';
import type { CaseSnapshot } from '../machine/snapshot.js';
import { defaultPolicy, type Policy } from '../policy/define-policy.js';
import { canonicalJson, verifyAuditTrail } from './audit-chain.js';
import { breachChanges } from './breach-diff.js';
import { ledgerEntry, type Ledger, type LedgerEntry } from './ledger.js';
import type { AuditEntry } from './store.js';
import { upgradeV1Event, v1People } from './v1-events.js';
import { calendarTimeline } from './calendar-replay.js';
import { engineVersions, foldVersioned, judgeAdoption } from './policy-versions.js';

/** The accepted `calendar.updated` events of a trail that parse (one that does not is named by the replay itself). */
function calendarUpdatesOf(entries: readonly AuditEntry[]): StepDownEvent[] {
  return entries.flatMap((entry) => {
    if (!entry.accepted || entry.type !== 'calendar.updated') return [];
    try {
      return [parseEvent(entry.event)];
    } catch {
      return [];
    }
  });
}

/**
 * How a replay of the audit trail departs from what the trail or the stored case records.
 *
 * - `opening`: the first entry is not an accepted `case.opened` of this case with a valid input.
 * - `event`: an accepted entry's event no longer validates, or is not of the entry's type.
 * - `refused`: the machine refuses, on replay, an event the entry says was accepted.
 * - `state-before` / `state-after`: the active states differ from those the entry recorded.
 * - `version`: the entry's version is not one more than the last accepted entry's.
 * - `breaches`: the event records other breaches on replay than the entry says it did.
 * - `entries-missing`: the stored case is at a later version than the trail reaches.
 * - `entries-extra`: the trail goes beyond the stored case's version.
 * - `snapshot`: every entry replays as recorded, but the stored snapshot differs from the result.
 */
export type RebuildProblem =
  | 'opening'
  | 'event'
  | 'refused'
  | 'state-before'
  | 'state-after'
  | 'version'
  | 'breaches'
  | 'entries-missing'
  | 'entries-extra'
  | 'snapshot';

/** A case replayed from its audit trail, as {@link replayAuditTrail} returns it. */
export interface ReplayedCase {
  /** The snapshot the accepted events lead to. */
  readonly snapshot: CaseSnapshot;
  /** The version of the last accepted entry: the version the stored case must be at. */
  readonly version: number;
  /** The `seq` of the entry that produced each version (index 0 is version 1, the opening). */
  readonly seqOfVersion: readonly number[];
  /** The accepted events by eventId, with the voids that took any out: what the engine keeps beside the snapshot. */
  readonly ledger: Ledger;
  /** The opening input and every accepted event still in the case, in the order recorded (version-1 events read as version 2). */
  readonly input: import('../machine/context.js').CaseInput;
  readonly events: readonly StepDownEvent[];
}

/** Options of {@link replayAuditTrail}. */
export interface ReplayOptions {
  /** The policy the case ran under; the guidance's own when omitted. */
  readonly policy?: Policy;
  /** The machine to replay through; built from `policy` when omitted (the engine passes its own). */
  readonly machine?: StepDownMachine;
  /**
   * Every version of the policy the case may have run under (instead of `policy`): the trail's
   * opening and each `policy.adopted` name the version that judged the entries after it.
   */
  readonly policies?: readonly Policy[];
}

/**
 * Replays a case's audit trail through the machine, from the input of its `case.opened` entry through
 * every accepted event, skipping refusals (a refusal changed nothing). The chain is verified first:
 * a broken one is `AUDIT_TRAIL_BROKEN` (replaying a trail that may have been altered proves nothing).
 * Each accepted entry is then checked against what it recorded (its version, the states before and
 * after, the breaches it recorded), so the first entry that does not replay as recorded is named:
 * `REBUILD_MISMATCH` with `details.seq` and `details.problem` (a {@link RebuildProblem}). Messages and
 * details carry sequence numbers, event types, state names, rule ids and versions, never the events'
 * free text.
 *
 * This does not compare with the stored case; `engine.rebuild` does that. It serves an auditor too:
 * a trail exported from any store can be replayed without an engine.
 *
 * @example
 * ```ts
 * const { snapshot, version } = replayAuditTrail('C-1', await engine.history('C-1'));
 * describeCase(snapshot).states; // e.g. ['underCaf.qualityAssurance.awaitingAuthorisation', …]
 * ```
 */
export function replayAuditTrail(caseId: string, entries: readonly AuditEntry[], options: ReplayOptions = {}): ReplayedCase {
  const verification = verifyAuditTrail(entries, { caseId });
  if (!verification.ok) {
    throw new StepDownError(
      'AUDIT_TRAIL_BROKEN',
      `The audit trail of case ${caseId} is broken: ${verification.message}. It cannot be replayed; restore it from a backup.`,
      { caseId, problem: verification.problem, seq: verification.seq, index: verification.index },
    );
  }
  // Each stretch of the trail counts with the bank-holiday calendar it was recorded under, in every version.
  const timeline = calendarTimeline(
    engineVersions(options.policies ? { policies: options.policies } : { policy: options.policy ?? defaultPolicy }, options.machine),
    calendarUpdatesOf(entries),
  );
  let versions = timeline.initial;

  const opening = entries[0];
  if (!opening) throw mismatch(caseId, 1, null, 'opening', 'is missing: the trail is empty');
  const input = caseInputSchema.safeParse(opening.event);
  if (opening.type !== 'case.opened' || !opening.accepted || opening.version !== 1 || !input.success || input.data.caseId !== caseId) {
    throw mismatch(caseId, opening.seq, opening.type, 'opening', 'is not the accepted opening of this case with a valid case input');
  }
  // A version-1 trail whose ladder's end closed the case at once keeps the rules it was judged by.
  const openingInput = legacyRules(entries) ? { ...input.data, rulesVersion: 1 as const } : input.data;
  let [snapshot] = initialTransition(versions.machineOf(versions.governing(openingInput)), openingInput);
  compareStates(caseId, opening, 'state-after', opening.stateAfter, describeCase(snapshot).states);
  let version = 1;
  const seqOfVersion = [opening.seq];

  const people = v1People();
  // Every accepted event in the order recorded, read as version 2; voided ones stay here and are
  // left out of each recomputation, as the engine left them out.
  const applied: StepDownEvent[] = [];
  const voided = new Set<string>();
  const ledger: Record<string, LedgerEntry> = {};

  for (const entry of entries.slice(1)) {
    // A refusal changed nothing; its version is the one it was judged at, which a concurrent accepted
    // event may since have passed (refusals are appended without a version check), so it is not compared.
    if (!entry.accepted) continue;
    if (entry.version !== version + 1) {
      throw mismatch(caseId, entry.seq, entry.type, 'version', `is at version ${entry.version}, not ${version + 1}`, {
        expected: version + 1,
        found: entry.version,
      });
    }
    compareStates(caseId, entry, 'state-before', entry.stateBefore, describeCase(snapshot).states);
    const events = upgradeV1Event(entry.event, people).map((raw) => {
      try {
        return parseEvent(raw);
      } catch (error) {
        if (!isStepDownError(error)) throw error;
        throw mismatch(caseId, entry.seq, entry.type, 'event', 'holds an event that does not validate', { code: error.code });
      }
    });
    const event = events.at(-1)!;
    if (event.type !== entry.type) {
      throw mismatch(caseId, entry.seq, entry.type, 'event', `holds an event of another type (${event.type})`);
    }
    let next: CaseSnapshot;
    if (event.type === 'event.voided') {
      // A void recomputes the case from its opening without the voided event, as the engine did.
      voided.add(event.voidedEventId);
      const target = ledger[event.voidedEventId];
      if (!target || target.voidedBy !== null) {
        throw mismatch(caseId, entry.seq, entry.type, 'refused', 'voids an event the case does not hold', { code: 'UNKNOWN_EVENT' });
      }
      const folded = foldVersioned(timeline.initial, openingInput, applied.filter((e) => !e.eventId || !voided.has(e.eventId)), timeline.after);
      if (folded.refused.length > 0) {
        throw mismatch(caseId, entry.seq, entry.type, 'refused', 'is refused on replay (VOID_CONFLICT)', { code: 'VOID_CONFLICT' });
      }
      next = folded.snapshot;
      ledger[event.voidedEventId] = { ...target, voidedBy: event.eventId ?? null };
    } else {
      next = snapshot;
      for (const step of events) {
        // The same check the engine made before accepting it: an event the machine would now refuse
        // would otherwise be dropped silently by `transition` and surface only as a later difference.
        if (step.type === 'policy.adopted') {
          const adopted = judgeAdoption(versions, next, step);
          if ('refusal' in adopted) {
            throw mismatch(caseId, entry.seq, entry.type, 'refused', `is refused on replay (${adopted.refusal.error.code})`, { code: adopted.refusal.error.code });
          }
          next = adopted.next;
          applied.push(step);
          continue;
        }
        const policy = versions.governing(next.context);
        const refusal = explainRefusal(next, step, policy);
        if (refusal) {
          throw mismatch(caseId, entry.seq, entry.type, 'refused', `is refused on replay (${refusal.code})`, {
            code: refusal.code,
            rules: refusal.rules.map((r) => r.rule),
          });
        }
        try {
          [next] = transition(versions.machineOf(policy), next, step);
        } catch (error) {
          if (!isStepDownError(error)) throw error;
          throw mismatch(caseId, entry.seq, entry.type, 'refused', `is refused on replay (${error.code})`, { code: error.code });
        }
        applied.push(step);
        versions = timeline.after(step) ?? versions;
      }
    }
    if (event.eventId) ledger[event.eventId] = ledgerEntry({ ...event, eventId: event.eventId });
    // The engine records as breached what the event added; recompute it alike.
    const breached = breachChanges(snapshot.context.breaches, next.context.breaches).added.map((b) => b.rule);
    if (canonicalJson(breached) !== canonicalJson(entry.rules.breached)) {
      throw mismatch(caseId, entry.seq, entry.type, 'breaches', 'records other breaches on replay', {
        expected: entry.rules.breached,
        found: breached,
      });
    }
    compareStates(caseId, entry, 'state-after', entry.stateAfter, describeCase(next).states);
    snapshot = next;
    version = entry.version;
    seqOfVersion.push(entry.seq);
  }
  const events = applied.filter((e) => !e.eventId || !voided.has(e.eventId));
  return { snapshot, version, seqOfVersion, ledger, input: openingInput, events };
}

/**
 * True when the trail is version 1's: it holds an event that names people by typed names, or it
 * records version 1's ladder's end (`noLeadProfessional.recorded` accepted in preparation and closing
 * the case at once). Such a case keeps the rules it was judged by (docs/decisions.md "Version-1 cases
 * keep their rules").
 */
function legacyRules(entries: readonly AuditEntry[]): boolean {
  return entries.some(
    (e) =>
      e.accepted &&
      // A version-1 event (people named by typed names) marks a version-1 trail.
      (upgradeV1Event(e.event, v1People()).length > 1 ||
        (e.type === 'noLeadProfessional.recorded' &&
          (e.stateBefore ?? []).some((s) => s.startsWith('withChildrensSocialCare.preparation')) &&
          canonicalJson(e.stateAfter) === canonicalJson(['universal-services']))),
  );
}

/**
 * The `REBUILD_MISMATCH` error naming the first entry that diverges. The entry's type is named only
 * when it is one the engine writes: the chain was verified, but a type is still stored text.
 */
export function mismatch(
  caseId: string,
  seq: number,
  type: string | null,
  problem: RebuildProblem,
  what: string,
  extra: Record<string, unknown> = {},
): StepDownError {
  const safeType = type !== null && (type === 'case.opened' || isEventType(type)) ? type : null;
  const entry = safeType === null ? `entry ${seq}` : `entry ${seq} (${safeType})`;
  return new StepDownError('REBUILD_MISMATCH', `Case ${caseId} does not rebuild from its audit trail: ${entry} ${what}.`, {
    caseId,
    seq,
    type: safeType,
    problem,
    ...extra,
  });
}

function compareStates(
  caseId: string,
  entry: AuditEntry,
  problem: 'state-before' | 'state-after',
  recorded: readonly string[] | null,
  replayed: readonly string[],
): void {
  if (canonicalJson(recorded) === canonicalJson(replayed)) return;
  const when = problem === 'state-before' ? 'before' : 'after';
  throw mismatch(caseId, entry.seq, entry.type, problem, `recorded other states ${when} it than its replay reaches`, {
    expected: recorded,
    found: replayed,
  });
}

/**
 * The paths at which two JSON values differ, e.g. `context.consent.status`: where a stored snapshot
 * departs from its replay. Paths only, never the values, which may be names. At most `limit` paths.
 */
export function differingPaths(expected: unknown, found: unknown, limit = 20): string[] {
  const paths: string[] = [];
  // Through canonical JSON, so `undefined` fields and key order (which stores do not keep) do not count.
  const walk = (a: unknown, b: unknown, path: string) => {
    if (paths.length >= limit) return;
    const objects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
    if (!objects) {
      if (canonicalJson(a) !== canonicalJson(b)) paths.push(path || '(root)');
      return;
    }
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const key of [...keys].sort()) {
      walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    }
  };
  walk(JSON.parse(canonicalJson(expected)), JSON.parse(canonicalJson(found)), '');
  return paths;
}
