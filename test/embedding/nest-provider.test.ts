import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { StepDownService } from '../../examples/embedding/nest-provider.js';
import { sampleEvent, sampleFamilyAdded } from '../events/samples.js';
import { recordingLogger } from '../engine/observed.js';

// The guide's NestJS-style provider, driven through the lifecycle Nest would call.
describe('examples/embedding/nest-provider.ts', () => {
  it('records events, alerts the Team Manager of a breach the tick finds (through the relay), and stops cleanly', async () => {
    const store = memoryStore();
    let closed = false;
    const alerts: [string, string][] = [];
    const { logger, lines } = recordingLogger();
    const service = new StepDownService({
      store: { ...store, close: async () => void (closed = true) },
      logger,
      alertTeamManager: async (caseId, rule) => void alerts.push([caseId, rule]),
    });
    service.onModuleInit();
    await service.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
    await service.record('C-1', sampleEvent('decision.agreed', '2024-05-01T11:00:00+01:00'));
    for (const added of sampleFamilyAdded('2024-05-01T11:30:00+01:00')) await service.record('C-1', added);
    await service.record('C-1', sampleEvent('disagreement.raised', '2024-05-02T11:00:00+01:00'));
    await service.tick(new Date('2024-06-03T09:00:00+01:00'));
    await expect.poll(() => alerts).toEqual([['C-1', 'disagreement-resolution']]);
    expect((await service.get('C-1')).breaches.map((b) => b.rule)).toEqual(['disagreement-resolution']);
    // A tick the engine refuses is logged by its code, never thrown into the scheduler.
    await service.tick(new Date('2099-01-01T00:00:00Z'));
    expect(lines.filter((l) => l.level === 'error').map((l) => l.fields)).toContainEqual({ code: 'FUTURE_DATED' });
    await service.onModuleDestroy();
    expect(closed).toBe(true);
  });
});
