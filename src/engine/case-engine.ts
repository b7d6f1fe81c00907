import type { StepDownEventInput } from '../events/registry.js';
import type { Refusal } from '../machine/explain.js';
import type { StepDownMachine } from '../machine/machine.js';
import type { Policy } from '../policy/define-policy.js';
import type { ComplianceReport } from '../report/compliance.js';
import type { CaseView, EngineEvent, OpenCase, TickResult, WorklistInput } from './engine.js';
import type { DeliveryResult } from './delivery.js';
import type { VerifyAllOptions, VerifyAllResult } from './heads-verify.js';
import type { RelayOptions } from './relay.js';
import type { AuditEntry, CaseStore, DeadLetter, WorkItem } from './store.js';
import type { Calendar } from '../calendar/index.js';
import type { CalendarUpdateResult } from './calendar-update.js';
import type { PolicyChange } from './policy-versions.js';

/**
 * The engine {@link createCaseEngine} returns: the one way a host drives cases. Every event takes
 * one path: validate → authorise → transition → save atomically (snapshot, audit entry,
 * notifications). Delivery runs apart, after the save: start the relay (`startDelivery`) or run
 * `deliver()` passes yourself.
 *
 * Every method that takes a case id refuses one that is not id-shaped with `INVALID_INPUT` before any
 * store is asked, and an unknown one with `UNKNOWN_CASE`. A store fault is `STORE_FAILURE`, and then
 * nothing was written.
 *
 * @example
 * ```ts
 * const engine: CaseEngine = createCaseEngine({ store: postgresStore({ pool }) });
 * await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
 * const view = await engine.get('C-1');
 * ```
 */
export interface CaseEngine {
  /**
   * Opens a case at version 1. `CASE_EXISTS` when the id is taken; `INVALID_INPUT` naming each bad
   * field; `FUTURE_DATED` for a decision dated after the engine's clock (beyond its tolerance).
   *
   * @example
   * ```ts
   * const view = await engine.open({
   *   caseId: 'C-1', route: 'cin-outcome', familyId: 'F-7',
   *   at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' },
   * });
   * view.stage; // => 'decision'
   * ```
   */
  open(request: OpenCase): Promise<CaseView>;

  /**
   * Records one event on a case. A refusal throws `StepDownError` and is audited: `INVALID_EVENT`,
   * `NOT_ALLOWED` (the role), `EVENT_NOT_ACCEPTED` (not a step of this stage), `GATE_BLOCKED` (with
   * the unmet rules and their citations in `details.rules`), `NO_EFFECT` (the case already records
   * it), `DUPLICATE_EVENT` (another record under the same `eventId`), `FUTURE_DATED`,
   * `PAYLOAD_TOO_LARGE`; for a void, `UNKNOWN_EVENT` or `VOID_CONFLICT`. A resend of an event the
   * case holds (same `eventId`, same content) returns the case and writes nothing.
   *
   * Without `expectedVersion` a concurrent write is retried on the fresh case; with it, a stale
   * version is `VERSION_CONFLICT` (not audited: it is the host's race, not a refusal).
   *
   * @example
   * ```ts
   * const view = await engine.send('C-1', {
   *   type: 'consent.given', at: '2024-05-02T10:00:00+01:00', actor: { id: 'sw-1', role: 'social-worker' },
   *   personId: 'carer-1', informationShared: ['The assessment'], purpose: 'So the Lead Professional can plan support.',
   * });
   * view.eventId; // the id the record has, to void it later if it was a mistake
   * ```
   */
  send(caseId: string, event: StepDownEventInput, options?: { readonly expectedVersion?: number }): Promise<CaseView>;

  /**
   * Why the case would refuse an event now, or null when it would take it. Writes nothing.
   *
   * @example
   * ```ts
   * const refusal = await engine.explain('C-1', { type: 'finalMeeting.held', at, actor, … });
   * refusal?.rules.map((r) => r.rule); // the unmet rules' ids, each with its citation and reason
   * ```
   */
  explain(caseId: string, event: StepDownEventInput): Promise<Refusal | null>;

  /**
   * The case as {@link describeCase} shows it, with its version and the events voided.
   *
   * @example
   * ```ts
   * const { stage, deadlines, breaches, pending } = await engine.get('C-1');
   * ```
   */
  get(caseId: string): Promise<CaseView>;

  /**
   * The case's audit entries, oldest first: accepted events and refusals, hash-chained.
   *
   * @example
   * ```ts
   * const trail = await engine.history('C-1');
   * verifyAuditTrail(trail, { caseId: 'C-1' }).ok; // => true
   * ```
   */
  history(caseId: string): Promise<AuditEntry[]>;

