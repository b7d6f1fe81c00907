import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { getRule, isStepDownError, rules, type AuditEntry, type CaseEngine, type CaseView } from '../../src/index.js';
import {
  buildComplianceReport,
  complianceReport,
  reportToHtml,
  reportToMarkdown,
  type ComplianceReport,
  type RuleReport,
  type RuleStatus,
} from '../../src/report/index.js';
import {
  actors,
  added,
  closedToCsc,
  consent,
  decidedWithViews,
  disagreement,
  familyPlanMeeting,
  finalMeeting,
  freeText,
  lpAgreed,
  markingEngine,
  openCase,
  people,
  refusal,
  resolved,
  runToClosedCaf,
  sample,
  sendAll,
  testEngine,
  view,
} from './journeys.js';

function engine(): CaseEngine {
  return testEngine().engine;
}

function ruleOf(report: ComplianceReport, id: string): RuleReport {
  const found = report.rules.find((r) => r.rule === id);
  expect(found, `rule ${id} in the report`).toBeDefined();
  return found!;
}

function statuses(report: ComplianceReport, ids: readonly string[]): Record<string, RuleStatus> {
  return Object.fromEntries(ids.map((id) => [id, ruleOf(report, id).status]));
}

const ladder = ['lp-escalation-clw', 'lp-clw-challenge', 'lp-transforming-lives-panel', 'lp-none-universal-services'];
const closureGates = [
  'ecaf-referral-complete', 'parents-aware-of-transfer', 'closure-summary', 'tm-file-review',
  'tm-quality-assurance', 'separation-of-duties', 'documents-shared-with-all', 'csc-closure',
];

