import { describe, expect, it } from 'vitest';
import { type AuditEntry, type CaseEngine } from '../../src/index.js';
import { chainEntry } from '../../src/engine/audit-chain.js';
import { memoryStore } from '../../adapters/memory.js';
import {
  buildComplianceReport,
  complianceReport,
  reportToHtml,
  reportToMarkdown,
  timelineSvg,
  type ComplianceReport,
  type RuleReport,
} from '../../src/report/index.js';
import {
  actors,
  closedToCsc,
  ev,
  familyPlanMeeting,
  freeText,
  people,
  sample,
  testEngine,
  voided,
} from './journeys.js';

// Corrections, withdrawn breaches and steps recorded late, through the engine on real dates. The
// case closes to CSC on Thursday 2024-03-21; the initial family plan meeting is due within 4 weeks:
// by the end of Thursday 2024-04-18 (London, after the clocks went forward on 31 March and across
// Good Friday and Easter Monday, which do not stop a calendar-day clock).

function ruleOf(report: ComplianceReport, id: string): RuleReport {
  const found = report.rules.find((r) => r.rule === id);
  expect(found, `rule ${id} in the report`).toBeDefined();
  return found!;
}

const wrongReason = 'Entered on the wrong case: the meeting was held on 16 April, Leo Taylor attended.';

/**
 * The initial family plan meeting mistyped as 23 April (late: a breach), voided by the Lead
 * Professional who recorded it, then recorded at its true date, 16 April, on 24 April: eight days
 * after its date, and after the deadline passed. Then a void of the CSC closure, refused: the
 * meeting rests on it. Entries: #1–19 to the closure, #20 the wrong meeting, #21 its void, #22 the
 * true meeting, #23 the refused void.
 */
async function voidedMeeting(engine: CaseEngine, recordAt: (iso: string | null) => void, caseId: string): Promise<void> {
  await closedToCsc(engine, caseId);
  recordAt('2024-04-23T12:00:00+01:00');
  await engine.send(caseId, { ...familyPlanMeeting('2024-04-23T10:00:00+01:00', 'initial'), eventId: 'fp-initial-typo' });
  recordAt('2024-04-24T09:00:00+01:00');
  await engine.send(caseId, voided('2024-04-24T09:00:00+01:00', 'fp-initial-typo', actors.lp, wrongReason));
  recordAt('2024-04-24T09:30:00+01:00');
  await engine.send(caseId, { ...familyPlanMeeting('2024-04-16T10:00:00+01:00', 'initial'), eventId: 'fp-initial' });
  const closure = (await engine.history(caseId)).find((e) => e.type === 'csc.closed')!;
  const closureId = (closure.event as { eventId: string }).eventId;
  recordAt('2024-04-24T10:00:00+01:00');
  await expect(engine.send(caseId, voided('2024-04-24T10:00:00+01:00', closureId, actors.tm, 'Recorded twice by mistake.'))).rejects.toMatchObject({
    code: 'VOID_CONFLICT',
  });
  recordAt(null);
}

