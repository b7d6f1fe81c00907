import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { createCaseEngine, definePolicy } from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { sampleEvent, sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { call, hmacToken, listen, testSecret } from './harness.js';

const { teamManager: tm, socialWorker: sw } = samplePeople;
const running: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

// The guidance (5 working days to resolve a disagreement, G "Decision made to step down from CSC to CAF" ¶3–4) and a revision with 3.
const revised = definePolicy({ version: '2025-04', effectiveFrom: '2025-04-01', timescales: { disagreementResolutionWorkingDays: 3 } });

describe('POST /cases/{caseId}/policy-preview', { timeout: 30_000 }, () => {
  it('answers what a policy.adopted would change, writes nothing, and refuses an adoption the engine would refuse', async () => {
    const engine = createCaseEngine({ store: memoryStore(), policies: [definePolicy(), revised], now: () => new Date('2025-04-02T12:00:00+01:00') });
    const server = createServer(engine, { auth: { secret: testSecret } });
    running.push(server);
    const base = await listen(server);
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2025-03-31T09:00:00+01:00', actor: tm });
    for (const added of sampleFamilyAdded('2025-03-31T09:10:00+01:00')) await engine.send('C-1', added);
    await engine.send('C-1', sampleEvent('decision.agreed', '2025-03-31T09:30:00+01:00'));
    await engine.send('C-1', sampleEvent('disagreement.raised', '2025-03-31T10:00:00+01:00'));
    const before = await engine.history('C-1');

    const token = await hmacToken(tm);
    const preview = await call(base, 'POST', '/cases/C-1/policy-preview', { token, body: { policyVersion: '2025-04', at: '2025-04-02T10:00:00+01:00' } });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    // Monday 31 March: 5 working days end Monday 7 April; 3 end Thursday 3 April.
    expect(preview.body).toMatchObject({
      caseId: 'C-1',
      from: { version: '2024-08' },
      to: { version: '2025-04' },
      deadlines: [{ deadlineId: 'disagreement-resolution:D-2', before: { due: '2025-04-07T23:59:59.999+01:00' }, after: { due: '2025-04-03T23:59:59.999+01:00' } }],
    });
    expect(await engine.history('C-1')).toEqual(before);

    const unknown = await call(base, 'POST', '/cases/C-1/policy-preview', { token, body: { policyVersion: '2026-01' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_POLICY_VERSION' });
    const bad = await call(base, 'POST', '/cases/C-1/policy-preview', { token: await hmacToken(sw), body: { policyVersion: '2025-04', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await engine.history('C-1')).toEqual(before);
  });
});
