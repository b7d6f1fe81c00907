import { randomUUID } from 'node:crypto';
import { initialTransition } from 'xstate';
import { z } from 'zod';
import { memoryStore } from '../../adapters/memory.js';
import { StepDownError, isStepDownError } from '../errors.js';
import { isoDateTime } from '../events/common.js';
import { isEventType, parseEvent, type StepDownEvent } from '../events/index.js';
import { activeStates, describeCase, type CaseDescription } from '../machine/describe.js';
import { explainRefusal } from '../machine/explain.js';
import { gatesFor } from '../machine/gates.js';
import { instant } from '../machine/instants.js';
import { caseInputSchema } from '../machine/initial-context.js';
import { judgeEvent } from './judge.js';
import { machineVersion, type StepDownMachine } from '../machine/machine.js';
import { emittedNotifications, type Notification } from '../machine/notifications.js';
import { persistCase, snapshotVersion } from '../machine/persistence.js';
import type { CaseSnapshot } from '../machine/snapshot.js';
import { defaultPolicy, type Policy } from '../policy/define-policy.js';
import { roleSchema } from '../policy/roles.js';
import { idSchema, isId } from '../ids/id.js';
import type { Role } from '../policy/roles.js';
import type { CaseInput, Route } from '../machine/context.js';
import { canonicalJson } from './audit-chain.js';
import type { CaseEngine } from './case-engine.js';
import { breachChanges } from './breach-diff.js';
import { contentDigest, ledgerEntry, ledgerOf, voidedEvents, type Ledger } from './ledger.js';
import type { EventOf } from '../events/index.js';
import { defaultDeliveryOptions, deliverOutbox, type DeliveryOptions, type DeliveryResult, type Emitter } from './delivery.js';
import { deliveryRelay, messageIdPattern, type RelayOptions } from './relay.js';
import { observeEngine } from './observe.js';
import type { EngineLogger } from './logger.js';
import { guardStore } from './guard-store.js';
import { ownRecords, unchanged, writtenUnread } from './own-records.js';
import { headPolicy, withHeads, type AuditSigningOptions } from './heads-store.js';
import { exportHeads, verifyAllCases, type VerifyAllOptions, type VerifyAllResult } from './heads-verify.js';
import { migrateSnapshot, resolveMigrations, type SnapshotMigrations } from './migrations.js';
import { differingPaths, mismatch, replayAuditTrail, type ReplayedCase } from './rebuild.js';
import { buildComplianceReport, type ComplianceReport } from '../report/compliance.js';
import type { AuditDraft, AuditEntry, CaseStore, CaseWrite, DeadLetter, EngineNotification, OutboxMessage, StoredCase, WorkItem } from './store.js';
import { workItems } from './worklist.js';
import { tickEventAt } from './tick-at.js';
import { updateCalendar } from './calendar-update.js';
import { calendarTimeline } from './calendar-replay.js';
import { auditedVersion, engineVersions, foldVersioned, judgeAdoption, openingInput, previewActor, restoreVersioned, withCalendar, type PolicyChange } from './policy-versions.js';
import { identityOf, type PolicyIdentity } from '../policy/versions.js';

/** A case as the engine returns it: {@link describeCase} plus the stored version and the events voided. */
export interface CaseView extends CaseDescription {
  readonly version: number;
  /** Events taken out of the case by a void: the voided event's id and type, and the void's id. */
  readonly voided: readonly { readonly eventId: string; readonly type: string; readonly voidedBy: string }[];
  /** From `send`: the id of the event just recorded (the host's, or the one the engine gave it). */
  readonly eventId?: string;
  /** The version of the council's policy that governs the case (docs/decisions.md "Policy versions"). */
  readonly policy: PolicyIdentity;
}

/** Anything the engine delivers: the machine's notifications and its own. */
export type EngineEvent = Notification | EngineNotification;

/** A listener registered with `engine.on`; it receives the notification and its stable message id. */
export type Listener = (notification: EngineEvent, meta: { id: string }) => void | Promise<void>;

/** Options of {@link createCaseEngine}. */
export interface CaseEngineOptions {
  /** Where cases live; the in-memory store when omitted. */
  readonly store?: CaseStore;
  /** The council's policy; the guidance's own when omitted. One version: see `policies` for several. */
  readonly policy?: Policy;
  /** Delivery beyond in-process listeners, e.g. a webhook. */
  readonly emitters?: readonly Emitter[];
  /** The engine's clock, for `recordedAt` and delivery retries only: the machine never reads it. */
  readonly now?: () => Date;
  /** Retry and lease settings of the outbox. */
  readonly delivery?: Partial<DeliveryOptions>;
  /**
   * How far past the engine's clock an event may be dated, in milliseconds (5 minutes by default):
   * an event dated later is refused `FUTURE_DATED`, since a record cannot be of something that has
   * not happened, and one in 2099 would make every true event after it look out of order.
   */
  readonly futureToleranceMs?: number;
  /** How many due cases `tick` asks the store for at a time (500 by default). */
  readonly tickBatchSize?: number;
  /**
   * Migrations of stored snapshots written by older machine versions, keyed by the version each
   * reads, added to (and overriding) the library's own `snapshotMigrations`. A snapshot whose
   * every step to the current version has a migration is migrated on load; otherwise it is rebuilt
   * from its audit trail. Either way the next accepted event saves it at the current version.
   */
  readonly migrations?: SnapshotMigrations;
  /**
   * Signs every case's head (its last sequence number, last hash and version) with the host's key,
   * so that truncation, entries forged with recomputed hashes and an edited version are caught by
   * the head check before each write, by `verifyAll` and by `verifyAuditTrail` (`docs/security.md`).
   */
  readonly audit?: AuditSigningOptions;
  /**
   * A pino-compatible logger (`{ debug, info, warn, error }`, each taking fields then a message). The
   * engine logs store failures, refusals by code, a tick's failed cases, relay faults and dead
   * letters, with ids, types, rule ids and codes only. No logging when omitted.
   */
  readonly logger?: EngineLogger;
  /**
   * Every version of the council's policy, each built by `definePolicy` with its `version` and
   * `effectiveFrom` (instead of `policy`). A case is governed by the version in force on its decision
   * date, and moves to a newer one only by a Team Manager's `policy.adopted`.
   */
  readonly policies?: readonly Policy[];
}

