// Spans and logs. The engine uses @opentelemetry/api only: nothing is recorded until your process
// registers an SDK. Here, the SDK's basic provider with a batch processor and the async-hooks context
// manager (so a database driver's spans nest under the engine's); with @opentelemetry/sdk-node, its
// NodeSDK and an OTLP exporter do the same.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createCaseEngine, type CaseEngine, type CaseStore, type EngineLogger } from '../../src/index.js';

/** Registers the SDK for the process; returns the shutdown that flushes the last spans. */
export function startTracing(exporter: SpanExporter): () => Promise<void> {
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return () => provider.shutdown();
}

/**
 * The engine with a logger. Any pino logger fits (`logger: pino()`); this one writes JSON lines.
 * The fields are ids, event types, rule ids and codes; the messages are fixed sentences.
 */
export function observedEngine(store: CaseStore, write: (line: string) => void): CaseEngine {
  const at = (level: string) => (fields: object, message: string) => write(JSON.stringify({ level, message, ...fields }));
  const logger: EngineLogger = { debug: () => {}, info: at('info'), warn: at('warn'), error: at('error') };
  return createCaseEngine({ store, logger });
}
