import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import {
  createCaseEngine,
  earlyHelpEpisode,
  isStepDownError,
  socialCareEpisodeClosure,
  type AuditEntry,
  type CaseView,
} from '../../src/index.js';
import { resolveScenario, simulate, type Scenario, type ScenarioStep } from '../../src/simulator/index.js';
import { closureReasonCodes, earlyHelpEpisodeSchema, earlyHelpFields, socialCareEpisodeExample, socialCareEpisodeSchema } from './published-schemas.js';

interface ClosedCase {
  readonly view: CaseView;
  readonly history: AuditEntry[];
}

/** Runs a built-in scenario, changed as `change` says, and reads the case back from the engine. */
async function run(name: string, change: (scenario: Scenario) => Scenario = (s) => s): Promise<ClosedCase> {
  const { scenario } = await resolveScenario(name);
  const store = memoryStore();
  const result = await simulate(change(scenario), { store });
  const engine = createCaseEngine({ store });
  const caseId = result.scenario.caseId;
  return { view: await engine.get(caseId), history: await engine.history(caseId) };
}

/** The scenario's steps up to (not including) the first step with the event, then `more`. */
function until(event: string, ...more: ScenarioStep[]) {
  return (scenario: Scenario): Scenario => {
    const at = scenario.steps.findIndex((s) => 'event' in s && s.event === event);
    const { expect: _ignored, ...rest } = scenario;
    return { ...rest, steps: [...scenario.steps.slice(0, at), ...more] };
  };
}

const episode = { socialCareEpisodeId: 'REF-1234' };
const ehIds = { episodeId: 'EH-77', personId: 'child-1' };

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isStepDownError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a StepDownError');
}

describe('the published schemas the returns are held to', () => {
  it('are read from the fixtures: the API episode’s members, the nine CIN closure codes, the six early help fields', () => {
    expect(Object.keys(socialCareEpisodeExample())).toEqual(expect.arrayContaining(['social_care_episode_id', 'closure_date', 'closure_reason']));
    expect(closureReasonCodes()).toEqual(['RC1', 'RC2', 'RC3', 'RC4', 'RC5', 'RC6', 'RC7', 'RC8', 'RC9']);
    expect(earlyHelpFields()).toEqual([
      { name: 'earl_episode_id', type: 'nvarchar', required: true, maxLength: 48 },
      { name: 'earl_person_id', type: 'nvarchar', required: true, maxLength: 48 },
      { name: 'earl_episode_start_date', type: 'datetime', required: false, maxLength: null },
      { name: 'earl_episode_end_date', type: 'datetime', required: false, maxLength: null },
      { name: 'earl_episode_reason', type: 'nvarchar', required: false, maxLength: null },
      { name: 'earl_episode_end_reason', type: 'nvarchar', required: false, maxLength: null },
    ]);
  });

  it('refuse what the published sources refuse, so a passing export means something', () => {
    const api = socialCareEpisodeSchema();
    const good = { social_care_episode_id: 'REF-1234', closure_date: '2024-09-19', closure_reason: 'RC7' };
    expect(api.safeParse(good).success).toBe(true);
    expect(api.safeParse({ ...good, closure_reason: 'RC10' }).success).toBe(false);
    expect(api.safeParse({ ...good, closure_date: '19/09/2024' }).success).toBe(false);
    expect(api.safeParse({ ...good, social_care_episode_id: 'x'.repeat(37) }).success).toBe(false);
    expect(api.safeParse({ ...good, social_care_episode_id: 'REF 1234' }).success).toBe(false);
    expect(api.safeParse({ ...good, closure_outcome: 'met' }).success).toBe(false);
    const ssd = earlyHelpEpisodeSchema();
    const row = { earl_episode_id: 'EH-77', earl_person_id: 'child-1', earl_episode_start_date: '2024-09-19T10:00:00', earl_episode_end_date: null, earl_episode_reason: 'x', earl_episode_end_reason: null };
    expect(ssd.safeParse(row).success).toBe(true);
    expect(ssd.safeParse({ ...row, earl_episode_id: 'E'.repeat(49) }).success).toBe(false);
    expect(ssd.safeParse({ ...row, earl_person_id: null }).success).toBe(false);
    expect(ssd.safeParse({ ...row, earl_episode_start_date: '2024-09-19' }).success).toBe(false);
    expect(ssd.safeParse({ ...row, earl_episode_organisation: 'x' }).success).toBe(false);
  });
});