/** What opens a case. */
export interface OpenCase {
  readonly caseId: string;
  readonly route: Route;
  /** The family group of siblings stepping down together (id-shaped): see `engine.family` and `sendToFamily`. */
  readonly familyId?: string;
  /** When the step-down decision was taken: ISO 8601 with offset. */
  readonly at: string;
  readonly actor: { readonly id: string; readonly role: 'social-worker' | 'team-manager' };
}

/**
 * What `open` accepts, in the host's own field names. The case id and route are the machine's case
 * input fields; `at` is an event's date-time (the same check as the machine's `openedAt`, with the
 * message that says an offset is needed), so every issue names a field the host actually sent.
 */
const openSchema = z
  .object({
    caseId: caseInputSchema.shape.caseId,
    route: caseInputSchema.shape.route,
    familyId: caseInputSchema.shape.familyId,
    at: isoDateTime,
    actor: z.object({ id: idSchema, role: roleSchema.extract(['social-worker', 'team-manager']) }).strict(),
  })
  .strict();

const conflictRetries = 5;

/**
 * The one way a host drives cases. Every event takes one path: validate → authorise → transition →
 * save atomically (snapshot, audit entry, notifications); the relay the host starts delivers them
 * (`startDelivery`), never the write itself.
 *
 * @example
 * ```ts
 * const engine = createCaseEngine();
 * await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
 * await engine.send('C-1', { type: 'decision.agreed', at: '2024-05-01T11:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' }, rationale: '…' });
 * engine.on('breach.recorded', (n) => alertManager(n.caseId, n.rule));
 * ```
 */