  /**
   * The case's compliance report: every rule of the catalogue met, breached, pending or not
   * applicable, with the audit entries that evidence it and its citation. Ids, rule ids, dates and
   * codes only: safe to give a manager or an inspector. Render it with `reportToMarkdown` or
   * `reportToHtml`.
   *
   * @example
   * ```ts
   * const html = reportToHtml(await engine.complianceReport('C-1'));
   * ```
   */
  complianceReport(caseId: string): Promise<ComplianceReport>;

  /**
   * Proves the stored case follows from its audit trail: verifies the hash chain
   * (`AUDIT_TRAIL_BROKEN` when it is broken), replays the accepted events from the opening input,
   * and compares the result with the stored snapshot exactly, in its persisted form. Returns the
   * rebuilt case's view when they match. A mismatch is `REBUILD_MISMATCH` naming the first entry
   * that diverges in `details.seq` (with `details.problem`, and `details.fields` listing the paths
   * where the snapshot differs when only the final snapshot does). Reads only; repairs nothing.
   *
   * A snapshot of an older machine version is compared after its migrations; with none, the replay
   * itself is what the engine loads, so only the trail's own records are checked. A newer or unknown
   * version is `SNAPSHOT_VERSION`.
   *
   * @example
   * ```ts
   * try {
   *   await engine.rebuild('C-1');
   * } catch (error) {
   *   if (isStepDownError(error, 'REBUILD_MISMATCH')) alertAuditor(error.details?.seq);
   * }
   * ```
   */
  rebuild(caseId: string): Promise<CaseView>;

  /**
   * The steps waiting across every case, soonest due first, from the index each store keeps on
   * save (never a scan of the cases). Filters: role, person (a Lead Professional's person id), user
   * (the Team Manager who agreed the decision), due before an instant (exclusive), already breached.
   * At most `limit` (100 by default, 1,000 at most). `INVALID_INPUT` naming a bad filter.
   *
   * @example
   * ```ts
   * // Everything a Team Manager's team owes in the next five working days: `dueBefore` is
   * // exclusive, so the bound is the instant after the fifth day ends.
   * const fifth = addWorkingDays(toLondonDate(new Date().toISOString()), 5);
   * const dueBefore = new Date(Date.parse(endOfDay(fifth)) + 1).toISOString();
   * await engine.worklist({ role: 'team-manager', dueBefore });
   * ```
   */
  worklist(query?: WorklistInput): Promise<WorkItem[]>;

  /**
   * The cases of a family group (siblings stepping down together, opened with the same
   * `familyId`), in case-id order.
   *
   * @example
   * ```ts
   * const siblings = await engine.family('F-7');
   * siblings.map((c) => c.caseId); // => ['C-1', 'C-2']
   * ```
   */
  family(familyId: string): Promise<CaseView[]>;

  /**
   * Records one event (a shared meeting, a shared parent's consent) for every open case of a
   * family, all or nothing: either every case takes it in one atomic write, or none does and the
   * error lists each case's refusal in `details.refusals`, each audited on its own case. The event
   * has one `eventId` across the family (given when missing), so a resend is harmless.
   *
   * @example
   * ```ts
   * await engine.sendToFamily('F-7', { type: 'familyPlanMeeting.held', at, actor, kind: 'initial', … });
   * ```
   */
  sendToFamily(familyId: string, event: StepDownEventInput): Promise<CaseView[]>;

  /**
   * Sends `clock.tick` at `at` to every case with a deadline due before it, found through the
   * store's next-due index (never by loading every case), recording each missed deadline as a
   * breach. Safe to run from several processes. `FUTURE_DATED` for a tick after the engine's clock.
   * One case's fault is reported in `failed` and never stops the others.
   *
   * @example
   * ```ts
   * const { cases, breaches, failed } = await engine.tick(new Date().toISOString());
   * ```
   */
  tick(at: string): Promise<TickResult>;

  /**
   * Listens to notifications of one type, or all with `'*'`, as the delivery relay delivers them
   * (at least once, after the save; the message id lets a listener drop a duplicate). Returns the
   * function that stops listening. A listener that throws makes the message be retried.
   *
   * @example
   * ```ts
   * const stop = engine.on('breach.recorded', (n, { id }) => alertTeamManager(n.caseId, n.rule, id));
   * ```
   */
  on<T extends EngineEvent['type'] | '*'>(
    type: T,
    listener: (notification: T extends '*' ? EngineEvent : Extract<EngineEvent, { type: T }>, meta: { id: string }) => void | Promise<void>,
  ): () => void;

