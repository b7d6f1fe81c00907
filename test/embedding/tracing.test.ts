import { trace, context } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { observedEngine, startTracing } from '../../examples/embedding/tracing.js';
import { sampleEvent } from '../events/samples.js';

// The guide's tracing and logging set-up, as a host's process would run it.
describe('examples/embedding/tracing.ts', () => {
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('spans reach the exporter after shutdown flushes them; the logger gets JSON lines of ids and codes', async () => {
    trace.disable();
    context.disable();
    // An exporter that keeps what it is given (the in-memory one forgets its spans at shutdown).
    const exported: ReadableSpan[] = [];
    const exporter: SpanExporter = {
      export: (spans, done) => {
        exported.push(...spans);
        done({ code: 0 });
      },
      shutdown: async () => {},
    };
    const shutdown = startTracing(exporter);
    const lines: string[] = [];
    const engine = observedEngine(memoryStore(), (line) => lines.push(line));
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
    await engine.send('C-1', sampleEvent('csc.closed', '2024-05-01T11:00:00+01:00')).catch(() => undefined);
    await shutdown();
    expect(exported.map((s) => [s.name, s.attributes['error.type']])).toEqual([
      ['caf_step_down.open', undefined],
      ['caf_step_down.send', 'EVENT_NOT_ACCEPTED'],
    ]);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { level: 'info', message: 'The engine refused a call.', operation: 'send', caseId: 'C-1', eventType: 'csc.closed', code: 'EVENT_NOT_ACCEPTED', rules: ['threshold-decision'] },
    ]);
  });
});