export function createCaseEngine(options: CaseEngineOptions = {}): CaseEngine {
  const store = options.store ?? memoryStore();
  // Every call the engine makes goes through the guard, so a driver's fault reaches the host as
  // STORE_FAILURE (a StepDownError, without the driver's text) rather than as a raw error.
  const heads = headPolicy(options.audit);
  // Every write passes the head policy to the store; a write refused AUDIT_TRAIL_BROKEN is notified.
  const stored = withHeads(guardStore(store), heads, () => now(), (message) => inProcess.deliver(message));
  // `let`: engine.updateCalendar puts every version with the new calendar (and its machine) in force.
  // The newest version is the engine's `policy`; each case runs by the version that governs it.
  let policyVersions = engineVersions(options);
  let policy = policyVersions.list.at(-1) ?? defaultPolicy;
  let machine = policyVersions.machineOf(policy);
  const now = options.now ?? (() => new Date());
  const delivery = { ...defaultDeliveryOptions, ...options.delivery };
  if (options.tickBatchSize !== undefined && !(Number.isInteger(options.tickBatchSize) && options.tickBatchSize > 0)) {
    throw new StepDownError('INVALID_ARGUMENT', 'tickBatchSize must be a positive whole number of cases.');
  }
  const futureToleranceMs = options.futureToleranceMs ?? 5 * 60_000;
  if (!(Number.isFinite(futureToleranceMs) && futureToleranceMs >= 0)) {
    throw new StepDownError('INVALID_ARGUMENT', 'futureToleranceMs must be a number of milliseconds, 0 or more.');
  }
  const migrations = resolveMigrations(options.migrations);
  const listeners = new Map<string, Set<Listener>>();

  const inProcess: Emitter = {
    name: 'in-process',
    async deliver(message) {
      const handlers = [
        ...(listeners.get(message.notification.type) ?? []),
        ...(listeners.get('*') ?? []),
      ];
      // Every listener hears the message even when one before it throws: a broken listener must
      // not starve the others. Any failure makes the message be retried, for all (at least once).
      const failures: unknown[] = [];
      for (const handler of handlers) {
        try {
          await handler(message.notification, { id: message.id });
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) {
        throw new AggregateError(failures, `${failures.length} listener(s) failed on message ${message.id}; it will be retried.`);
      }
    },
  };
  const emitters = [inProcess, ...(options.emitters ?? [])];

  // The description is made for this view alone (fresh from describeCase), so it is completed in place, not copied.
  const view = (record: StoredCase, snapshot: CaseSnapshot, eventId?: string, description = describeCase(snapshot)): CaseView => {
    const completed = description as CaseDescription & { version: number; voided: CaseView['voided']; eventId?: string; policy: CaseView['policy'] };
    completed.version = record.version;
    completed.voided = voidedEvents(ledgerOf(record.snapshot));
    if (eventId) completed.eventId = eventId;
    completed.policy = identityOf(policyVersions.governing(snapshot.context));
    return completed;
  };

  const load = async (caseId: string): Promise<StoredCase> => {
    // A case id that is not id-shaped may be a name typed in the wrong place: refused, never quoted.
    if (!idSchema.safeParse(caseId).success) throw new StepDownError('INVALID_INPUT', 'caseId: expected an id (letters, digits and . _ : - only, starting with a letter or digit, at most 128 characters); the value is not repeated here.', { issues: ['caseId: expected an id'] });
    const record = await stored.load(caseId);
    if (!record) throw new StepDownError('UNKNOWN_CASE', `No case with id '${caseId}': open it first.`, { caseId });
    return record;
  };

  /**
   * Replays a case's trail and checks that it reaches the stored case's version: a trail that stops
   * short (entries removed from its end, which the chain alone cannot show) or runs past it is named.
   */
  const replay = (record: StoredCase, entries: readonly AuditEntry[]): ReplayedCase => {
    const replayed = replayAuditTrail(record.caseId, entries, { machine, policy, policies: policyVersions.list });
    const versions = { expected: record.version, found: replayed.version };
    const reach = `the trail reaches version ${replayed.version}, the case is at version ${record.version}`;
    if (replayed.version < record.version) {
      const next = (entries.at(-1)?.seq ?? 0) + 1;
      throw mismatch(record.caseId, next, null, 'entries-missing', `and those after it are missing: ${reach}`, versions);
    }
    if (replayed.version > record.version) {
      // The first entry the stored case does not include: the one that wrote the next version.
      const seq = replayed.seqOfVersion[record.version] ?? 0;
      const type = entries.find((e) => e.seq === seq)?.type ?? null;
      throw mismatch(record.caseId, seq, type, 'entries-extra', `is not in the stored case: ${reach}`, versions);
    }
    return replayed;
  };

  /**
   * The snapshot of a stored case, brought up to the current machine version. The current version
   * is read as it is; an older one runs the registered migrations, or is rebuilt from the audit trail
   * where a step has none; a newer or unknown one is SNAPSHOT_VERSION before any of it is read.
   * Nothing is written back: the next accepted event saves the case at the current version.
   */
  const restore = (record: StoredCase): Promise<CaseSnapshot> => {
    // `tick` counts a due case's breaches and then sends to it from the same loaded record.
    let restoring = restored.get(record);
    if (!restoring) restored.set(record, (restoring = restoreRecord(record)));
    return restoring;
  };
  const restored = new WeakMap<StoredCase, Promise<CaseSnapshot>>();
  // What this engine saved last, for a store that can tell it is still what is stored (the memory store).
  const own = ownRecords(store);
  const keep = (record: StoredCase, snapshot: CaseSnapshot, by: StepDownMachine): void => {
    restored.set(record, Promise.resolve(snapshot));
    own.remember(record, snapshot, by);
  };
  const restoreRecord = async (record: StoredCase): Promise<CaseSnapshot> => {
    const found = snapshotVersion(record.snapshot);
    if (found === machineVersion) return restoreVersioned(policyVersions, record.snapshot);
    const migrated = migrateSnapshot(record.snapshot, migrations);
    if (migrated !== null) return restoreVersioned(policyVersions, migrated);
    try {
      // Only the trail up to the version loaded: an event saved since (by another process) is the
      // next version's, and the caller meets it as a VERSION_CONFLICT when it saves.
      return replay(record, trailUpTo(await stored.audit(record.caseId), record.version)).snapshot;
    } catch (error) {
      if (!isStepDownError(error, 'REBUILD_MISMATCH') && !isStepDownError(error, 'AUDIT_TRAIL_BROKEN')) throw error;
      // The same code and details, with the reason a load replayed the trail at all.
      throw new StepDownError(
        error.code,
        `Case ${record.caseId} is stored at machine version ${found}, which has no migration to version ${machineVersion}, ` +
          `so it was rebuilt from its audit trail, and that failed. ${error.message}`,
        { ...error.details, storedMachineVersion: found },
      );
    }
  };

  const clock = () => now().getTime();
  const deliver = async (): Promise<DeliveryResult> => {
    try {
      return await deliverOutbox(stored, emitters, clock, delivery);
    } catch {
      // The messages stay in the outbox; the next pass (or `engine.deliver()`) retries them.
      return { delivered: 0, failed: 0, buried: 0 };
    }
  };
  const relay = deliveryRelay(delivery.batchSize);

  const draft = (fields: Partial<AuditDraft> & Pick<AuditDraft, 'caseId' | 'type' | 'version' | 'accepted'>): AuditDraft => ({
    event: null,
    actor: null,
    at: null,
    recordedAt: now().toISOString(),
    stateBefore: null,
    stateAfter: null,
    rules: { checked: [], breached: [] },
    errorCode: null,
    ...fields,
  });

  const refuseNow = async (
    record: StoredCase,
    snapshot: CaseSnapshot | null,
    event: StepDownEvent | null,
    type: string,
    error: StepDownError,
    rules: readonly string[],
  ): Promise<never> => {
    // A refusal changes nothing: the state before is the state after.
    const states = snapshot ? activeStates(snapshot) : null;
    const notification: EngineNotification = {
      type: 'event.refused',
      caseId: record.caseId,
      eventType: type,
      code: error.code,
      rules,
      at: event?.at ?? null,
    };
    await stored.appendAudit(
      draft({
        caseId: record.caseId,
        type,
        event,
        actor: event?.actor ?? null,
        at: event?.at ?? null,
        stateBefore: states,
        stateAfter: states,
        version: record.version,
        accepted: false,
        errorCode: error.code,
        rules: { checked: rules, breached: [] },
        ...auditedVersion((snapshot ?? null)?.context ?? (record.snapshot as { context?: { policyVersion?: string } }).context),
      }),
      [{ id: `${record.caseId}:refused:${randomUUID()}`, caseId: record.caseId, notification, attempts: 0, availableAt: 0 }],
    );
    relay.nudge();
    throw error;
  };

  /** Where a judged event goes: saved and delivered at once (`send`), or gathered for one write (`sendToFamily`). */
  interface Sink {
    refuse: typeof refuseNow;
    commit: typeof commitNow;
    /** False when the record judged is one only the save can confirm: anything but an accepted write reads it afresh. */
    confirmed?: false;
  }
  /** Thrown where a send on an unconfirmed record would answer without a write: the case is read and judged again. */
  const unconfirmedRecord = Symbol('unconfirmed record');

  /**
   * One send, judged on the case as the engine last saved it when the store allows that, else as
   * loaded. A record only the store's save can confirm (PostgreSQL) serves an accepted write alone:
   * a refusal, a resend's answer, or a save refused as stale, and the case is read and judged again,
   * so nothing is ever recorded or answered from a stale case.
   */
  const sendOnce = async (
    caseId: string,
    input: unknown,
    expectedVersion: number | undefined,
    sink: Sink = sendNow,
    loaded?: StoredCase,
  ): Promise<CaseView> => {
    const kept = loaded === undefined && expectedVersion === undefined && sink === sendNow ? own.current(caseId, machine) : null;
    if (kept === null || kept.confirmed) return judgeAndWrite(caseId, input, expectedVersion, sink, loaded ?? kept?.record ?? (await load(caseId)));
    try {
      return await judgeAndWrite(caseId, input, undefined, onUnconfirmed, kept.record);
    } catch (error) {
      if (error !== unconfirmedRecord && !isStepDownError(error, 'VERSION_CONFLICT')) throw error;
      own.forget(caseId);
    }
    return judgeAndWrite(caseId, input, undefined, sink, await load(caseId));
  };

  const judgeAndWrite = async (
    caseId: string,
    input: unknown,
    expectedVersion: number | undefined,
    sink: Sink,
    record: StoredCase,
  ): Promise<CaseView> => {
    const { refuse, commit } = sink;
    // Only a known type is recorded for an invalid event: the audit keeps no raw input, and an
    // unknown `type` is raw input that may hold anything a host put in it, names included.
    const rawType: unknown = (input as { type?: unknown } | null)?.type;
    const inputType = typeof rawType === 'string' && isEventType(rawType) ? rawType : rawType === undefined ? '(none)' : '(unknown)';
    const size = jsonLength(input);
    if (size === null || size > maxEventLength) {
      const error =
        size === null
          ? new StepDownError('INVALID_EVENT', 'Event is invalid: it is not JSON (a cycle, a BigInt or a function).', {
              issues: [{ path: '(event)', code: 'invalid_type', message: 'not JSON' }],
            })
          : new StepDownError('PAYLOAD_TOO_LARGE', `Event is ${size} characters of JSON; an event may be at most ${maxEventLength}.`, {
              size,
              limit: maxEventLength,
            });
      return refuse(record, null, null, inputType, error, []);
    }
    let parsed: StepDownEvent;
    try {
      parsed = parseEvent(input);
    } catch (error) {
      if (isStepDownError(error)) return refuse(record, null, null, inputType, error, []);
      throw error;
    }
    if (expectedVersion !== undefined && expectedVersion !== record.version) {
      throw new StepDownError(
        'VERSION_CONFLICT',
        `Case ${caseId} is at version ${record.version}, not ${expectedVersion}: reload it and decide again.`,
        { caseId, expectedVersion, actualVersion: record.version },
      );
    }
    // The engine's clock stamps when the event was recorded; the host's `at` says when it happened.
    const clock = now();
    // The parsed event is the reader's own new object: completed in place, as a copy would be.
    const event = parsed as StepDownEvent & { eventId: string; recordedAt: string };
    event.eventId = parsed.eventId ?? randomUUID();
    event.recordedAt = clock.toISOString();
    const ledger = ledgerOf(record.snapshot);
    const known = ledger[event.eventId];
    const snapshot = await restore(record);
    if (known) {
      // A resend of a record the case holds changes nothing and writes nothing: hosts and webhooks retry.
      if (known.digest === contentDigest(event) && known.type === event.type) {
        if (sink.confirmed === false) throw unconfirmedRecord;
        return view(record, snapshot, event.eventId);
      }
      return refuse(record, snapshot, event, event.type, new StepDownError(
        'DUPLICATE_EVENT',
        `Case ${caseId} already holds event ${event.eventId} with other content: give a new record its own eventId, or void the old one with event.voided.`,
        { caseId, eventId: event.eventId, heldType: known.type },
      ), []);
    }
    if (instant(event.at) > clock.getTime() + futureToleranceMs) {
      return refuse(record, snapshot, event, event.type, new StepDownError(
        'FUTURE_DATED',
        `Case ${caseId}: '${event.type}' is dated ${event.at}, later than now (${clock.toISOString()}); a record is dated when it happened. Check the date.`,
        { caseId, eventId: event.eventId, at: event.at, now: clock.toISOString() },
      ), []);
    }
    if (event.type === 'event.voided') {
      return voidEvent(record, snapshot, ledger, event as EventOf<'event.voided'> & { eventId: string }, sink);
    }
    if (event.type === 'policy.adopted') {
      const judged = judgeAdoption(policyVersions, snapshot, event);
      if ('refusal' in judged) return refuse(record, snapshot, event, event.type, judged.refusal.error, judged.refusal.rules);
      return commit(record, snapshot, judged.next, { ...ledger, [event.eventId]: ledgerEntry(event) }, event, [...gatesFor[event.type]], [], []);
    }
    const casePolicy = policyVersions.governing(snapshot.context);

    const judged = judgeEvent(policyVersions.machineOf(casePolicy), casePolicy, snapshot, event);
    if (!judged.accepted) return refuse(record, snapshot, event, event.type, judged.error, judged.rules);
    const { next, actions } = judged;
    const notifications: EngineEvent[] = emittedNotifications(actions);
    const breached = breachChanges(snapshot.context.breaches, next.context.breaches).added.map((b) => b.rule);
    return commit(record, snapshot, next, { ...ledger, [event.eventId]: ledgerEntry(event) }, event, [...gatesFor[event.type]], breached, notifications);
  };

    /** The write of an accepted event: the case at its next version with its indexes, its audit entry, its messages. */
  const prepare = (
    record: StoredCase,
    before: CaseSnapshot,
    next: CaseSnapshot,
    ledger: Ledger,
    event: StepDownEvent & { eventId: string },
    checked: readonly string[],
    breached: readonly string[],
    notifications: readonly EngineEvent[],
  ): { write: CaseWrite; view: CaseView } => {
    const { caseId } = record;
    const version = record.version + 1;
    const description = describeCase(next);
    const familyId = next.context.familyId;
    const saved: StoredCase = {
      caseId,
      version,
      snapshot: persistCase(next, ledger),
      nextDueAt: nextDue(next),
      familyId,
      work: workItems(description, familyId),
    };
    const write: CaseWrite = {
      record: saved,
      expectedVersion: record.version,
      audit: draft({
        caseId,
        type: event.type,
        event,
        actor: event.actor,
        at: event.at,
        stateBefore: activeStates(before),
        stateAfter: activeStates(next),
        version,
        accepted: true,
        rules: { checked, breached },
        ...auditedVersion(next.context),
      }),
      outbox: notifications.map((notification, index) => ({
        id: `${caseId}:v${version}:${index}`,
        caseId,
        notification,
        attempts: 0,
        availableAt: 0,
      })),
    };
    return { write, view: view(saved, next, event.eventId, description) };
  };

  /** Saves an accepted event's case, audit entry and notifications in one atomic write; the relay delivers them. */
  const commitWith = (unread: boolean) => async (...args: Parameters<typeof prepare>): Promise<CaseView> => {
    const { write, view: saved } = prepare(...args);
    const by = machine;
    const record = unchanged(write.record);
    await stored.save(unread ? writtenUnread(record) : record, write.expectedVersion, write.audit, write.outbox.map(unchanged));
    keep(write.record, args[2], by);
    relay.nudge();
    return saved;
  };
  const commitNow = commitWith(false);
  const sendNow: Sink = { refuse: refuseNow, commit: commitNow };
  const onUnconfirmed: Sink = { refuse: () => Promise.reject(unconfirmedRecord), commit: commitWith(true), confirmed: false };

  /**
   * `event.voided`: the case is recomputed from its trail's accepted events without the voided one
   * (docs/decisions.md "Voids"). The role that sent the event, or a Team Manager, may void it; a
   * void that would leave a later event refused is `VOID_CONFLICT`, naming those events to void first.
   */
  const voidEvent = async (
    record: StoredCase,
    snapshot: CaseSnapshot,
    ledger: Ledger,
    event: EventOf<'event.voided'> & { eventId: string },
    { refuse, commit }: Sink,
  ): Promise<CaseView> => {
    const { caseId } = record;
    const targetId = event.voidedEventId;
    const target = ledger[targetId];
    const refuseVoid = (code: 'UNKNOWN_EVENT' | 'NO_EFFECT' | 'EVENT_NOT_ACCEPTED' | 'NOT_ALLOWED' | 'VOID_CONFLICT', message: string, extra: Record<string, unknown> = {}) =>
      refuse(record, snapshot, event, event.type, new StepDownError(code, `Case ${caseId}: ${message}`, { caseId, voidedEventId: targetId, ...extra }), []);
    // The role first, as for every event: who may void at all, before what the case holds.
    const allowed = policy.permissions['event.voided'];
    if (!allowed.includes(event.actor.role)) {
      return refuseVoid('NOT_ALLOWED', `'event.voided' is for ${allowed.join(' or ')}, not ${event.actor.role}.`, {
        rules: [{ rule: 'division-of-duties' }],
      });
    }
    if (!target) return refuseVoid('UNKNOWN_EVENT', `no accepted event has id '${targetId}' in this case; check the eventId.`);
    if (target.voidedBy !== null) return refuseVoid('NO_EFFECT', `event ${targetId} is already voided (by ${target.voidedBy}).`);
    if (target.type === 'clock.tick' || target.type === 'event.voided' || target.type === 'calendar.updated') {
      return refuseVoid('EVENT_NOT_ACCEPTED', `a ${target.type} cannot be voided: the clock and corrections are facts of the record.`);
    }
    if (event.actor.role !== target.role && event.actor.role !== 'team-manager') {
      return refuseVoid('NOT_ALLOWED', `event ${targetId} was sent by a ${target.role}: only a ${target.role} or a team-manager may void it.`, {
        rules: [{ rule: 'division-of-duties' }],
      });
    }
    // Recomputed from the verified trail as it stood at this version: the case is the fold of its
    // accepted, unvoided events.
    const replayed = replay(record, trailUpTo(await stored.audit(caseId), record.version));
    const remaining = replayed.events.filter((e) => e.eventId !== targetId);
    // Each stretch counts with the bank-holiday calendar it was recorded under (calendar-replay.ts).
    const timeline = calendarTimeline(policyVersions, remaining);
    const folded = foldVersioned(timeline.initial, replayed.input, remaining, timeline.after);
    if (folded.refused.length > 0) {
      const ids = folded.refused.map((r) => r.eventId ?? `(entry without an id, position ${r.index + 1})`);
      return refuseVoid('VOID_CONFLICT', `voiding ${targetId} would leave later events refused: ${ids.join(', ')}. Void those first, newest first.`, {
        conflicts: folded.refused.map((r) => ({ eventId: r.eventId, code: r.code, rules: r.rules })),
      });
    }
    const next = folded.snapshot;
    const { added, removed } = breachChanges(snapshot.context.breaches, next.context.breaches);
    const notifications: EngineEvent[] = [
      { type: 'event.voided', caseId, eventId: targetId, eventType: target.type, voidEventId: event.eventId, at: event.at },
      ...removed.map((b): EngineEvent => ({
        type: 'breach.withdrawn', caseId, rule: b.rule, deadlineId: b.deadlineId ?? '', at: event.at, reason: 'voided',
      })),
      ...added.map((b): EngineEvent => ({ type: 'breach.recorded', caseId, ...b })),
    ];
    if (next.context.outcome !== snapshot.context.outcome && next.context.outcome !== null) {
      notifications.push({ type: 'outcome.reached', caseId, outcome: next.context.outcome, at: event.at });
    }
    const nextLedger: Ledger = {
      ...ledger,
      [targetId]: { ...target, voidedBy: event.eventId },
      [event.eventId]: ledgerEntry(event),
    };
    return commit(record, snapshot, next, nextLedger, event, ['division-of-duties'], added.map((b) => b.rule), notifications);
  };

  /** One try of `sendToFamily`: judge the event on every open case of the family, then one write or none. */
  const sendToFamilyOnce = async (familyId: string, event: unknown): Promise<CaseView[]> => {
    const ids = await stored.familyCases(familyId);
    if (ids.length === 0) {
      throw new StepDownError('UNKNOWN_FAMILY', `No case belongs to family ${familyId}: open its cases with familyId first.`, { familyId });
    }
    const writes: CaseWrite[] = [];
    const views: CaseView[] = [];
    const refusals: { record: StoredCase; args: Parameters<typeof refuseNow> }[] = [];
    const gather: Sink = {
      async refuse(...args) {
        refusals.push({ record: args[0], args });
        throw args[4];
      },
      async commit(...args) {
        const { write, view: next } = prepare(...args);
        writes.push(write);
        return next;
      },
    };
    for (const caseId of ids) {
      const record = await load(caseId);
      if ((await restore(record)).status !== 'active') continue;
      try {
        views.push(await sendOnce(caseId, event, undefined, gather));
      } catch (error) {
        if (!refusals.some((r) => r.record.caseId === caseId)) throw error;
      }
    }
    if (refusals.length > 0) {
      // Each refusal is audited on its own case, as `send` audits it; no case takes the event.
      for (const { args } of refusals) await refuseNow(...args).catch(() => undefined);
      const first = refusals[0]!.args[4];
      const list = refusals.map(({ record, args }) => `case ${record.caseId} (${args[4].code})`).join(', ');
      throw new StepDownError(first.code, `Family ${familyId}: no case took the event, because ${list} refused it. ${first.message}`, {
        familyId,
        refusals: refusals.map(({ record, args }) => ({ caseId: record.caseId, code: args[4].code, rules: args[5] })),
      });
    }
    if (writes.length > 0) {
      await stored.saveMany(writes);
      relay.nudge();
    }
    return views;
  };

  const api: CaseEngine = {
    async open(request: OpenCase): Promise<CaseView> {
      const parsed = openSchema.safeParse(request);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        throw new StepDownError('INVALID_INPUT', `Cannot open the case: ${[...new Set(issues)].join('; ')}`, { issues });
      }
      const { caseId, route, familyId, at } = parsed.data;
      // The version in force on the decision date governs the case (docs/decisions.md "Policy versions").
      const { input, policy: governing } = openingInput(policyVersions, { caseId, route, openedAt: at, ...(familyId ? { familyId } : {}) });
      // A case opened in the future would refuse every true event after it (all dated before it).
      const clock = now();
      if (instant(input.openedAt) > clock.getTime() + futureToleranceMs) {
        throw new StepDownError(
          'FUTURE_DATED',
          `Cannot open case ${input.caseId}: it is dated ${input.openedAt}, later than now (${clock.toISOString()}); a case is opened at the decision to step down. Check the date.`,
          { caseId: input.caseId, at: input.openedAt, now: clock.toISOString() },
        );
      }
      const [snapshot, actions] = initialTransition(policyVersions.machineOf(governing), input);
      const notifications: EngineEvent[] = [
        { type: 'case.opened', caseId: input.caseId, at: input.openedAt },
        ...emittedNotifications(actions),
      ];
      const record: StoredCase = {
        caseId: input.caseId,
        version: 1,
        snapshot: persistCase(snapshot, {}),
        nextDueAt: null,
        familyId: familyId ?? null,
        work: workItems(describeCase(snapshot), familyId ?? null),
      };
      const by = machine;
      await stored.create(
        unchanged(record),
        draft({
          caseId: record.caseId,
          type: 'case.opened',
          event: input,
          actor: parsed.data.actor,
          at: input.openedAt,
          stateAfter: activeStates(snapshot),
          version: 1,
          accepted: true,
          ...auditedVersion(input),
        }),
        notifications.map((notification, index) => ({
          id: `${record.caseId}:v1:${index}`,
          caseId: record.caseId,
          notification,
          attempts: 0,
          availableAt: 0,
        })),
      );
      keep(record, snapshot, by);
      relay.nudge();
      return view(record, snapshot);
    },

    async send(caseId, event, sendOptions = {}) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await sendOnce(caseId, event, sendOptions.expectedVersion);
        } catch (error) {
          const retry = isStepDownError(error, 'VERSION_CONFLICT') && sendOptions.expectedVersion === undefined;
          if (!retry || attempt >= conflictRetries) throw error;
        }
      }
    },

    async worklist(query: WorklistInput = {}): Promise<WorkItem[]> {
      const parsed = worklistSchema.safeParse(query);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        throw new StepDownError('INVALID_INPUT', `The work-list query is invalid: ${[...new Set(issues)].join('; ')}`, { issues });
      }
      const { dueBefore, limit, ...filters } = parsed.data;
      return stored.worklist({ ...filters, ...(dueBefore !== undefined ? { dueBefore: instant(dueBefore) } : {}), limit: limit ?? 100 });
    },

    async family(familyId: string): Promise<CaseView[]> {
      const ids = await stored.familyCases(checkedId(familyId, 'familyId'));
      return Promise.all(
        ids.map(async (caseId) => {
          const record = await load(caseId);
          return view(record, await restore(record));
        }),
      );
    },

    async sendToFamily(familyId, event) {
      checkedId(familyId, 'familyId');
      const shared =
        event !== null && typeof event === 'object' && !Array.isArray(event) && (event as { eventId?: unknown }).eventId === undefined
          ? { ...(event as object), eventId: randomUUID() }
          : event;
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await sendToFamilyOnce(familyId, shared);
        } catch (error) {
          if (!isStepDownError(error, 'VERSION_CONFLICT') || attempt >= conflictRetries) throw error;
        }
      }
    },

    async get(caseId: string): Promise<CaseView> {
      const record = await load(caseId);
      return view(record, await restore(record));
    },

    async explain(caseId, input) {
      const record = await load(caseId);
      const snapshot = await restore(record);
      return explainRefusal(snapshot, parseEvent(input), policyVersions.governing(snapshot.context));
    },

    async complianceReport(caseId: string): Promise<ComplianceReport> {
      const record = await load(caseId);
      const snapshot = await restore(record);
      // The labels say the timescales of the version the case is judged by, never the guidance's by default;
      // settled deadlines are folded from the trail under every version the case may have run by.
      return buildComplianceReport(view(record, snapshot), await stored.audit(caseId), {
        timescales: policyVersions.governing(snapshot.context).timescales,
        policies: policyVersions.list,
      });
    },

    async history(caseId: string): Promise<AuditEntry[]> {
      await load(caseId);
      return stored.audit(caseId);
    },

    async rebuild(caseId: string): Promise<CaseView> {
      for (let attempt = 0; ; attempt += 1) {
        const record = await load(caseId);
        // Before the trail is read: a newer or unknown snapshot is refused as it would be on load.
        const found = snapshotVersion(record.snapshot);
        const entries = await stored.audit(caseId);
        // Stores write the case and its accepted entry together, so if the version is unchanged after
        // the trail was read, the two were read consistently; otherwise an event raced in: read again.
        const again = await load(caseId);
        if (again.version !== record.version) {
          if (attempt < conflictRetries) continue;
          throw new StepDownError('VERSION_CONFLICT', `Case ${caseId} kept changing while it was rebuilt: try again.`, { caseId });
        }
        const replayed = replay(record, entries);
        const expected = found === machineVersion ? record.snapshot : migrateSnapshot(record.snapshot, migrations);
        if (expected !== null) {
          // A malformed snapshot (or migration result) is INVALID_SNAPSHOT, as on load, not a diff.
          restoreVersioned(policyVersions, expected);
          const rebuilt = persistCase(replayed.snapshot, replayed.ledger);
          if (canonicalJson(expected) !== canonicalJson(rebuilt)) {
            // Every entry replayed as recorded, so the difference is in what the last one saved.
            const seq = replayed.seqOfVersion[record.version - 1] ?? 0;
            const type = entries.find((e) => e.seq === seq)?.type ?? null;
            const fields = differingPaths(expected, rebuilt);
            throw mismatch(caseId, seq, type, 'snapshot', `saved a snapshot that differs from its replay at: ${fields.join(', ')}`, {
              fields,
            });
          }
        }
        return view(record, replayed.snapshot);
      }
    },

    async tick(at: string): Promise<TickResult> {
      // Checked once, before any case is touched: a tick from the future would mark deadlines missed
      // that are not yet due, in every case at once.
      const { event: tickEvent, atMs } = tickEventAt(at, now(), futureToleranceMs);
      const seen = new Set<string>();
      const failed: { caseId: string; code: string }[] = [];
      let cases = 0;
      let breaches = 0;
      let limit = options.tickBatchSize ?? 500;
      for (;;) {
        const batch = await stored.dueCases(atMs, limit);
        const due = batch.filter((id) => !seen.has(id));
        if (due.length === 0) {
          if (batch.length < limit) break;
          // Every case returned was tried and is still due (its tick failed): look further, so
          // failing cases at the front of the index never hide the due cases behind them.
          limit *= 2;
          continue;
        }
        for (const caseId of due) {
          seen.add(caseId);
          try {
            const touched = await tickCase(caseId, tickEvent, atMs);
            if (touched !== null) {
              cases += 1;
              breaches += touched;
            }
          } catch (error) {
            // One case's fault (a store error, say) must not leave every later case's breach
            // unrecorded: it stays due, is reported, and the next tick tries it again.
            failed.push({ caseId, code: isStepDownError(error) ? error.code : 'STORE_FAILURE' });
          }
        }
      }
      return { cases, breaches, failed };
    },

    on<T extends EngineEvent['type'] | '*'>(
      type: T,
      listener: (notification: T extends '*' ? EngineEvent : Extract<EngineEvent, { type: T }>, meta: { id: string }) => void | Promise<void>,
    ): () => void {
      const set = listeners.get(type) ?? new Set<Listener>();
      set.add(listener as Listener);
      listeners.set(type, set);
      return () => set.delete(listener as Listener);
    },

    deliver: (): Promise<DeliveryResult> => deliver(),

    startDelivery(relayOptions: RelayOptions = {}): void {
      relay.start((signal) => deliverOutbox(stored, emitters, clock, delivery, signal), relayOptions);
    },

    stop: (): Promise<void> => relay.stop(),

    async deadLetters(query: { readonly limit?: number } = {}): Promise<DeadLetter[]> {
      const limit = query.limit ?? 100;
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
        throw new StepDownError('INVALID_INPUT', 'limit must be a whole number from 1 to 1000.', { issues: ['limit: out of range'] });
      }
      return stored.deadLetters(limit);
    },

    async redeliver(messageId: string): Promise<void> {
      if (typeof messageId !== 'string' || !messageIdPattern.test(messageId)) {
        throw new StepDownError('INVALID_INPUT', 'messageId must be a message id as deadLetters() lists it; the value is not repeated here.', {
          issues: ['messageId: not a message id'],
        });
      }
      if (!(await stored.revive(messageId, clock()))) {
        throw new StepDownError('UNKNOWN_MESSAGE', `No dead letter has id '${messageId}': list them with deadLetters().`, { messageId });
      }
      relay.nudge();
    },

    store,
    get machine() {
      return machine;
    },
    get policy() {
      return policy;
    },
    get policies() {
      return policyVersions.list;
    },

    async heads(headOptions: { readonly caseIds?: readonly string[] } = {}): Promise<string[]> {
      return exportHeads(stored, headOptions.caseIds);
    },

    async verifyAll(verifyOptions: VerifyAllOptions = {}): Promise<VerifyAllResult> {
      return verifyAllCases({ store: stored, policy: heads, rebuild: (caseId) => api.rebuild(caseId) }, verifyOptions);
    },

    async tickCase(caseId: string, tickOptions: { readonly at: string }) {
      const { event: tickEvent, atMs } = tickEventAt(tickOptions?.at, now(), futureToleranceMs);
      // The record loaded to check the id is the one the first try sends to: one load per tick, not three.
      const seen: { record: StoredCase | null; stale: boolean } = { record: await load(caseId), stale: false };
      const breaches = await tickCase(caseId, tickEvent, atMs, seen);
      if (breaches === null) {
        // Nothing to tick, or every try lost a race: only the second leaves the case still due, and a
        // job queue must then retry rather than count the deadline done.
        const record = seen.stale ? await stored.load(caseId) : seen.record;
        if (record !== null && record.nextDueAt !== null && record.nextDueAt < atMs) {
          throw new StepDownError('VERSION_CONFLICT', `Case ${caseId} kept changing while it was ticked: tick it again.`, { caseId });
        }
      }
      return { ticked: breaches !== null, breaches: breaches ?? 0 };
    },
    updateCalendar: (calendar, updateOptions) =>
      updateCalendar(
        {
          store: stored,
          policy: () => policy,
          policyOf: (view) => policyVersions.find(view.policy.version) ?? policy,
          useCalendar: (calendar) => {
            policyVersions = withCalendar(policyVersions, calendar);
            policy = policyVersions.list.at(-1)!;
            machine = policyVersions.machineOf(policy);
          },
          get: (caseId) => api.get(caseId),
          send: (caseId, event, sendOptions) => api.send(caseId, event, sendOptions),
          now,
        },
        calendar,
        updateOptions,
      ),
    async previewPolicyChange(caseId: string, version: string, previewOptions: { readonly at?: string } = {}): Promise<PolicyChange> {
      const record = await load(caseId);
      // Judged as the adoption itself would be, by a Team Manager, and never written.
      const event = parseEvent({ type: 'policy.adopted', at: previewOptions.at ?? now().toISOString(), actor: previewActor, policyVersion: version });
      const judged = judgeAdoption(policyVersions, await restore(record), event as EventOf<'policy.adopted'>);
      if ('refusal' in judged) throw judged.refusal.error;
      return judged.change;
    },
  };
  return observeEngine(api, options.logger);

  /**
   * Ticks one case, retrying a lost race. `seen`, when given, holds a record already loaded for the
   * first try and is left holding the last record read, `stale` when a write was lost after it (so a
   * caller reads the case again to tell "another process ticked it" from "kept losing").
   */
  async function tickCase(
    caseId: string,
    event: StepDownEvent,
    atMs: number,
    seen?: { record: StoredCase | null; stale: boolean },
  ): Promise<number | null> {
    for (let attempt = 0; attempt <= conflictRetries; attempt += 1) {
      const record = attempt === 0 && seen?.record ? seen.record : await stored.load(caseId);
      if (seen) {
        seen.record = record;
        seen.stale = false;
      }
      // Another process may have ticked it already, or it closed.
      if (!record || record.nextDueAt === null || record.nextDueAt >= atMs) return null;
      try {
        // The record just loaded is the one sent to: one load and one restore per due case, not two.
        const before = (await restore(record)).context.breaches.length;
        const after = await sendOnce(caseId, event, record.version, undefined, record);
        return after.breaches.length - before;
      } catch (error) {
        if (!isStepDownError(error, 'VERSION_CONFLICT')) throw error;
        if (seen) seen.stale = true;
      }
    }
    return null;
  }
}