describe('complianceReport: a whole journey to a closed CAF with a late initial family plan meeting', () => {
  async function report() {
    const e = engine();
    await runToClosedCaf(e, 'C-1');
    return { report: await complianceReport(e, 'C-1'), engine: e };
  }

  it('judges every rule of the catalogue once, in catalogue order, with its own citation, and counts them', async () => {
    const { report: r } = await report();
    expect(r.rules.map((x) => x.rule)).toEqual(rules.map((x) => x.id));
    for (const x of r.rules) {
      const rule = getRule(x.rule);
      expect(x.citation).toBe(rule.citation);
      expect([x.kind, x.stage, x.summary]).toEqual([rule.kind, rule.stage, rule.summary]);
      expect(x.basis.length).toBeGreaterThan(0);
    }
    const total = Object.values(r.totals).reduce((a, b) => a + b, 0);
    expect(total).toBe(rules.length);
    expect(r.totals.breached).toBe(r.rules.filter((x) => x.status === 'breached').length);
  });

  it('carries the case: id, route, stage, outcome, version, the stages it went through, and a verified audit trail', async () => {
    const { report: r, engine: e } = await report();
    const history = await e.history('C-1');
    expect(r).toMatchObject({ caseId: 'C-1', route: 'cin-outcome', stage: 'closed', outcome: 'caf-closed', version: (await e.get('C-1')).version });
    expect(r.stages.map((s) => s.stage)).toEqual(['decision', 'preparation', 'closure', 'early-help', 'closed']);
    expect(r.stages[0]).toMatchObject({ from: '2024-03-04T09:00:00Z', to: '2024-03-05T10:00:00Z', seq: 1 });
    expect(r.stages.at(-1)).toMatchObject({ from: '2024-06-11T10:00:00+01:00', to: null });
    expect(r.openedAt).toBe('2024-03-04T09:00:00Z');
    expect(r.asOf).toBe('2024-06-11T10:00:00+01:00');
    expect(r.auditTrail).toEqual({ entries: history.length, verified: true, problem: null, lastHash: history.at(-1)!.hash });
    expect(r.entries.map((x) => x.seq)).toEqual(history.map((x) => x.seq));
    expect(r.pending).toEqual([]);
  });

  it('first-family-plan-meeting is breached, with the tick that found it as evidence and the deadline met late', async () => {
    const { report: r } = await report();
    const breach = ruleOf(r, 'first-family-plan-meeting');
    expect(breach.status).toBe('breached');
    expect(breach.basis).toContain('due 2024-04-18, found 2024-04-22');
    expect(breach.breaches).toEqual([expect.objectContaining({ deadlineId: 'first-family-plan-meeting', detectedAt: '2024-04-22T07:00:00+01:00' })]);
    expect(breach.deadlines.map((d) => d.status)).toEqual(['met-late']);
    const tick = breach.evidence.find((x) => x.type === 'clock.tick');
    expect(tick).toMatchObject({ role: 'system', accepted: true, code: null, bears: 'breached', at: '2024-04-22T07:00:00+01:00' });
    expect(breach.evidence.map((x) => [x.seq, x.type])).toEqual([[19, 'csc.closed'], [22, 'clock.tick'], [23, 'familyPlanMeeting.held']]);
    expect(breach.withdrawnBreaches).toEqual([]);
    expect(r.withdrawnBreaches).toEqual([]);
    expect(r.breaches).toHaveLength(1);
    expect(r.totals.breached).toBe(1);
  });

  it('gates are met by the event they guard, with the guarded event as evidence', async () => {
    const { report: r } = await report();
    expect(statuses(r, ['threshold-decision', 'views-recorded', 'informed-consent', 'lead-professional-identified', 'smart-family-plan', ...closureGates, 'ehm-quality-assurance', 'caf-closure-all-actions-met'])).toEqual(
      Object.fromEntries(['threshold-decision', 'views-recorded', 'informed-consent', 'lead-professional-identified', 'smart-family-plan', ...closureGates, 'ehm-quality-assurance', 'caf-closure-all-actions-met'].map((id) => [id, 'met'])),
    );
    const views = ruleOf(r, 'views-recorded');
    expect(views.basis).toMatch(/^Met when finalMeeting\.held \(#12, 2024-03-14\) was accepted\.$/);
    // The people on the case (who must give a view) and their views are its evidence.
    expect(views.evidence.map((x) => [x.seq, x.type, x.bears])).toEqual([
      [2, 'person.added', 'step'], [3, 'person.added', 'step'], [4, 'person.added', 'step'],
      [6, 'views.recorded', 'step'], [7, 'views.recorded', 'step'], [8, 'views.recorded', 'step'],
      [9, 'person.added', 'step'], [12, 'finalMeeting.held', 'checked'],
    ]);
    const consentRule = ruleOf(r, 'informed-consent');
    expect(consentRule.basis).toContain('stepDown.authorised (#17, 2024-03-21), csc.closed (#19, 2024-03-21)');
    expect(consentRule.basis).toContain('On file: carer-1 given at consent.given (#10, 2024-03-07).');
    expect(ruleOf(r, 'tm-file-review').evidence.map((x) => x.type)).toEqual(['fileReview.completed', 'stepDown.authorised']);
  });

  it('division-of-duties, step-sequence and people-on-record were checked on every event after the opening', async () => {
    const { report: r } = await report();
    for (const id of ['division-of-duties', 'step-sequence', 'people-on-record']) {
      const x = ruleOf(r, id);
      expect(x.status).toBe('met');
      expect(x.evidence.map((e) => e.seq)).toEqual(r.entries.filter((e) => e.type !== 'case.opened').map((e) => e.seq));
      expect(x.basis).toContain('none refused');
    }
  });

  it('timescales met on time are met; the 12-month clock is met by the closure', async () => {
    const { report: r } = await report();
    expect(statuses(r, ['first-meeting-date', 'family-plan-review', 'caf-twelve-months'])).toEqual({
      'first-meeting-date': 'met', 'family-plan-review': 'met', 'caf-twelve-months': 'met',
    });
    expect(ruleOf(r, 'caf-twelve-months').basis).toBe('Met: caf-twelve-months:1 on 2024-06-11 (due 2025-03-21).');
  });

  it('branches the case never took are not applicable: the Lead Professional ladder (an LP agreed at once), disagreements, withdrawal, step up', async () => {
    const { report: r } = await report();
    const untaken = [
      ...ladder, 'consent-refusal-is-disagreement', 'family-disagreement', 'partner-disagreement', 'disagreement-resolution',
      'disagreement-withdrawal', 'step-down-withdrawal', 'reassessment', 'step-up', 'consent-withdrawal',
      'transfer-out', 'reconvened-meeting', 'lead-professional-change',
    ];
    expect(new Set(Object.values(statuses(r, untaken)))).toEqual(new Set(['not-applicable']));
    expect(ruleOf(r, 'lp-escalation-clw').basis).toBe(
      'A Lead Professional agreed without the ladder reaching this rung: leadProfessional.agreed (#11, 2024-03-08).',
    );
    expect(ruleOf(r, 'lp-escalation-clw').evidence).toEqual([]);
    expect(r.totals['not-applicable']).toBe(untaken.length);
  });

  it('final-meeting-kind judges the CIN route’s clause and says the 10-day checkpoint meeting kind does not apply', async () => {
    const { report: r } = await report();
    const kind = ruleOf(r, 'final-meeting-kind');
    expect(kind.status).toBe('met');
    expect(kind.basis).toContain('Held as final-cin');
    expect(kind.basis).toContain('the multi-agency meeting of the 10-day checkpoint route does not apply');
  });
});

describe('complianceReport: branches and stages', () => {
  it('the full Lead Professional ladder to universal services: every rung met, the closure never reached', async () => {
    const e = engine();
    await decidedWithViews(e, 'L-1');
    await sendAll(e, 'L-1', [
      consent('mum', '2024-03-07T10:00:00Z'),
      sample('leadProfessional.notFound', '2024-03-08T10:00:00Z'),
      sample('leadProfessional.challengeFailed', '2024-03-12T10:00:00Z'),
      sample('leadProfessional.panelFailed', '2024-03-19T10:00:00Z'),
      sample('noLeadProfessional.recorded', '2024-03-20T10:00:00Z'),
    ]);
    const r = await complianceReport(e, 'L-1');
    // Issue 10: the ladder's end makes the destination universal services; the case goes on through
    // the last meeting and the closure, so it is still open.
    expect(r.outcome).toBe(null);
    expect(statuses(r, ladder)).toEqual(Object.fromEntries(ladder.map((id) => [id, 'met'])));
    expect(ruleOf(r, 'lp-clw-challenge').basis).toContain('done at leadProfessional.challengeFailed');
    expect(ruleOf(r, 'lp-none-universal-services').evidence.map((x) => x.type)).toEqual(['noLeadProfessional.recorded']);
    expect(ruleOf(r, 'destination').basis).toContain("universal services, reached at the ladder's end");
    for (const id of ['lead-professional-identified', 'informed-consent', 'ecaf-referral-complete', 'first-meeting-date', 'first-family-plan-meeting', 'caf-twelve-months']) {
      expect(ruleOf(r, id).status, id).toBe('not-applicable');
    }
  });

  it('an agency agreeing at the panel meets the rungs climbed and leaves the last one not applicable', async () => {
    const e = engine();
    await decidedWithViews(e, 'L-2');
    await sendAll(e, 'L-2', [
      sample('leadProfessional.notFound', '2024-03-08T10:00:00Z'),
      sample('leadProfessional.challengeFailed', '2024-03-12T10:00:00Z'),
      added('lp', '2024-03-18T10:00:00Z'),
      lpAgreed('2024-03-19T10:00:00Z'),
    ]);
    const r = await complianceReport(e, 'L-2');
    expect(statuses(r, ladder)).toEqual({
      'lp-escalation-clw': 'met',
      'lp-clw-challenge': 'met',
      'lp-transforming-lives-panel': 'met',
      'lp-none-universal-services': 'not-applicable',
    });
    expect(ruleOf(r, 'lp-transforming-lives-panel').basis).toContain('an agency agreed at this rung');
    expect(ruleOf(r, 'lp-transforming-lives-panel').evidence.map((x) => x.type)).toEqual(['leadProfessional.agreed']);
  });

  it('an open case in preparation: what it waits for is pending, later stages are pending, an open partner disagreement is pending', async () => {
    const e = engine();
    await decidedWithViews(e, 'P-1');
    // Raised by the school's practitioner: a partner agency's disagreement, from the person's relationship.
    await sendAll(e, 'P-1', [disagreement('school', '2024-03-07T10:00:00Z', 'D-2')]);
    const r = await complianceReport(e, 'P-1');
    expect(r.outcome).toBeNull();
    expect(r.stage).toBe('preparation');
    expect(statuses(r, ['partner-disagreement', 'disagreement-resolution', 'no-open-disagreement', 'informed-consent', 'lead-professional-identified'])).toEqual({
      'partner-disagreement': 'pending',
      'disagreement-resolution': 'pending',
      'no-open-disagreement': 'pending',
      'informed-consent': 'pending',
      'lead-professional-identified': 'pending',
    });
    expect(ruleOf(r, 'disagreement-resolution').basis).toContain('disagreement.resolved (D-2) from the team-manager');
    expect(ruleOf(r, 'disagreement-resolution').deadlines).toEqual([
      expect.objectContaining({ id: 'disagreement-resolution:D-2', status: 'open', due: '2024-03-14T23:59:59.999+00:00' }),
    ]);
    expect(ruleOf(r, 'family-disagreement').status).toBe('not-applicable');
    expect(ruleOf(r, 'partner-disagreement').evidence.map((x) => [x.seq, x.type])).toEqual([[9, 'disagreement.raised']]);
    // Not reached yet, not skipped: the closure and the CAF are still ahead.
    expect(ruleOf(r, 'csc-closure')).toMatchObject({ status: 'pending', basis: 'Not reached yet: applies at csc.closed.' });
    expect(ruleOf(r, 'first-family-plan-meeting')).toMatchObject({ status: 'pending', basis: 'Not started: the clock starts at the closure to CSC.' });
    expect(ruleOf(r, 'lp-escalation-clw').basis).toBe('No agency has declined the Lead Professional role so far; the ladder applies only if none agrees.');
    expect(r.pending.map((p) => p.step)).toEqual(['consent.given', 'leadProfessional.agreed', 'disagreement.resolved']);
    expect(r.stages.at(-1)).toMatchObject({ stage: 'preparation', to: null });
  });

  it('a disagreement resolved by withdrawing the step down: the case remains with CSC and every later rule is not applicable', async () => {
    const e = engine();
    await decidedWithViews(e, 'W-1');
    await sendAll(e, 'W-1', [
      disagreement('school', '2024-03-07T10:00:00Z', 'D-2'),
      resolved('2024-03-08T10:00:00Z', 'D-2', 'step-down-withdrawn'),
    ]);
    const r = await complianceReport(e, 'W-1');
    expect(r.outcome).toBe('remains-with-csc');
    expect(statuses(r, ['partner-disagreement', 'disagreement-resolution', 'disagreement-withdrawal', 'views-recorded', 'final-meeting-kind', 'csc-closure'])).toEqual({
      'partner-disagreement': 'met',
      'disagreement-resolution': 'met',
      'disagreement-withdrawal': 'met',
      'views-recorded': 'not-applicable',
      'final-meeting-kind': 'not-applicable',
      'csc-closure': 'not-applicable',
    });
    expect(ruleOf(r, 'step-down-withdrawal').status).toBe('not-applicable');
  });

  it('refusals are evidence of the gate that held, with their codes; the gate is not breached', async () => {
    const e = engine();
    await decidedWithViews(e, 'R-1');
    await expect(e.send('R-1', finalMeeting('2024-03-07T10:00:00Z', '2024-04-01', ['mum', 'school']))).rejects.toMatchObject({ code: 'GATE_BLOCKED' });
    await expect(e.send('R-1', { ...consent('mum', '2024-03-07T10:00:00Z'), actor: actors.tm })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    const r = await complianceReport(e, 'R-1');
    const consentRule = ruleOf(r, 'informed-consent');
    expect(consentRule.status).toBe('pending');
    expect(consentRule.evidence).toEqual([
      { seq: 9, type: 'finalMeeting.held', at: '2024-03-07T10:00:00Z', role: 'social-worker', accepted: false, code: 'GATE_BLOCKED', bears: 'checked' },
      // Whose consent it was, by relationship: the refused event named the mother's person id.
      { seq: 10, type: 'consent.given', at: '2024-03-07T10:00:00Z', role: 'team-manager', accepted: false, code: 'NOT_ALLOWED', bears: 'step', whose: 'parent-carer' },
    ]);
    const duties = ruleOf(r, 'division-of-duties');
    expect(duties.status).toBe('met');
    expect(duties.basis).toContain('1 refused (#10 NOT_ALLOWED)');
    expect(r.breaches).toEqual([]);
  });

  it('a person not on the case is refused under people-on-record, named by id in the evidence only as a code', async () => {
    const e = engine();
    await decidedWithViews(e, 'N-1');
    // The Lead Professional's person was never added: the agreement is refused, not the gate broken.
    await expect(e.send('N-1', lpAgreed('2024-03-08T11:00:00Z'))).rejects.toMatchObject({ code: 'GATE_BLOCKED' });
    const r = await complianceReport(e, 'N-1');
    const onRecord = ruleOf(r, 'people-on-record');
    expect(onRecord.status).toBe('met');
    expect(onRecord.basis).toBe('Checked on 7 accepted event(s); 1 refused (#9 GATE_BLOCKED).');
    expect(ruleOf(r, 'lead-professional-identified').evidence.map((x) => [x.seq, x.accepted, x.code])).toEqual([[9, false, 'GATE_BLOCKED']]);
  });

  it('a tick’s breach withdrawn by a meeting dated on time does not count: met, with the tick still in the evidence', async () => {
    const e = engine();
    await closedToCsc(e, 'T-1');
    await e.tick('2024-04-20T07:00:00+01:00');
    expect((await complianceReport(e, 'T-1')).rules.find((x) => x.rule === 'first-family-plan-meeting')!.status).toBe('breached');
    await e.send('T-1', familyPlanMeeting('2024-04-17T10:00:00+01:00', 'initial'));
    const r = await complianceReport(e, 'T-1');
    const first = ruleOf(r, 'first-family-plan-meeting');
    expect(first.status).toBe('met');
    expect(first.evidence.find((x) => x.type === 'clock.tick')?.bears).toBe('breached');
    expect(ruleOf(r, 'family-plan-review').status).toBe('pending');
    expect(ruleOf(r, 'caf-closure-all-actions-met').status).toBe('pending');
    // The CAF Link Worker's contact fell due with the initial meeting and was not recorded: a breach.
    expect(ruleOf(r, 'clw-contacts-lead-professional').status).toBe('breached');
  });

  it('12 months without the plan met: the clock is breached and a reassessment is pending, then met', async () => {
    const e = engine();
    await closedToCsc(e, 'Y-1');
    await e.send('Y-1', familyPlanMeeting('2024-04-10T10:00:00+01:00', 'initial'));
    await e.tick('2025-03-24T07:00:00Z');
    let r = await complianceReport(e, 'Y-1');
    expect(statuses(r, ['caf-twelve-months', 'reassessment', 'family-plan-review'])).toEqual({
      'caf-twelve-months': 'breached', reassessment: 'pending', 'family-plan-review': 'breached',
    });
    await e.send('Y-1', sample('reassessment.completed', '2025-03-25T10:00:00Z'));
    r = await complianceReport(e, 'Y-1');
    expect(ruleOf(r, 'reassessment')).toMatchObject({ status: 'met', basis: 'Completed: reassessment.completed (#22, 2025-03-25).' });
    expect(ruleOf(r, 'caf-twelve-months').deadlines.map((d) => [d.id, d.status])).toEqual([
      ['caf-twelve-months:1', 'met-late'], ['caf-twelve-months:2', 'open'],
    ]);
  });

  it('the 10-day checkpoint route ends in a multi-agency meeting; the CIN/CP meeting kinds do not apply', async () => {
    const e = engine();
    await decidedWithViews(e, 'K-1', 'ten-day-checkpoint');
    await sendAll(e, 'K-1', [
      added('lp', '2024-03-07T09:00:00Z'),
      consent('mum', '2024-03-07T11:00:00Z'),
      lpAgreed('2024-03-08T11:00:00Z'),
      finalMeeting('2024-03-14T10:00:00Z', '2024-04-04', ['mum', 'school', 'lp'], 'multi-agency'),
    ]);
    const kind = ruleOf(await complianceReport(e, 'K-1'), 'final-meeting-kind');
    expect(kind.status).toBe('met');
    expect(kind.basis).toContain('Held as multi-agency');
    expect(kind.basis).toContain('the final CIN / core group meeting of the CIN and CP routes does not apply');
  });
});

describe('complianceReport: people by id', () => {
  /** Both parents on the case with views, the mother's consent and the Lead Professional; the final meeting on 2024-03-14; the e-CAF referral on 2024-03-19. */
  async function twoCarersInClosure(e: CaseEngine, caseId: string): Promise<void> {
    await decidedWithViews(e, caseId);
    await sendAll(e, caseId, [
      added('dad', '2024-03-04T10:00:00Z'), // #9
      view('dad', '2024-03-06T11:00:00Z'), // #10
      added('lp', '2024-03-07T09:00:00Z'), // #11
      consent('mum', '2024-03-07T11:00:00Z'), // #12
      lpAgreed('2024-03-08T11:00:00Z'), // #13
      finalMeeting('2024-03-14T10:00:00Z', '2024-04-10', ['mum', 'dad', 'school', 'lp']), // #14
      sample('eCaf.referralCompleted', '2024-03-19T10:00:00Z', {
        form: { ...sample('eCaf.referralCompleted', '2024-03-19T10:00:00Z').form, firstFamilyPlanMeetingDate: '2024-04-10' },
      }), // #15
    ]);
  }

  it('consent is each carer’s own: the father’s refusal opens a family disagreement and leaves the mother’s consent standing', async () => {
    const e = engine();
    await twoCarersInClosure(e, 'G-1');
    await e.send('G-1', refusal('dad', '2024-03-19T15:00:00Z', 'D-3')); // #16
    const r = await complianceReport(e, 'G-1');
    const consentRule = ruleOf(r, 'informed-consent');
    expect(consentRule.status).toBe('met');
    expect(consentRule.basis).toBe(
      'Met when finalMeeting.held (#14, 2024-03-14) was accepted. ' +
        'On file: carer-1 given at consent.given (#12, 2024-03-07); carer-2 refused at consent.refused (#16, 2024-03-19).',
    );
    // Refused consent is the family's disagreement, with its 5-working-day clock: due Tuesday 2024-03-26.
    expect(statuses(r, ['family-disagreement', 'partner-disagreement', 'consent-refusal-is-disagreement', 'disagreement-resolution'])).toEqual({
      'family-disagreement': 'pending',
      'partner-disagreement': 'not-applicable',
      'consent-refusal-is-disagreement': 'met',
      'disagreement-resolution': 'pending',
    });
    expect(ruleOf(r, 'disagreement-resolution').deadlines).toEqual([
      expect.objectContaining({ id: 'disagreement-resolution:D-3', status: 'open', due: '2024-03-26T23:59:59.999+00:00' }),
    ]);
    expect(ruleOf(r, 'family-disagreement').evidence.map((x) => [x.seq, x.type])).toEqual([[16, 'consent.refused']]);
  });

  it('when the only consent on file is refused by the carer who gave it, informed-consent is pending again', async () => {
    const e = engine();
    await twoCarersInClosure(e, 'G-2');
    await e.send('G-2', refusal('mum', '2024-03-19T15:00:00Z', 'D-4')); // #16: her record on file is now the refusal
    const consentRule = ruleOf(await complianceReport(e, 'G-2'), 'informed-consent');
    expect(consentRule.status).toBe('pending');
    expect(consentRule.basis).toBe(
      'No parent/carer still involved has consent given on file: it must be given before the next step it guards. ' +
        'On file: carer-1 refused at consent.refused (#16, 2024-03-19).',
    );
  });

  it('a disagreement is the family’s or a partner’s by the relationship of the person who raised it', async () => {
    const e = engine();
    await decidedWithViews(e, 'F-1');
    await sendAll(e, 'F-1', [
      disagreement('child', '2024-03-07T10:00:00Z', 'D-5'), // #9: the child's
      disagreement('school', '2024-03-07T11:00:00Z', 'D-6'), // #10: the school's
      resolved('2024-03-08T10:00:00Z', 'D-5'), // #11
    ]);
    const r = await complianceReport(e, 'F-1');
    expect(ruleOf(r, 'family-disagreement')).toMatchObject({
      status: 'met',
      basis: 'Raised at disagreement.raised (#9, 2024-03-07); resolved at disagreement.resolved (#11, 2024-03-08).',
    });
    expect(ruleOf(r, 'family-disagreement').evidence.map((x) => x.seq)).toEqual([9, 11]);
    expect(ruleOf(r, 'partner-disagreement')).toMatchObject({ status: 'pending' });
    expect(ruleOf(r, 'partner-disagreement').evidence.map((x) => x.seq)).toEqual([10]);
  });
});

describe('complianceReport: reading the case', () => {
  it('UNKNOWN_CASE for a case that does not exist', async () => {
    const error = await complianceReport(engine(), 'nope').catch((x: unknown) => x);
    expect(isStepDownError(error, 'UNKNOWN_CASE')).toBe(true);
  });

  it('history written after the view was read is left out, so the evidence never runs ahead of the status', async () => {
    const e = engine();
    await openCase(e, 'V-1', 'cin-outcome', '2024-03-04T09:00:00Z');
    const view = await e.get('V-1');
    await sendAll(e, 'V-1', [sample('decision.agreed', '2024-03-05T10:00:00Z')]);
    const r = buildComplianceReport(view, await e.history('V-1'));
    expect(r.version).toBe(1);
    expect(r.entries.map((x) => x.type)).toEqual(['case.opened']);
    expect(ruleOf(r, 'threshold-decision')).toMatchObject({ status: 'pending', evidence: [] });
    expect(r.auditTrail.entries).toBe(1);
  });

  it('a version 1 trail still reports: refused consent is the family’s disagreement, and no name from its events is copied', async () => {
    const fixture = JSON.parse(
      await readFile(new URL('../fixtures/snapshots/v1/preparation-disagreement.json', import.meta.url), 'utf8'),
    ) as { view: CaseView; audit: AuditEntry[] };
    const r = buildComplianceReport(fixture.view, fixture.audit);
    expect(r.auditTrail).toMatchObject({ entries: 9, verified: true });
    expect(statuses(r, ['family-disagreement', 'partner-disagreement', 'consent-refusal-is-disagreement'])).toEqual({
      'family-disagreement': 'pending',
      'partner-disagreement': 'not-applicable',
      'consent-refusal-is-disagreement': 'met',
    });
    expect(ruleOf(r, 'family-disagreement').evidence.map((x) => [x.seq, x.type])).toEqual([[5, 'consent.refused']]);
    expect(r.corrections).toEqual([]);
    const text = JSON.stringify(r) + reportToMarkdown(r) + reportToHtml(r);
    for (const name of ['Sarah', 'Leo', 'Taylor', 'sw-amira-khan']) expect(text).not.toContain(name);
  });

  it('a tampered audit trail is reported as not verified', async () => {
    const e = engine();
    await runToClosedCaf(e, 'X-1');
    const history = await e.history('X-1');
    const tampered = history.map((x) => (x.seq === 4 ? { ...x, at: '2024-03-06T10:00:00Z' } : x));
    const r = buildComplianceReport(await e.get('X-1'), tampered);
    expect(r.auditTrail).toMatchObject({ verified: false, problem: 'entry 4 was changed after it was written' });
    expect(reportToHtml(r)).toContain('NOT verified: entry 4 was changed after it was written');
  });
});

describe('complianceReport: no personal data', () => {
  const marker = 'ZZPERSONALZZ';

  it('names, free text and actor ids from the events never reach the report, the Markdown or the HTML', async () => {
    const e = engine();
    await runToClosedCaf(markingEngine(e, marker), 'C-9');
    // The probe is real: the marker and the names went into the events the engine stored.
    const stored = JSON.stringify(await e.history('C-9'));
    expect(stored).toContain(marker);
    for (const text of [people.child.name, people.mum.name, people.lp.name, actors.sw.id, actors.tm.id]) expect(stored).toContain(text);
    const r = await complianceReport(e, 'C-9');
    expect(r.breaches).toHaveLength(1);
    const outputs = { json: JSON.stringify(r), markdown: reportToMarkdown(r), html: reportToHtml(r) };
    const actorIds = Object.values(actors).map((a) => a.id);
    for (const [name, text] of Object.entries(outputs)) {
      expect(text, name).not.toContain(marker);
      for (const t of [...freeText, ...actorIds]) expect(text, `${name}: ${t}`).not.toContain(t);
    }
  });
});