describe('a void: the voided entry is out of every rule’s evidence and listed with its void', () => {
  async function report() {
    const { engine, recordAt } = testEngine();
    await voidedMeeting(engine, recordAt, 'V-1');
    return { report: await complianceReport(engine, 'V-1'), history: await engine.history('V-1') };
  }

  it('the trail holds both entries: the mistyped meeting (#20, breach recorded) and its void (#21)', async () => {
    const { history } = await report();
    expect(history.slice(19).map((e) => [e.seq, e.type, e.accepted, e.errorCode, e.rules.breached])).toEqual([
      [20, 'familyPlanMeeting.held', true, null, ['first-family-plan-meeting']],
      [21, 'event.voided', true, null, []],
      [22, 'familyPlanMeeting.held', true, null, []],
      [23, 'event.voided', false, 'VOID_CONFLICT', []],
    ]);
  });

  it('first-family-plan-meeting is met by the true meeting: the breach that rested on the voided entry is gone, and so is its evidence', async () => {
    const { report: r } = await report();
    const first = ruleOf(r, 'first-family-plan-meeting');
    expect(first.status).toBe('met');
    expect(first.breaches).toEqual([]);
    expect(r.breaches).toEqual([]);
    expect(first.evidence.map((e) => [e.seq, e.type, e.bears])).toEqual([[19, 'csc.closed', 'step'], [22, 'familyPlanMeeting.held', 'step']]);
    // Dated 16 April, on time; recorded 24 April, after the deadline: met, and the report says how late it was recorded.
    expect(first.basis).toBe('Met: first-family-plan-meeting on 2024-04-16 (due 2024-04-18), recorded 8 days after its date.');
    expect(first.deadlines).toEqual([
      expect.objectContaining({
        id: 'first-family-plan-meeting', status: 'met', closedAt: '2024-04-16T10:00:00+01:00',
        recordedAt: '2024-04-24T08:30:00.000Z', recordedLateDays: 8,
      }),
    ]);
    for (const rule of r.rules) expect(rule.evidence.map((e) => e.seq), rule.rule).not.toContain(20);
    expect(r.totals.breached).toBe(0);
  });

  it('lists every void with the entry it names, where its reason is kept, and the refused VOID_CONFLICT', async () => {
    const { report: r } = await report();
    expect(r.corrections).toEqual([
      {
        seq: 21, at: '2024-04-24T09:00:00+01:00', role: 'lead-professional', accepted: true, code: null,
        voids: { seq: 20, type: 'familyPlanMeeting.held', at: '2024-04-23T10:00:00+01:00', role: 'lead-professional' },
        reasonKeptIn: 21, voidedBy: null,
      },
      {
        seq: 23, at: '2024-04-24T10:00:00+01:00', role: 'team-manager', accepted: false, code: 'VOID_CONFLICT',
        voids: { seq: 19, type: 'csc.closed', at: '2024-03-21T16:00:00Z', role: 'social-worker' },
        reasonKeptIn: 23, voidedBy: null,
      },
    ]);
    // The timeline keeps every entry, the voided one marked with its void; the refused void voided nothing.
    expect(r.entries.map((e) => e.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(r.entries.filter((e) => e.voidedBy !== null).map((e) => [e.seq, e.voidedBy])).toEqual([[20, 21]]);
    expect(ruleOf(r, 'csc-closure').status).toBe('met');
    expect(r.auditTrail.verified).toBe(true);
  });

  it('the Markdown and the HTML show the corrections and the late recording, and never the reason’s text', async () => {
    const { report: r } = await report();
    const md = reportToMarkdown(r);
    expect(md).toContain('\n## Corrections\n');
    expect(md).toContain(
      '| Entry 21 | 24 April 2024, 09:00 | Lead Professional | Voided | Entry 20: Family plan meeting held, 23 April 2024, Lead Professional (familyPlanMeeting.held) | Given, kept in audit entry 21 |',
    );
    expect(md).toContain(
      "| Entry 23 | 24 April 2024, 10:00 | Team Manager | Refused: later records rest on that entry, so correct those first (VOID\\_CONFLICT) | Entry 19: Case closed to Children's Social Care, 21 March 2024, Social Worker (csc.closed) | Given, kept in audit entry 23 |",
    );
    expect(md).toContain('- Corrections: 2 voids, 1 entry voided');
    // The history marks the voided entry and the refused void as such.
    expect(md).toContain('| 20 | 23 April 2024, 10:00 | Family plan meeting held | Lead Professional | Voided by entry 21: recorded in error, the case was worked out again without it | familyPlanMeeting.held |');
    expect(md).toContain('| 23 | 24 April 2024, 10:00 | Entry voided as recorded in error | Team Manager | Refused: later records rest on that entry, so correct those first (VOID\\_CONFLICT) | event.voided |');
    expect(md).toContain('| Initial family plan meeting | 21 March 2024 | 18 April 2024, 23:59 | Met, recorded 8 days after the date it happened | 16 April 2024 | first-family-plan-meeting |');
    const html = reportToHtml(r);
    expect(html).toMatch(/<tr class="govuk-table__row" data-correction="21" data-voids="20" data-accepted="true">.*?Voided<\/strong>/);
    expect(html).toMatch(/<tr class="govuk-table__row" data-correction="23" data-voids="19" data-accepted="false">.*?Refused<\/strong>/);
    // The voided entry is shown struck through in the history, with the void that voided it.
    expect(html).toContain('<li class="moj-timeline__item moj-timeline__item--voided" data-entry="20" data-voided-by="21">');
    expect(html).toMatch(/data-deadline-row="first-family-plan-meeting" data-recorded-late="8">.*?Recorded late<\/strong><span class="app-secondary">Recorded 8 days after the date it happened/);
    expect(timelineSvg(r)).toContain('<g data-entry="20" data-voided-by="21">');
    for (const [name, text] of Object.entries({ json: JSON.stringify(r), md, html })) {
      for (const t of [wrongReason, 'wrong case', 'Recorded twice', ...freeText]) expect(text, `${name}: ${t}`).not.toContain(t);
    }
  });
});

describe('breaches withdrawn: shown as withdrawn, never counted', () => {
  it('met on time: a tick on Saturday 2024-04-20 finds the initial meeting missing; the meeting dated Wednesday 17 April withdraws it', async () => {
    const store = memoryStore();
    const { engine } = testEngine({ store });
    await closedToCsc(engine, 'T-1');
    // EHM's part done on time, so the tick is about the initial meeting alone.
    await engine.send('T-1', sample('ehm.authorised', '2024-03-25T10:00:00Z'));
    await engine.send('T-1', sample('leadProfessional.contacted', '2024-03-26T10:00:00Z'));
    await engine.tick('2024-04-20T07:00:00+01:00');
    // Recorded on the 20th, after the tick (the clock follows the case): three days after its date.
    await engine.send('T-1', familyPlanMeeting('2024-04-17T10:00:00+01:00', 'initial'));
    const context = (await store.load('T-1'))!.snapshot.context;
    const r = buildComplianceReport(await engine.get('T-1'), await engine.history('T-1'), { context });
    const first = ruleOf(r, 'first-family-plan-meeting');
    expect(first.status).toBe('met');
    expect(first.breaches).toEqual([]);
    expect(r.breaches).toEqual([]);
    expect(r.totals.breached).toBe(0);
    const withdrawn = {
      rule: 'first-family-plan-meeting', citation: first.citation, due: '2024-04-18T23:59:59.999+01:00',
      detectedAt: '2024-04-20T07:00:00+01:00', deadlineId: 'first-family-plan-meeting',
      withdrawnAt: '2024-04-17T10:00:00+01:00', withdrawnBecause: 'met-on-time',
    };
    expect(r.withdrawnBreaches).toEqual([withdrawn]);
    expect(first.withdrawnBreaches).toEqual([withdrawn]);
    expect(first.basis).toBe(
      'Met: first-family-plan-meeting on 2024-04-17 (due 2024-04-18), recorded 3 days after its date. ' +
        'Breach withdrawn: first-family-plan-meeting due 2024-04-18, found 2024-04-20, withdrawn (the step was dated on time, 2024-04-17).',
    );
    // The tick that recorded it is still evidence, marked as the entry that recorded a breach.
    expect(first.evidence.map((e) => [e.seq, e.type, e.bears])).toEqual([
      [19, 'csc.closed', 'step'], [22, 'clock.tick', 'breached'], [23, 'familyPlanMeeting.held', 'step'],
    ]);

    const md = reportToMarkdown(r);
    expect(md).toContain('- Breaches withdrawn: 1');
    expect(md).toContain('\n## Breaches\n\nNone.\n');
    expect(md).toContain(
      '| Initial family plan meeting held late | Initial family plan meeting | 18 April 2024, 23:59 | 20 April 2024, 07:00 | 17 April 2024, 10:00 | Met on time: the step was dated by its due date |',
    );
    const html = reportToHtml(r);
    expect(html).toContain('data-withdrawn-breach="first-family-plan-meeting" data-because="met-on-time"');
    expect(html).toContain('No breaches.');
    const svg = timelineSvg(r);
    expect(svg).toContain('data-withdrawn-breach="0" data-rule="first-family-plan-meeting"');
    expect(svg).not.toContain('data-breach=');
  });

  it('no longer needed: a review found missed on Friday 2024-06-07, then consent withdrawn dated Monday 3 June, before it fell due', async () => {
    const store = memoryStore();
    const { engine } = testEngine({ store });
    await closedToCsc(engine, 'N-1');
    await engine.send('N-1', sample('ehm.authorised', '2024-03-25T10:00:00Z'));
    await engine.send('N-1', sample('leadProfessional.contacted', '2024-03-26T10:00:00Z'));
    await engine.send('N-1', familyPlanMeeting('2024-04-10T10:00:00+01:00', 'initial'));
    // The next review is due 56 days after 10 April: by the end of Wednesday 5 June.
    await engine.tick('2024-06-07T07:00:00+01:00');
    let r = buildComplianceReport(await engine.get('N-1'), await engine.history('N-1'), { context: (await store.load('N-1'))!.snapshot.context });
    expect(ruleOf(r, 'family-plan-review').status).toBe('breached');
    await engine.send(
      'N-1',
      ev('consent.withdrawn', '2024-06-03T10:00:00+01:00', { personId: people.mum.personId, reason: 'Sarah no longer wants Early Help.' }, actors.lp),
    );
    r = buildComplianceReport(await engine.get('N-1'), await engine.history('N-1'), { context: (await store.load('N-1'))!.snapshot.context });
    expect(r.outcome).toBe('consent-withdrawn');
    const review = ruleOf(r, 'family-plan-review');
    expect(review.status).toBe('not-applicable');
    expect(review.deadlines.map((d) => [d.id, d.status, d.closedAt])).toEqual([['family-plan-review:1', 'cancelled', '2024-06-03T10:00:00+01:00']]);
    expect(review.withdrawnBreaches).toEqual([
      expect.objectContaining({ deadlineId: 'family-plan-review:1', due: '2024-06-05T23:59:59.999+01:00', withdrawnBecause: 'no-longer-needed' }),
    ]);
    expect(review.basis).toBe(
      'Cancelled: the case reached its outcome (consent-withdrawn) before family-plan-review:1 fell due. ' +
        'Breach withdrawn: family-plan-review:1 due 2024-06-05, found 2024-06-07, withdrawn (no longer needed: the case had left that path, 2024-06-03).',
    );
    expect(r.breaches).toEqual([]);
    expect(ruleOf(r, 'consent-withdrawal').status).toBe('met');
    expect(reportToMarkdown(r)).toContain('| Family plan review held late | Family plan review 1 | 5 June 2024, 23:59 | 7 June 2024, 07:00 | 3 June 2024, 10:00 | No longer needed: the case had left that path before it fell due |');
  });

  it('the view’s own withdrawn breaches are read when the engine’s view carries them', async () => {
    const { engine } = testEngine();
    await closedToCsc(engine, 'T-2');
    await engine.tick('2024-04-20T07:00:00+01:00');
    await engine.send('T-2', familyPlanMeeting('2024-04-17T10:00:00+01:00', 'initial'));
    const r = await engine.complianceReport('T-2');
    expect(r.withdrawnBreaches.map((b) => [b.deadlineId, b.withdrawnBecause])).toEqual([['first-family-plan-meeting', 'met-on-time']]);
  });
});

describe('a hand-built trail', () => {
  it('a void naming an event the trail does not hold voids nothing; one without a reason says so', async () => {
    const { engine } = testEngine();
    await closedToCsc(engine, 'H-1');
    const view = await engine.get('H-1');
    const history = await engine.history('H-1');
    const last = history.at(-1)!;
    // Written by hand, as a host's own tooling or an older engine might: not something this engine writes.
    const stray: AuditEntry = chainEntry(last, {
      caseId: 'H-1', type: 'event.voided',
      event: { type: 'event.voided', at: '2024-03-22T10:00:00Z', actor: actors.tm, voidedEventId: 'no-such-event', reason: ' ', eventId: 'void-1' },
      actor: actors.tm, at: '2024-03-22T10:00:00Z', recordedAt: '2024-03-22T10:00:00.000Z',
      stateBefore: last.stateAfter, stateAfter: last.stateAfter, version: last.version + 1,
      rules: { checked: ['division-of-duties'], breached: [] }, accepted: true, errorCode: null,
    });
    const r = buildComplianceReport({ ...view, version: view.version + 1 }, [...history, stray]);
    expect(r.corrections).toEqual([
      { seq: 20, at: '2024-03-22T10:00:00Z', role: 'team-manager', accepted: true, code: null, voids: null, reasonKeptIn: null, voidedBy: null },
    ]);
    expect(r.entries.every((e) => e.voidedBy === null)).toBe(true);
    expect(r.auditTrail.verified).toBe(true);
    expect(reportToMarkdown(r)).toContain('| Entry 20 | 22 March 2024, 10:00 | Team Manager | Accepted, but no entry voided | No entry of the trail holds the event id it names | None given |');
  });
});