describe('the closure of the CSC episode, for the DfE children’s social care data API', () => {
  it.each(['straightforward', 'step-up', 'consent-withdrawn', 'transfer-out', 'planned-universal-services'])(
    'a CIN step down closed to CSC on the day of the Referral Closure – Final, services ceased (RC7), whatever happened under the CAF after: %s',
    async (name) => {
      const { view, history } = await run(name);
      const closure = socialCareEpisodeClosure(view, history, episode);
      const closedAt = history.find((e) => e.type === 'csc.closed' && e.accepted)!.at!;
      expect(closure).toEqual({ social_care_episode_id: 'REF-1234', closure_date: closedAt.slice(0, 10), closure_reason: 'RC7' });
      expect(socialCareEpisodeSchema().parse(closure)).toEqual(closure);
    },
  );

  it('a step down at the 10-day checkpoint closed after assessment: to early help RC9, to universal services with no further action RC8', async () => {
    const toCaf = await run('straightforward', (s) => ({ ...s, route: 'ten-day-checkpoint' }));
    expect(toCaf.view.route).toBe('ten-day-checkpoint');
    expect(socialCareEpisodeClosure(toCaf.view, toCaf.history, episode)).toEqual({ social_care_episode_id: 'REF-1234', closure_date: '2024-09-19', closure_reason: 'RC9' });
    const ladder = await run('lead-professional-ladder');
    expect(ladder.view).toMatchObject({ route: 'ten-day-checkpoint', destination: 'universal-services', outcome: 'universal-services' });
    const closure = socialCareEpisodeClosure(ladder.view, ladder.history, episode);
    expect(closure.closure_reason).toBe('RC8');
    expect(socialCareEpisodeSchema().parse(closure)).toEqual(closure);
  });

  it('a family that moved away while the case was still with CSC: transferred to another authority (RC5) on the day of the transfer', async () => {
    const moved = await run(
      'straightforward',
      until('csc.closed', { at: '2024-09-23', as: 'social-worker', event: 'case.transferredOut', payload: { toAuthority: 'Northshire County Council (fictional)' } }),
    );
    expect(moved.view.outcome).toBe('transferred-out');
    const closure = socialCareEpisodeClosure(moved.view, moved.history, episode);
    expect(closure).toEqual({ social_care_episode_id: 'REF-1234', closure_date: '2024-09-23', closure_reason: 'RC5' });
    expect(socialCareEpisodeSchema().parse(closure)).toEqual(closure);
  });

  it('has nothing to report while the episode is open or when the step down was withdrawn (NOT_REPORTABLE, ids only)', async () => {
    const open = await run('straightforward', until('csc.closed'));
    expect(refusal(() => socialCareEpisodeClosure(open.view, open.history, episode))).toEqual({
      code: 'NOT_REPORTABLE',
      message: "Case sim-straightforward has not closed to Children's Social Care (still open, at closure): its CSC episode has no closure to report.",
    });
    const withdrawn = await run('partner-disagrees-withdrawn');
    expect(withdrawn.view.outcome).toBe('remains-with-csc');
    expect(refusal(() => socialCareEpisodeClosure(withdrawn.view, withdrawn.history, episode)).code).toBe('NOT_REPORTABLE');
  });

  it('refuses an episode id the API would refuse, without repeating it', async () => {
    const { view, history } = await run('straightforward');
    for (const id of ['Sarah Smith', 'R'.repeat(37), '', 'REF.1']) {
      const { code, message } = refusal(() => socialCareEpisodeClosure(view, history, { socialCareEpisodeId: id }));
      expect(code).toBe('INVALID_ARGUMENT');
      expect(message).toBe('socialCareEpisodeId is not an id the return accepts: at most 36 letters, digits, _ or -.');
    }
  });

  it('asks for the case’s own history: a trail that never reached the outcome is refused', async () => {
    const { view, history } = await run('straightforward');
    const cut = history.filter((e) => e.type !== 'caf.closed');
    expect(refusal(() => socialCareEpisodeClosure(view, cut, episode)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('the early help episode, as the Standard Safeguarding Dataset records it', () => {
  it('runs from the CSC closure (the CAF starts that day) to the outcome, with the reason it began and how it ended', async () => {
    const { view, history } = await run('straightforward');
    const row = earlyHelpEpisode(view, history, ehIds);
    expect(row).toEqual({
      earl_episode_id: 'EH-77',
      earl_person_id: 'child-1',
      earl_episode_start_date: '2024-09-19T10:00:00',
      earl_episode_end_date: '2025-01-10T10:00:00',
      earl_episode_reason: 'Step down from CSC: CIN outcome',
      earl_episode_end_reason: 'Outcomes met',
    });
    expect(earlyHelpEpisodeSchema().parse(row)).toEqual(row);
  });

  it.each([
    ['step-up', 'Step-up'],
    ['consent-withdrawn', 'Consent withdrawn'],
    ['transfer-out', 'Transferred to another local authority'],
  ])('ends as the case ended under the CAF: %s, "%s", on the day it did', async (name, reason) => {
    const { view, history } = await run(name);
    const row = earlyHelpEpisode(view, history, ehIds);
    const endedAt = history.filter((e) => e.accepted && e.stateAfter?.includes(view.outcome!)).at(-1)!.at!;
    expect(row.earl_episode_end_reason).toBe(reason);
    expect(row.earl_episode_end_date).toBe(`${endedAt.slice(0, 10)}T${endedAt.slice(11, 19)}`);
    expect(earlyHelpEpisodeSchema().parse(row)).toEqual(row);
  });

  it('is still open, with no end, while the CAF runs', async () => {
    const open = await run('straightforward', until('familyPlanMeeting.held'));
    const row = earlyHelpEpisode(open.view, open.history, ehIds);
    expect(row).toMatchObject({ earl_episode_start_date: '2024-09-19T10:00:00', earl_episode_end_date: null, earl_episode_end_reason: null });
    expect(earlyHelpEpisodeSchema().parse(row)).toEqual(row);
  });

  it('gives London wall-clock time in winter and summer alike', async () => {
    const { view, history } = await run('straightforward', (s) => ({
      ...s,
      steps: s.steps.map((step) => ('event' in step && step.event === 'caf.closed' ? { ...step, at: '2025-01-10T16:30:00Z' } : step)),
    }));
    expect(earlyHelpEpisode(view, history, ehIds).earl_episode_end_date).toBe('2025-01-10T16:30:00');
    // 10:00 on 19 September is British Summer Time: the wall clock, not UTC.
    expect(earlyHelpEpisode(view, history, ehIds).earl_episode_start_date).toBe('2024-09-19T10:00:00');
  });

  it.each(['planned-universal-services', 'lead-professional-ladder', 'partner-disagrees-withdrawn'])(
    'does not exist for a case that never stepped down to a CAF (NOT_REPORTABLE): %s',
    async (name) => {
      const { view, history } = await run(name);
      expect(refusal(() => earlyHelpEpisode(view, history, ehIds)).code).toBe('NOT_REPORTABLE');
    },
  );

  it('does not exist yet for a case still with CSC, and says so by id', async () => {
    const open = await run('straightforward', until('csc.closed'));
    expect(refusal(() => earlyHelpEpisode(open.view, open.history, ehIds)).message).toBe(
      'Case sim-straightforward never stepped down to a CAF (still open, at closure): it has no early help episode.',
    );
  });

  it('refuses ids the dataset cannot hold, without repeating them', async () => {
    const { view, history } = await run('straightforward');
    for (const ids of [{ ...ehIds, episodeId: 'E'.repeat(49) }, { ...ehIds, personId: 'Sarah Smith' }]) {
      const { code, message } = refusal(() => earlyHelpEpisode(view, history, ids));
      expect(code).toBe('INVALID_ARGUMENT');
      expect(message).not.toMatch(/Sarah|EEEE/);
    }
  });
});