  /**
   * Runs one delivery pass over the outbox and resolves when it is done: for a host that runs its
   * own loop instead of `startDelivery`, and for tests. A store fault is swallowed (the
   * messages stay in the outbox for the next pass) and counts nothing.
   *
   * @example
   * ```ts
   * await engine.send('C-1', event);
   * const { delivered, failed, buried } = await engine.deliver();
   * ```
   */
  deliver(): Promise<DeliveryResult>;

  /**
   * Starts the delivery relay: a loop in this process that delivers the outbox, nudged by every
   * save so a notification leaves at once, and polling every `pollMs` (1 s) for retries, other
   * processes' messages and what a crash left. `send`, `open`, `tick` and `sendToFamily` never
   * deliver themselves: without a relay (or a host's own `deliver()` loop) nothing is delivered.
   * A failed pass never throws into the host: it goes to `onError` and is retried. Starting a
   * running relay does nothing. Call `stop` at shutdown.
   *
   * @example
   * ```ts
   * engine.startDelivery({ onError: (e) => log.warn(e.code, e.details) });
   * process.on('SIGTERM', async () => { await engine.stop(); process.exit(0); });
   * ```
   */
  startDelivery(options?: RelayOptions): void;

  /**
   * Stops the delivery relay and waits, at most its `stopTimeoutMs` (10 s), for the pass under way:
   * emitter calls still in flight are cut short and their messages released for the next relay at
   * once, so nothing is left half-done. Saves made after it are delivered by the next relay. Safe to
   * call when no relay runs.
   *
   * @example
   * ```ts
   * await engine.stop();
   * await store.close?.();
   * ```
   */
  stop(): Promise<void>;

  /**
   * The messages delivery gave up on, oldest first (at most `limit`, 100 by default, 1,000 at
   * most): message id, case id, notification type, the emitter that refused it, attempts, the last
   * code and HTTP status, and when. Never a body. A message goes there after `maxAttempts`
   * (default 5) permanent failures, such as a webhook answering 400 or 410.
   *
   * @example
   * ```ts
   * for (const letter of await engine.deadLetters()) log.warn('dead letter', letter.messageId, letter.status);
   * ```
   */
  deadLetters(query?: { readonly limit?: number }): Promise<DeadLetter[]>;

  /**
   * Puts a dead letter back in the outbox with its attempts reset, for the relay to deliver at once
   * (after the receiver is fixed). `INVALID_INPUT` for a value that is not a message id,
   * `UNKNOWN_MESSAGE` when no dead letter has that id.
   *
   * @example
   * ```ts
   * await engine.redeliver('C-1:v3:0');
   * ```
   */
  redeliver(messageId: string): Promise<void>;

  /**
   * The heads of the cases named (every case when none are), as text a host can keep elsewhere (a
   * separate database, a write-once log) and check later with `verifyHead` and the public key:
   * C2SP signed notes, one per case (format in `docs/security.md`). Signed when the engine has
   * `audit.signingKey`; a case not written since heads were kept has none and is left out.
   *
   * @example
   * ```ts
   * for (const text of await engine.heads()) await writeOnceLog.append(text);
   * ```
   */
  heads(options?: { readonly caseIds?: readonly string[] }): Promise<string[]>;

  /**
   * Checks every case of the store, for a nightly job: each trail's chain and case ids, its head
   * (and the head's signature when the engine has a key), the stored version, and a replay
   * (`rebuild`). Each broken case is reported by id, code and problem; none is thrown.
   *
   * @example
   * ```ts
   * const { cases, broken } = await engine.verifyAll({ onProgress: (p) => console.log(`${p.cases} cases`) });
   * for (const b of broken) alertAuditor(b.caseId, b.code);
   * ```
   */
  verifyAll(options?: VerifyAllOptions): Promise<VerifyAllResult>;

  /**
   * The store the engine writes to.
   *
   * @example
   * ```ts
   * await engine.store.close?.();
   * ```
   */
  readonly store: CaseStore;

  /**
   * The machine the engine runs, built from its policy: safe to use bare in a host's tests.
   *
   * @example
   * ```ts
   * const [snapshot] = initialTransition(engine.machine, { caseId: 'C-1', route: 'cin-outcome', openedAt: at });
   * ```
   */
  readonly machine: StepDownMachine;

  /**
   * The policy the engine enforces: with several versions (`policies`), the newest; each case is
   * judged by the version that governs it (its view's `policy`).
   *
   * @example
   * ```ts
   * engine.policy.timescales.disagreementResolutionWorkingDays; // => 5 under the guidance
   * ```
   */
  readonly policy: Policy;

