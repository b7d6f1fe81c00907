import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { EngineLogFields, EngineLogger } from '../../src/index.js';

/** One line a recording logger was given. */
export interface LogLine {
  readonly level: keyof EngineLogger;
  readonly fields: EngineLogFields;
  readonly message: string;
}

/** A pino-shaped logger that keeps every line. */
export function recordingLogger(): { logger: EngineLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: keyof EngineLogger) => (fields: EngineLogFields, message: string) => void lines.push({ level, fields, message });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/**
 * Registers an OpenTelemetry SDK for the test file, as a host would: a tracer provider exporting to
 * memory, and the async-hooks context manager so spans nest. Call `uninstall` after the file's tests.
 */
export function installTracing(): { exporter: InMemorySpanExporter; uninstall: () => void } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const manager = new AsyncLocalStorageContextManager().enable();
  // Another file in the same worker may have registered one: the API keeps the first unless disabled.
  trace.disable();
  context.disable();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(manager);
  return {
    exporter,
    uninstall: () => {
      trace.disable();
      context.disable();
      manager.disable();
    },
  };
}

/** Everything a span carries outward, as text: name, attributes, events, links and status. */
export function spanText(span: ReadableSpan): string {
  return JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, links: span.links, status: span.status });
}
