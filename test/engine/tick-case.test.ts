/**
 * `engine.tickCase` (issue 12, ticks on a job queue): one case ticked at a given instant, as a job
 * scheduled at that case's due instant runs it. Rule under test: disagreement-resolution (G
 * "Decision made to step down from CSC to CAF" ¶3–4), resolved within 5 working days.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { createCaseEngine, isStepDownError, StepDownError, type CaseEngine, type CaseStore } from '../../src/index.js';
import { samplePeople, samplePersonAdded } from '../events/samples.js';
import { event } from '../machine/harness.js';

/** Raised Wednesday 6 March 2024: five working days run to the end of Wednesday 13 March. */
const due = '2024-03-13T23:59:59.999+00:00';
const justAfter = '2024-03-14T00:00:00.000Z';

async function caseWithDisagreement(engine: CaseEngine, caseId = 'C-1'): Promise<void> {
  await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: { id: samplePeople.teamManager.id, role: 'team-manager' } });
  await engine.send(caseId, event('decision.agreed', '2024-03-05T10:00:00Z'));
  await engine.send(caseId, samplePersonAdded(samplePeople.partner, '2024-03-05T11:00:00Z'));
  await engine.send(caseId, event('disagreement.raised', '2024-03-06T10:00:00Z', { personId: samplePeople.partner, disagreementId: 'D-1' }));
}

const caught = async (work: Promise<unknown>): Promise<StepDownError> => {
  try {
    await work;
  } catch (error) {
    if (isStepDownError(error)) return error;
    throw error;
  }
  throw new Error('expected a StepDownError');
};

describe('engine.tickCase', () => {
  it('records nothing at the due instant itself, and the breach once from the next millisecond (disagreement-resolution)', async () => {
    const engine = createCaseEngine();
    await caseWithDisagreement(engine);
    expect((await engine.get('C-1')).deadlines.map((d) => d.due)).toEqual([due]);

    expect(await engine.tickCase('C-1', { at: due })).toEqual({ ticked: false, breaches: 0 });
    expect(await engine.tickCase('C-1', { at: justAfter })).toEqual({ ticked: true, breaches: 1 });
    // Ticked again (another worker's job, a retry): nothing is due any more, nothing is written.
    expect(await engine.tickCase('C-1', { at: justAfter })).toEqual({ ticked: false, breaches: 0 });

    const ticks = (await engine.history('C-1')).filter((e) => e.type === 'clock.tick');
    expect(ticks.map((e) => [e.at, e.rules.breached])).toEqual([[justAfter, ['disagreement-resolution']]]);
    expect((await engine.get('C-1')).breaches).toMatchObject([{ rule: 'disagreement-resolution', deadlineId: 'disagreement-resolution:D-1', detectedAt: justAfter }]);
  });

  it('refuses a bad case id, an unknown case, a bad date and a date after the clock', async () => {
    const engine = createCaseEngine({ now: () => new Date('2024-03-14T12:00:00Z') });
    await caseWithDisagreement(engine);
    expect((await caught(engine.tickCase('Leo Smith', { at: justAfter }))).code).toBe('INVALID_INPUT');
    expect((await caught(engine.tickCase('C-404', { at: justAfter }))).code).toBe('UNKNOWN_CASE');
    expect((await caught(engine.tickCase('C-1', { at: '14 March 2024' }))).code).toBe('INVALID_EVENT');
    expect((await caught(engine.tickCase('C-1', { at: '2024-03-15T00:00:00Z' }))).code).toBe('FUTURE_DATED');
    expect((await engine.history('C-1')).filter((e) => e.type === 'clock.tick')).toEqual([]);
  });

  it('is VERSION_CONFLICT when every try loses a race and the case is still due, so a queue retries it', async () => {
    const inner = memoryStore();
    let racing = false;
    const store: CaseStore = {
      ...inner,
      save: (...args) => (racing ? Promise.reject(new StepDownError('VERSION_CONFLICT', 'another process saved first')) : inner.save(...args)),
    };
    const engine = createCaseEngine({ store });
    await caseWithDisagreement(engine);
    racing = true;
    expect((await caught(engine.tickCase('C-1', { at: justAfter }))).code).toBe('VERSION_CONFLICT');
    racing = false;
    expect(await engine.tickCase('C-1', { at: justAfter })).toEqual({ ticked: true, breaches: 1 });
  });

  it('reads the case once for a due case and once for one not due: the record that checks the id is the one ticked', async () => {
    const inner = memoryStore();
    let loads = 0;
    const store: CaseStore = { ...inner, load: async (caseId) => ((loads += 1), inner.load(caseId)) };
    const engine = createCaseEngine({ store, now: () => new Date('2024-03-20T12:00:00Z') });
    await caseWithDisagreement(engine);
    loads = 0;
    expect(await engine.tickCase('C-1', { at: due })).toEqual({ ticked: false, breaches: 0 });
    expect(loads).toBe(1);
    loads = 0;
    expect(await engine.tickCase('C-1', { at: justAfter })).toEqual({ ticked: true, breaches: 1 });
    expect(loads).toBe(1);
    // Ticked: nothing more is due, and a second job for the same instant reads it once and writes nothing.
    loads = 0;
    expect(await engine.tickCase('C-1', { at: justAfter })).toEqual({ ticked: false, breaches: 0 });
    expect(loads).toBe(1);
  });
});
