/**
 * One child's case stepped down from Children's Social Care to a CAF, through the engine a host
 * system embeds: the people of the case added by id, each event the practitioners record, what the
 * case then waits for and from whom, a step the policy refuses (with its citation), a resend that
 * changes nothing, a record that would change nothing, a mistaken record voided, a deadline missed
 * and found by the nightly tick, the work list it leaves (who owes what, by when), and finally the
 * audit trail verified. Run with `npm run example`.
 *
 * The people and payloads are the fictional sample case of the test suite (`test/events/samples.ts`),
 * so the example and the tests tell the same story. Nothing printed here repeats a name or a reason:
 * the engine's views carry ids, rule ids, dates and citations only.
 */
import {
  createCaseEngine,
  deadlineHistory,
  getRule,
  isStepDownError,
  verifyAuditTrail,
  type CaseView,
  type EventOf,
  type EventType,
} from '../src/index.js';
import { personAdded, sampleActionIds, sampleEvent, sampleFamilyAdded, samplePeople, sampleRecipients } from '../test/events/samples.js';

const engine = createCaseEngine();
const caseId = 'CASE-2024-0117';

/** A sample event with overrides, e.g. the person whose view is recorded. */
function event<T extends EventType>(type: T, at: string, overrides: Partial<EventOf<T>> = {}): EventOf<T> {
  return { ...sampleEvent(type, at), ...overrides } as EventOf<T>;
}

/**
 * Delivers what the step saved, then prints the step. `send` only saves: a host starts the relay
 * (`engine.startDelivery()`, and `await engine.stop()` at shutdown); this script runs its own loop,
 * one `engine.deliver()` pass after each step, so its output comes in order.
 */
async function show(label: string, view: CaseView) {
  await engine.deliver();
  const waiting = view.pending.map((p) => `${p.step}${p.detail ? ` ${p.detail}` : ''} (${p.role})`).join(', ') || 'nothing';
  console.log(`✓ ${label.padEnd(34)} stage ${view.stage.padEnd(11)} v${view.version}  waits for: ${waiting}`);
}

/** Sends an event the engine is expected to refuse, and prints the code and the rules it names. */
async function refused(label: string, e: EventOf<EventType>) {
  try {
    await engine.send(caseId, e);
    console.log(`? ${label}: accepted`);
  } catch (error) {
    if (!isStepDownError(error)) throw error;
    const rules = (error.details as { rules?: { rule: string; citation?: string }[] } | undefined)?.rules ?? [];
    console.log(`✗ ${label.padEnd(34)} ${error.code}${rules.length > 0 ? ` — ${rules.map((r) => `${r.rule}${r.citation ? ` (${r.citation})` : ''}`).join('; ')}` : ''}`);
  }
}

engine.on('breach.recorded', (n) => console.log(`  ! breach of ${n.rule} on case ${n.caseId}, due ${n.due ?? '—'}`));
engine.on('deadline.opened', (n) => console.log(`  ⏱ ${n.rule} due ${n.due}`));

await show('case opened', await engine.open({
  caseId,
  route: 'cin-outcome',
  at: '2024-10-01T09:30:00+01:00',
  actor: { id: samplePeople.teamManager.id, role: 'team-manager' },
}));

// The people of the case, each by the host's id: every later event names them by it.
for (const added of sampleFamilyAdded('2024-10-01T09:45:00+01:00')) await show(`person.added ${added.personId}`, await engine.send(caseId, added));
// A second carer typed into this case by mistake: voided below, never deleted.
const mistaken = await engine.send(caseId, { ...personAdded('carer-x', 'parent-carer', '2024-10-01T09:50:00+01:00'), eventId: 'host-evt-carer-x' });
await show('person.added carer-x (mistake)', mistaken);

const consent = event('consent.given', '2024-10-07T10:00:00+01:00', { eventId: 'host-evt-consent' });
const preparation = [
  event('decision.agreed', '2024-10-01T10:00:00+01:00'),
  event('views.recorded', '2024-10-03T10:00:00+01:00', { personId: samplePeople.child }),
  event('views.recorded', '2024-10-03T11:00:00+01:00', { personId: samplePeople.parent }),
  event('disagreement.raised', '2024-10-04T15:00:00+01:00', { disagreementId: 'D-1', personId: samplePeople.partner }),
  event('views.recorded', '2024-10-04T15:10:00+01:00', { personId: samplePeople.partner, agrees: false }),
  event('views.recorded', '2024-10-04T15:20:00+01:00', { personId: samplePeople.leadProfessional.personId }),
  consent,
  event('leadProfessional.agreed', '2024-10-08T10:00:00+01:00'),
];
for (const e of preparation) {
  const detail = 'personId' in e ? ` ${e.personId}` : '';
  await show(`${e.type}${detail}`, await engine.send(caseId, e));
}

