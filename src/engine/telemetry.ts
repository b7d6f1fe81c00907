import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { isStepDownError } from '../errors.js';
import { isEventType } from '../events/registry.js';
import { idPattern } from '../ids/id.js';
import type { DeliveryResult } from './delivery.js';

/**
 * The names of every attribute the engine puts on a span, in one place: ids, event types, rule ids,
 * codes and counts, never a field a person wrote. Named in the OpenTelemetry semantic conventions'
 * style (a namespace, dot-separated, snake_case), with the conventions' own `error.type` for a
 * failure's code.
 *
 * @example
 * ```ts
 * // In a host's test, with an in-memory exporter:
 * const span = exporter.getFinishedSpans().find((s) => s.name === 'caf_step_down.send');
 * span?.attributes[telemetryAttributes.caseId]; // => 'C-1'
 * ```
 */
export const telemetryAttributes = {
  /** The case id (only when id-shaped: a name typed in the wrong place is left out). */
  caseId: 'caf_step_down.case.id',
  /** The family id of `sendToFamily`. */
  familyId: 'caf_step_down.family.id',
  /** The event's type, one of the vocabulary (`(unknown)` for anything else). */
  eventType: 'caf_step_down.event.type',
  /** The event's id, when the host gave an id-shaped one. */
  eventId: 'caf_step_down.event.id',
  /** The case's version after the call. */
  caseVersion: 'caf_step_down.case.version',
  /** The rule ids a refusal names (a gate's unmet rules). */
  ruleIds: 'caf_step_down.rule.ids',
  /** The refusal's or fault's `StepDownError` code (the semantic conventions' own attribute). */
  errorType: 'error.type',
  /** Cases a tick ticked, breaches it recorded, cases it could not tick. */
  tickCases: 'caf_step_down.tick.cases',
  tickBreaches: 'caf_step_down.tick.breaches',
  tickFailed: 'caf_step_down.tick.failed',
  /** What a delivery pass did: messages delivered, failed (retried later) and moved to the dead letters. */
  deliveryDelivered: 'caf_step_down.delivery.delivered',
  deliveryFailed: 'caf_step_down.delivery.failed',
  deliveryBuried: 'caf_step_down.delivery.buried',
} as const;

/** The tracer's name: the package's, as the conventions ask of an instrumentation library. */
const tracerName = 'caf-step-down';

// Asked for at each call rather than kept: a host may register its SDK after creating the engine
// (the API's proxy handles that) or, in tests, swap it.
const tracer = () => trace.getTracer(tracerName);

/** The value when it is id-shaped, else undefined: an attribute never carries what might be a name. */
export function idOrNothing(value: unknown): string | undefined {
  return typeof value === 'string' && idPattern.test(value) ? value : undefined;
}

/** The event type when it is one of the vocabulary; anything else a host typed is `(unknown)`. */
export function eventTypeOf(input: unknown): string {
  const type = (input as { type?: unknown } | null)?.type;
  return typeof type === 'string' && isEventType(type) ? type : '(unknown)';
}

/** The code of a failure: a `StepDownError`'s, or `INTERNAL` for anything else (never its message). */
export function codeOf(error: unknown): string {
  return isStepDownError(error) ? error.code : 'INTERNAL';
}

/** The rule ids a refusal names in `details.rules`, if any. */
export function rulesOf(error: unknown): string[] {
  const rules = isStepDownError(error) ? error.details?.['rules'] : undefined;
  if (!Array.isArray(rules)) return [];
  return rules.map((r: unknown) => (r as { rule?: unknown } | null)?.rule).filter((r): r is string => typeof r === 'string' && idPattern.test(r));
}

/** Attributes without the undefined ones. */
function defined(attributes: Record<string, string | number | string[] | undefined>): Attributes {
  // A loop, not entries → filter → fromEntries: every send makes two of these even with no tracer.
  const kept: Attributes = {};
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value !== undefined) kept[key] = value;
  }
  return kept;
}

/**
 * Runs `work` in an active span named `caf_step_down.<operation>`, so spans the host's
 * instrumentation makes inside it (a database driver's) are its children. A failure is recorded by
 * its code only (`error.type`, and the status's description): never `recordException`, whose message
 * and stack could carry what a host sent.
 */
export function inSpan<T>(
  operation: string,
  attributes: Record<string, string | number | string[] | undefined>,
  work: () => Promise<T>,
  after: (result: T) => Record<string, string | number | string[] | undefined> = () => ({}),
): Promise<T> {
  return tracer().startActiveSpan(`caf_step_down.${operation}`, { kind: SpanKind.INTERNAL, attributes: defined(attributes) }, async (span) => {
    try {
      const result = await work();
      span.setAttributes(defined(after(result)));
      return result;
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, error: unknown): void {
  const code = codeOf(error);
  const rules = rulesOf(error);
  span.setAttributes(defined({ [telemetryAttributes.errorType]: code, [telemetryAttributes.ruleIds]: rules.length > 0 ? rules : undefined }));
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/** A delivery pass's counts as span attributes. */
export function deliveryAttributes(result: DeliveryResult): Record<string, number> {
  return {
    [telemetryAttributes.deliveryDelivered]: result.delivered,
    [telemetryAttributes.deliveryFailed]: result.failed,
    [telemetryAttributes.deliveryBuried]: result.buried,
  };
}

/**
 * A relay's delivery pass, traced as `caf_step_down.deliver` when it did something. The relay polls
 * every second, so a span for each empty pass would bury a host's traces in noise: the span is made
 * after the pass, with the pass's real start time, only when a message was delivered, retried or
 * buried, or the pass failed.
 *
 * @example
 * ```ts
 * const result = await tracedPass(() => deliverOutbox(store, emitters, Date.now, options, signal));
 * ```
 */
export async function tracedPass(pass: () => Promise<DeliveryResult>): Promise<DeliveryResult> {
  const start = Date.now();
  const record = (result: DeliveryResult | null, error?: unknown) => {
    const span = tracer().startSpan('caf_step_down.deliver', {
      kind: SpanKind.INTERNAL,
      startTime: start,
      attributes: result ? deliveryAttributes(result) : {},
    });
    if (result === null) failed(span, error);
    span.end();
  };
  let result: DeliveryResult;
  try {
    result = await pass();
  } catch (error) {
    record(null, error);
    throw error;
  }
  if (result.delivered + result.failed + result.buried > 0) record(result);
  return result;
}
