import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { StepDownError, createCaseEngine, telemetryAttributes as a, type CaseEngine, type CaseStore, type Emitter } from '../../src/index.js';
import { sampleEvent, sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { installTracing, recordingLogger } from './observed.js';

const tracing = installTracing();
afterAll(() => tracing.uninstall());
beforeEach(() => tracing.exporter.reset());

const opened = '2024-05-01T10:00:00+01:00';
const decided = '2024-05-01T11:00:00+01:00';
const tm = { id: samplePeople.teamManager.id, role: 'team-manager' as const };
const spans = (name: string) => tracing.exporter.getFinishedSpans().filter((s) => s.name === `caf_step_down.${name}`);

/** A case with a disagreement raised on 2 May 2024: its resolution deadline is long past at the tick. */
async function disagreed(engine: CaseEngine, caseId: string): Promise<void> {
  await engine.open({ caseId, route: 'cin-outcome', at: opened, actor: tm });
  await engine.send(caseId, sampleEvent('decision.agreed', decided));
  for (const added of sampleFamilyAdded('2024-05-01T11:30:00+01:00')) await engine.send(caseId, added);
  await engine.send(caseId, sampleEvent('disagreement.raised', '2024-05-02T11:00:00+01:00'));
}

function setup(store: CaseStore = memoryStore(), emitters: Emitter[] = []) {
  const { logger, lines } = recordingLogger();
  const engine = createCaseEngine({ store, logger, emitters, now: () => new Date('2024-07-01T09:00:00Z') });
  return { engine, lines };
}

describe('spans', () => {
  it('open and send: a span each, with the case id, event type, event id and version written', async () => {
    const { engine } = setup();
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: opened, actor: tm });
    await engine.send('C-1', { ...sampleEvent('decision.agreed', decided), eventId: 'host-1' });
    const [open] = spans('open');
    expect(open?.attributes).toEqual({ [a.caseId]: 'C-1', [a.eventType]: 'case.opened', [a.caseVersion]: 1 });
    const [send] = spans('send');
    expect(send?.attributes).toEqual({ [a.caseId]: 'C-1', [a.eventType]: 'decision.agreed', [a.eventId]: 'host-1', [a.caseVersion]: 2 });
    expect(send?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a refusal: the span has the code (error.type and status) and the unmet rule ids, and no exception event', async () => {
    const { engine } = setup();
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: opened, actor: tm });
    await engine.send('C-1', sampleEvent('decision.agreed', decided));
    // The CAF cannot close before the final meeting: csc-closure's gate names its rules.
    const error = await engine.send('C-1', sampleEvent('finalMeeting.held', '2024-05-02T10:00:00+01:00')).catch((e: unknown) => e);
    expect((error as StepDownError).code).toBe('GATE_BLOCKED');
    const refused = spans('send').at(-1)!;
    expect(refused.status).toEqual({ code: SpanStatusCode.ERROR, message: 'GATE_BLOCKED' });
    expect(refused.attributes[a.errorType]).toBe('GATE_BLOCKED');
    expect(refused.attributes[a.ruleIds]).toEqual(((error as StepDownError).details?.['rules'] as { rule: string }[]).map((r) => r.rule));
    expect(refused.attributes[a.ruleIds]).toContain('views-recorded');
    expect(refused.events).toEqual([]);
  });

  it('a case id that is not id-shaped is left out of the span; an unknown event type is (unknown)', async () => {
    const { engine } = setup();
    await engine.send('Sarah Taylor', { type: 'consent.givn' } as never).catch(() => undefined);
    await engine.open({ caseId: 'C-2', route: 'cin-outcome', at: opened, actor: tm });
    await engine.send('C-2', { type: 'consent.givn' } as never).catch(() => undefined);
    const [named, unknown] = spans('send');
    expect(named?.attributes).toEqual({ [a.eventType]: '(unknown)', [a.errorType]: 'INVALID_INPUT' });
    expect(unknown?.attributes).toEqual({ [a.caseId]: 'C-2', [a.eventType]: '(unknown)', [a.errorType]: 'INVALID_EVENT' });
  });

  it('tick: a span with the cases ticked, breaches recorded and failures', async () => {
    const { engine } = setup();
    await disagreed(engine, 'C-1');
    const result = await engine.tick('2024-06-28T12:00:00+01:00');
    expect(result.breaches).toBe(1);
    const [tick] = spans('tick');
    expect(tick?.attributes).toEqual({ [a.eventType]: 'clock.tick', [a.tickCases]: 1, [a.tickBreaches]: result.breaches, [a.tickFailed]: 0 });
  });

  it('the store calls an instrumented driver makes inside send are children of its span', async () => {
    const { trace } = await import('@opentelemetry/api');
    const base = memoryStore();
    const store: CaseStore = {
      ...base,
      load: (caseId) => trace.getTracer('driver').startActiveSpan('db.load', async (span) => {
        try {
          return await base.load(caseId);
        } finally {
          span.end();
        }
      }),
    };
    const { engine } = setup(store);
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: opened, actor: tm });
    await engine.send('C-1', sampleEvent('decision.agreed', decided));
    const [send] = spans('send');
    const loads = tracing.exporter.getFinishedSpans().filter((s) => s.name === 'db.load');
    expect(loads.some((l) => l.parentSpanContext?.spanId === send?.spanContext().spanId)).toBe(true);
  });

  it('delivery: engine.deliver() and the relay each make a span with the counts, and an empty relay pass none', async () => {
    const { engine } = setup();
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: opened, actor: tm });
    const first = await engine.deliver();
    expect(first.delivered).toBeGreaterThan(0);
    expect(spans('deliver').at(-1)?.attributes).toEqual({ [a.deliveryDelivered]: first.delivered, [a.deliveryFailed]: 0, [a.deliveryBuried]: 0 });

    tracing.exporter.reset();
    const heard: string[] = [];
    engine.on('*', (n) => void heard.push(n.type));
    engine.startDelivery({ pollMs: 20 });
    await engine.send('C-1', sampleEvent('decision.agreed', decided));
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a few empty polls
    await engine.stop();
    const relayed = spans('deliver');
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.attributes[a.deliveryDelivered]).toBe(heard.length);
  });
});

