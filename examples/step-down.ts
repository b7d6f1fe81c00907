/**
 * One child's case stepped down from Children's Social Care to a CAF, through the engine a host
 * system embeds: each event the practitioners record, what the case then waits for and from whom,
 * a step the policy refuses (with its citation), a deadline missed and found by the nightly tick,
 * and finally the audit trail verified. Run with `npm run example`.
 *
 * The people and payloads are the fictional sample case of the test suite (`test/events/samples.ts`),
 * so the example and the tests tell the same story. Nothing printed here repeats a name or a reason:
 * the engine's views carry ids, rule ids, dates and citations only.
 */
import {
  createCaseEngine,
  isStepDownError,
  verifyAuditTrail,
  type CaseView,
  type EventOf,
  type EventType,
} from '../src/index.js';
import { sampleActionIds, sampleEvent, samplePeople } from '../test/events/samples.js';

const engine = createCaseEngine();
const caseId = 'CASE-2024-0117';

/** A sample event with overrides, e.g. the party whose view is recorded. */
function event<T extends EventType>(type: T, at: string, overrides: Partial<EventOf<T>> = {}): EventOf<T> {
  return { ...sampleEvent(type, at), ...overrides } as EventOf<T>;
}

function show(label: string, view: CaseView) {
  const waiting = view.pending.map((p) => `${p.step}${p.detail ? ` ${p.detail}` : ''} (${p.role})`).join(', ') || 'nothing';
  console.log(`✓ ${label.padEnd(28)} stage ${view.stage.padEnd(11)} v${view.version}  waits for: ${waiting}`);
}

engine.on('breach.recorded', (n) => console.log(`  ! breach of ${n.rule} on case ${n.caseId}, due ${n.due ?? '—'}`));
engine.on('deadline.opened', (n) => console.log(`  ⏱ ${n.rule} due ${n.due}`));

show('case opened', await engine.open({
  caseId,
  route: 'cin-outcome',
  at: '2024-10-01T09:30:00+01:00',
  actor: { id: samplePeople.teamManager.id, role: 'team-manager' },
}));

const preparation = [
  event('decision.agreed', '2024-10-01T10:00:00+01:00'),
  event('views.recorded', '2024-10-03T10:00:00+01:00', { party: 'child', name: samplePeople.child }),
  event('views.recorded', '2024-10-03T11:00:00+01:00', { party: 'parent', name: samplePeople.parent }),
  event('disagreement.raised', '2024-10-04T15:00:00+01:00', { disagreementId: 'D-1', by: 'partner' }),
  event('views.recorded', '2024-10-04T15:10:00+01:00', { party: 'partner', name: samplePeople.partner }),
  event('consent.given', '2024-10-07T10:00:00+01:00'),
  event('leadProfessional.agreed', '2024-10-08T10:00:00+01:00'),
];
for (const e of preparation) show(e.type, await engine.send(caseId, e));

// The final meeting cannot go ahead while the school's disagreement is open (G "Decision made…" ¶3–4).
const meeting = event('finalMeeting.held', '2024-10-10T10:00:00+01:00', { firstFamilyPlanMeetingDate: '2024-10-31' });
try {
  await engine.send(caseId, meeting);
} catch (error) {
  if (!isStepDownError(error)) throw error;
  const rules = (error.details as { rules?: { rule: string; citation: string }[] }).rules ?? [];
  console.log(`✗ finalMeeting.held refused: ${error.code} — ${rules.map((r) => `${r.rule} (${r.citation})`).join('; ')}`);
}

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
  event('documents.shared', closing, {
    recipients: [samplePeople.parent, samplePeople.partner, samplePeople.leadProfessional.name],
  }),
  event('csc.closed', closing),
  event('ehm.authorised', '2024-10-21T10:00:00+01:00'),
  event('leadProfessional.contacted', '2024-10-22T10:00:00+01:00'),
];
for (const e of steps) show(e.type, await engine.send(caseId, e));

// The nightly tick after the clocks went back: the initial family plan meeting, due within 4 weeks
// of closing to CSC (G "Initial Family Planning Meeting" ¶1), has not been recorded.
const tick = await engine.tick('2024-11-15T02:00:00+00:00');
console.log(`✓ tick 15 Nov 2024 02:00     ${tick.cases} case(s) due, ${tick.breaches} breach(es) recorded`);

const actions = (status: 'open' | 'met') => sampleActionIds.map((id) => ({ id, status }));
const early = [
  event('familyPlanMeeting.held', '2024-11-18T10:00:00+00:00', { kind: 'initial', actions: actions('open') }),
  event('familyPlanMeeting.held', '2025-01-09T10:00:00+00:00', { kind: 'review', actions: actions('open') }),
  event('familyPlanMeeting.held', '2025-02-27T10:00:00+00:00', { kind: 'final', actions: actions('met') }),
  event('caf.closed', '2025-03-03T10:00:00+00:00'),
];
for (const e of early) show(e.type, await engine.send(caseId, e));

const view = await engine.get(caseId);
console.log(`\nOutcome: ${view.outcome}`);
console.log('Deadlines:');
for (const d of view.deadlines) console.log(`  ${d.status.padEnd(9)} ${d.id.padEnd(32)} due ${d.due}  ${d.citation}`);
console.log('Breaches:');
for (const b of view.breaches) console.log(`  ${b.rule} (${b.citation}), detected ${b.detectedAt}`);

const history = await engine.history(caseId);
const verdict = verifyAuditTrail(history);
console.log(`\nAudit trail: ${history.length} entries, ${history.filter((h) => !h.accepted).length} refused; hash chain ${verdict.ok ? 'intact' : `BROKEN: ${verdict.message}`}`);