  /**
   * Every version of the policy the engine holds, oldest first (one, `policy`, unless it was given
   * `policies`), with the bank-holiday calendar now in force.
   *
   * @example
   * ```ts
   * engine.policies.map((p) => `${p.version} from ${p.effectiveFrom}`); // => ['2024-08 from 2024-08-01', '2025-04 from 2025-04-01']
   * ```
   */
  readonly policies: readonly Policy[];

  /**
   * Ticks one case at `at`: sends it `clock.tick` when it has a deadline due before `at`, recording
   * each missed deadline as a breach once, as {@link CaseEngine.tick} does for every due case. For a
   * job queue that schedules each case at its own due instant (`caf-step-down/adapters/graphile-worker`).
   * Returns whether the case was ticked and the breaches recorded; a case with nothing due (another
   * process ticked it first, or it closed) is `{ ticked: false, breaches: 0 }` and nothing is written.
   * `INVALID_INPUT` for a case id that is not id-shaped, `UNKNOWN_CASE`, `INVALID_EVENT` for an `at`
   * that is not ISO 8601 with offset, `FUTURE_DATED` for an `at` after the engine's clock (beyond its
   * tolerance), and `VERSION_CONFLICT` when other writes kept winning and the case is still due: tick
   * it again.
   *
   * @example
   * ```ts
   * // A deadline due at 23:59:59.999 is missed from the next millisecond.
   * const { ticked, breaches } = await engine.tickCase('C-1', { at: '2024-05-09T00:00:00.000+01:00' });
   * ```
   */
  tickCase(caseId: string, options: { readonly at: string }): Promise<{ readonly ticked: boolean; readonly breaches: number }>;

  /**
   * Puts a new bank-holiday calendar in force (a holiday proclaimed at short notice, a newer GOV.UK
   * feed merged with `calendarFromGovUk`) and moves every unmet deadline it changes. Each case with
   * a working-day deadline, open or missed, that the new calendar ends on another day takes one
   * `calendar.updated` entry (dated `options.at`, the engine's clock by default) through the one
   * path every event takes, as the system: the deadlines move, each records the new calendar's
   * version, a `deadline.moved` notification goes out for each, and a breach a tick recorded before
   * a moved deadline's new due instant is withdrawn (`calendar-changed`) with the deadline open
   * again for the next tick to judge. A case it moves nothing in gets no entry. Later events and
   * ticks count with the new calendar. Cases are found through the stores' indexes, never a scan;
   * one case's fault is reported in `failed` and never stops the others (run it again to retry).
   * `INVALID_ARGUMENT` for a calendar not built by the library or of another division.
   *
   * @example
   * ```ts
   * // 10 September 2022: a bank holiday is announced for the State Funeral on 19 September.
   * const calendar = calendarFromGovUk(await (await fetch('https://www.gov.uk/bank-holidays.json')).json(), 'england-and-wales');
   * const { cases, deadlines, withdrawn, failed } = await engine.updateCalendar(calendar);
   * engine.on('deadline.moved', (n) => tellTeamManager(n.caseId, n.deadlineId, n.to));
   * ```
   */
  updateCalendar(calendar: Calendar, options?: { readonly at?: string }): Promise<CalendarUpdateResult>;

  /**
   * Shows, without writing anything, what a Team Manager's `policy.adopted` of `version` would
   * change on the case, dated `options.at` (the engine's clock when omitted): every deadline whose
   * due instant or review window moves, the open deadlines left as they are and why, every pending
   * step whose date moves, and the breaches recorded or withdrawn. An adoption that would be refused
   * throws the same `StepDownError` (`UNKNOWN_POLICY_VERSION`, `NO_EFFECT`, `POLICY_NOT_NEWER`,
   * `POLICY_NOT_IN_FORCE`, …), unaudited. Sending the adoption at the same date changes exactly this.
   *
   * @example
   * ```ts
   * const change = await engine.previewPolicyChange('C-1', '2025-04', { at: '2025-04-02T09:00:00+01:00' });
   * for (const d of change.deadlines) console.log(d.deadlineId, d.before.due, '→', d.after.due);
   * await engine.send('C-1', { type: 'policy.adopted', at: change.at, actor: { id: 'tm-1', role: 'team-manager' }, policyVersion: '2025-04' });
   * ```
   */
  previewPolicyChange(caseId: string, version: string, options?: { readonly at?: string }): Promise<PolicyChange>;
}