/** What one `tick` did: cases ticked, breaches recorded, and the cases it could not tick. */
export interface TickResult {
  /** Cases that had a deadline due and were ticked. */
  readonly cases: number;
  /** Breaches recorded across them. */
  readonly breaches: number;
  /** Cases whose tick failed (each still due, so the next tick retries it), with the error code. */
  readonly failed: readonly { readonly caseId: string; readonly code: string }[];
}

/**
 * The entries of a trail up to the accepted entry that wrote `version`, and the refusals after it:
 * the trail as it stood when the case was at that version. A prefix of a chain verifies as a chain.
 */
function trailUpTo(entries: readonly AuditEntry[], version: number): AuditEntry[] {
  const beyond = entries.findIndex((e) => e.accepted && e.version > version);
  return beyond === -1 ? [...entries] : entries.slice(0, beyond);
}

/**
 * The most characters of JSON one event may take: the largest e-CAF referral the field limits allow
 * is well under it, and a refusal (which is stored) never stores more.
 */
export const maxEventLength = 512 * 1024;

/** The length of a value's JSON, or null when it has none (a cycle, a BigInt). */
function jsonLength(value: unknown): number | null {
  try {
    return (JSON.stringify(value) ?? '').length;
  } catch {
    return null;
  }
}

/** What `engine.worklist` accepts. */
export interface WorklistInput {
  readonly role?: Role;
  readonly personId?: string;
  readonly actorId?: string;
  /** Only steps due before this instant: ISO 8601 with offset. */
  readonly dueBefore?: string;
  readonly breached?: boolean;
  readonly limit?: number;
}

const worklistSchema = z
  .object({
    role: roleSchema.optional(),
    personId: idSchema.optional(),
    actorId: idSchema.optional(),
    dueBefore: isoDateTime.optional(),
    breached: z.boolean().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

/** An id the host gives a method, checked before any store is asked: `INVALID_INPUT` naming the field. */
function checkedId(value: unknown, field: string): string {
  if (isId(value)) return value;
  throw new StepDownError('INVALID_INPUT', `${field} must be an id: letters, digits and . _ : - only, starting with a letter or digit, at most 128 characters.`, {
    issues: [`${field}: not an id`],
  });
}

/** The earliest open deadline's due instant: what the store indexes for `tick`. */
function nextDue(snapshot: CaseSnapshot): number | null {
  if (snapshot.status !== 'active') return null;
  const open = snapshot.context.deadlines.filter((d) => d.status === 'open').map((d) => instant(d.due));
  return open.length === 0 ? null : Math.min(...open);
}