// The host's retry of the consent (same eventId, same content): the case comes back unchanged.
await show('consent.given (resent)', await engine.send(caseId, consent));
// The child's view typed again, identically: a record that changes nothing is refused.
await refused('views.recorded leo (again)', event('views.recorded', '2024-10-03T10:00:00+01:00', { personId: samplePeople.child }));
// A date in the future: a record is dated when it happened.
await refused('views.recorded leo (2099)', event('views.recorded', '2099-10-03T10:00:00+01:00', { personId: samplePeople.child }));

// The final meeting cannot go ahead while the school's disagreement is open (G "Decision made…" ¶3–4),
// nor while the mistaken carer's view is missing.
const meeting = event('finalMeeting.held', '2024-10-10T10:00:00+01:00', { firstFamilyPlanMeetingDate: '2024-10-31' });
await refused('finalMeeting.held', meeting);
await show('event.voided host-evt-carer-x', await engine.send(caseId, event('event.voided', '2024-10-09T11:00:00+01:00', {
  voidedEventId: 'host-evt-carer-x',
  reason: 'Added to the wrong case.',
  actor: samplePeople.socialWorker,
  eventId: 'host-evt-void-1',
})));

const closing = '2024-10-17T16:00:00+01:00';
const steps = [
  event('disagreement.resolved', '2024-10-09T12:00:00+01:00', { disagreementId: 'D-1' }),
  meeting,
  event('eCaf.referralCompleted', closing, {
    form: { ...sampleEvent('eCaf.referralCompleted', closing).form, firstFamilyPlanMeetingDate: '2024-10-31' },
  }),
  event('transferDetails.completed', closing),
  event('closureSummary.completed', closing),
  event('fileReview.completed', closing),
  event('stepDown.authorised', closing),
  event('documents.shared', closing, { recipients: [...sampleRecipients] }),
  event('csc.closed', closing),
  event('ehm.authorised', '2024-10-21T10:00:00+01:00'),
  event('leadProfessional.contacted', '2024-10-22T10:00:00+01:00'),
];
for (const e of steps) await show(e.type, await engine.send(caseId, e));

// The nightly tick after the clocks went back: the initial family plan meeting, due within 4 weeks
// of closing to CSC (G "Initial Family Planning Meeting" ¶1), has not been recorded.
const tick = await engine.tick('2024-11-15T02:00:00+00:00');
await engine.deliver();
console.log(`✓ tick 15 Nov 2024 02:00     ${tick.cases} case(s) due, ${tick.breaches} breach(es) recorded`);

// What is waited for, from whom, by when, across every case of the store: the work list, soonest
// due first (engine.worklist reads an index the store keeps; ids and dates only).
for (const w of await engine.worklist()) {
  console.log(`  ⋯ ${w.caseId} ${w.step} (${w.role}${w.personId ? ` ${w.personId}` : ''}) due ${w.due ?? '—'}${w.breached ? ' MISSED' : ''}`);
}

const actions = (status: 'open' | 'met') => sampleActionIds.map((id) => ({ id, status }));
const early = [
  event('familyPlanMeeting.held', '2024-11-18T10:00:00+00:00', { kind: 'initial', actions: actions('open') }),
  event('familyPlanMeeting.held', '2025-01-09T10:00:00+00:00', { kind: 'review', actions: actions('open') }),
  event('familyPlanMeeting.held', '2025-02-27T10:00:00+00:00', { kind: 'final', actions: actions('met') }),
  event('caf.closed', '2025-03-03T10:00:00+00:00'),
];
for (const e of early) await show(e.type, await engine.send(caseId, e));

const view = await engine.get(caseId);
console.log(`\nOutcome: ${view.outcome}`);
console.log('Deadlines:');
// The view keeps only deadlines still open or missed; every one the case has had is folded from its trail.
for (const d of deadlineHistory(caseId, await engine.history(caseId), { policy: engine.policy })) {
  console.log(`  ${d.status.padEnd(9)} ${d.id.padEnd(32)} due ${d.due}  ${getRule(d.rule).citation}`);
}
console.log('Breaches:');
for (const b of view.breaches) console.log(`  ${b.rule} (${b.citation}), detected ${b.detectedAt}`);

console.log('Voided:');
for (const v of view.voided) console.log(`  ${v.eventId} (${v.type}), by ${v.voidedBy}`);

const history = await engine.history(caseId);
const verdict = verifyAuditTrail(history);
console.log(`\nAudit trail: ${history.length} entries, ${history.filter((h) => !h.accepted).length} refused; hash chain ${verdict.ok ? 'intact' : `BROKEN: ${verdict.message}`}`);