describe('logger', () => {
  it('logs a refusal by code and rules (info), an accepted write (debug), and nothing else for a clean run', async () => {
    const { engine, lines } = setup();
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: opened, actor: tm });
    await engine.send('C-1', sampleEvent('decision.agreed', decided));
    await engine.send('C-1', sampleEvent('finalMeeting.held', '2024-05-02T10:00:00+01:00')).catch(() => undefined);
    expect(lines.map((l) => l.level)).toEqual(['debug', 'debug', 'info']);
    expect(lines[1]).toMatchObject({ fields: { operation: 'send', caseId: 'C-1', eventType: 'decision.agreed', version: 2 } });
    expect(lines[2]!.fields).toMatchObject({ operation: 'send', caseId: 'C-1', eventType: 'finalMeeting.held', code: 'GATE_BLOCKED' });
    expect(lines[2]!.fields.rules).toContain('views-recorded');
  });

  it('a store failure is logged as an error with its operation and code, on any method', async () => {
    const base = memoryStore();
    let down = false;
    const store: CaseStore = { ...base, load: (id) => (down ? Promise.reject(new Error('connection refused to db-host')) : base.load(id)) };
    const { engine, lines } = setup(store);
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: opened, actor: tm });
    down = true;
    await expect(engine.get('C-1')).rejects.toMatchObject({ code: 'STORE_FAILURE' });
    await expect(engine.send('C-1', sampleEvent('decision.agreed', decided))).rejects.toMatchObject({ code: 'STORE_FAILURE' });
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.fields)).toEqual([
      { operation: 'get', code: 'STORE_FAILURE' },
      { operation: 'send', caseId: 'C-1', eventType: 'decision.agreed', code: 'STORE_FAILURE' },
    ]);
    // The driver's own text never reaches the log.
    expect(JSON.stringify(lines)).not.toContain('db-host');
  });

  it('a tick’s failed cases are logged by id and code', async () => {
    const base = memoryStore();
    let broken = false;
    const store: CaseStore = { ...base, load: (id) => (broken && id === 'C-2' ? Promise.reject(new Error('boom')) : base.load(id)) };
    const { engine, lines } = setup(store);
    for (const caseId of ['C-1', 'C-2']) await disagreed(engine, caseId);
    broken = true;
    const result = await engine.tick('2024-06-28T12:00:00+01:00');
    expect(result.failed).toEqual([{ caseId: 'C-2', code: 'STORE_FAILURE' }]);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.fields)).toEqual([{ operation: 'tick', caseId: 'C-2', code: 'STORE_FAILURE' }]);
  });

  it('dead letters and relay faults are warnings; the host’s own onError and onPass still hear them', async () => {
    const refusing: Emitter = {
      name: 'webhook',
      deliver: () => Promise.reject(new StepDownError('DELIVERY_FAILED', 'HTTP 410', { permanent: true, status: 410 })),
    };
    const base = memoryStore();
    let claimFails = false;
    const store: CaseStore = { ...base, claimOutbox: (...args) => (claimFails ? Promise.reject(new Error('down')) : base.claimOutbox(...args)) };
    const { logger, lines } = recordingLogger();
    const engine = createCaseEngine({ store, logger, emitters: [refusing], delivery: { maxAttempts: 1 }, now: () => new Date('2024-07-01T09:00:00Z') });
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: opened, actor: tm });
    const passes: number[] = [];
    const errors: string[] = [];
    engine.startDelivery({ pollMs: 20, onPass: (r) => void passes.push(r.buried), onError: (e) => void errors.push(e.code) });
    await expect.poll(() => passes.some((b) => b > 0)).toBe(true);
    claimFails = true;
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    await engine.stop();
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings.map((l) => l.fields)).toContainEqual({ operation: 'deliver', buried: passes.find((b) => b > 0) });
    expect(warnings.map((l) => l.fields)).toContainEqual({ operation: 'relay', code: 'STORE_FAILURE' });
    expect(errors[0]).toBe('STORE_FAILURE');
    expect(await engine.deadLetters()).toHaveLength(passes.find((b) => b > 0)!);
  });

  it('a logger that throws never fails a call', async () => {
    const boom = () => {
      throw new Error('logger down');
    };
    const engine = createCaseEngine({ logger: { debug: boom, info: boom, warn: boom, error: boom }, now: () => new Date('2024-07-01T09:00:00Z') });
    await expect(engine.open({ caseId: 'C-1', route: 'cin-outcome', at: opened, actor: tm })).resolves.toMatchObject({ version: 1 });
  });
});
