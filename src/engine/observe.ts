import type { CaseEngine } from './case-engine.js';
import type { DeliveryResult } from './delivery.js';
import type { TickResult } from './engine.js';
import { safeLog, type EngineLogFields, type EngineLogger } from './logger.js';
import type { RelayOptions } from './relay.js';
import { codeOf, deliveryAttributes, eventTypeOf, idOrNothing, inSpan, rulesOf, telemetryAttributes as a } from './telemetry.js';

type Fields = Record<string, string | number | string[] | undefined>;

/** What a traced method's arguments say about the call: ids and the event type, checked, never raw. */
interface Traced {
  readonly describe: (args: readonly unknown[]) => EngineLogFields;
  /** What its result adds: the version written, a tick's or a pass's counts. */
  readonly after?: (result: never) => Fields;
  /** Logs what the result holds that a host must hear of (a tick's failed cases, dead letters). */
  readonly report?: (logger: EngineLogger | undefined, result: never) => void;
}

const eventFields = (input: unknown) => ({
  eventType: eventTypeOf(input),
  eventId: idOrNothing((input as { eventId?: unknown } | null)?.eventId),
});

/**
 * The engine methods that get a span, by name, with what their arguments and results say. A method
 * not listed here is passed through untraced, its store failures still logged: a method added to
 * `CaseEngine` later needs a line here only if it should be traced.
 */
const traced: Record<string, Traced> = {
  open: {
    describe: ([request]) => ({ caseId: idOrNothing((request as { caseId?: unknown } | null)?.caseId), eventType: 'case.opened' }),
    after: (view: { version: number }) => ({ [a.caseVersion]: view.version }),
  },
  send: {
    describe: ([caseId, input]) => ({ caseId: idOrNothing(caseId), ...eventFields(input) }),
    after: (view: { version: number }) => ({ [a.caseVersion]: view.version }),
  },
  sendToFamily: {
    describe: ([familyId, input]) => ({ familyId: idOrNothing(familyId), ...eventFields(input) }),
  },
  tick: {
    describe: () => ({ eventType: 'clock.tick' }),
    after: (result: TickResult) => ({ [a.tickCases]: result.cases, [a.tickBreaches]: result.breaches, [a.tickFailed]: result.failed.length }),
    report: (logger, result: TickResult) => {
      for (const { caseId, code } of result.failed) {
        safeLog(logger, code === 'STORE_FAILURE' ? 'error' : 'warn', { operation: 'tick', caseId: idOrNothing(caseId), code }, 'A case could not be ticked; the next tick retries it.');
      }
    },
  },
  tickCase: {
    describe: ([caseId]) => ({ caseId: idOrNothing(caseId), eventType: 'clock.tick' }),
    after: (result: { breaches: number }) => ({ [a.tickBreaches]: result.breaches }),
  },
  updateCalendar: {
    describe: () => ({ eventType: 'calendar.updated' }),
  },
  deliver: {
    describe: () => ({}),
    after: (result: DeliveryResult) => deliveryAttributes(result),
    report: (logger, result: DeliveryResult) => reportDeadLetters(logger, result),
  },
};

function reportDeadLetters(logger: EngineLogger | undefined, result: DeliveryResult): void {
  if (result.buried > 0) {
    safeLog(logger, 'warn', { operation: 'deliver', buried: result.buried }, 'Messages were moved to the dead letters: list them with engine.deadLetters().');
  }
}

function spanAttributes(fields: EngineLogFields): Fields {
  return { [a.caseId]: fields.caseId, [a.familyId]: fields.familyId, [a.eventType]: fields.eventType, [a.eventId]: fields.eventId };
}

/** Logs a failed call: a store fault as an error, a refusal by its code and rules. */
function reportFailure(logger: EngineLogger | undefined, operation: string, fields: EngineLogFields, error: unknown): void {
  const code = codeOf(error);
  if (code === 'STORE_FAILURE') {
    safeLog(logger, 'error', { operation, ...fields, code }, 'The store failed; nothing was written.');
    return;
  }
  const rules = rulesOf(error);
  const level = operation in traced ? 'info' : 'debug';
  safeLog(logger, level, { operation, ...fields, code, ...(rules.length > 0 ? { rules } : {}) }, 'The engine refused a call.');
}

/**
 * The engine with spans around `open`, `send`, `sendToFamily`, `tick` and `deliver` (through
 * `@opentelemetry/api`: a no-op until the host registers an SDK) and, when a logger is given, logs of
 * store failures, refusals, a tick's failed cases, relay faults and dead letters. Every other member
 * is the engine's own, its store failures logged.
 *
 * @example
 * ```ts
 * return observeEngine(api, options.logger);
 * ```
 */
export function observeEngine(engine: CaseEngine, logger?: EngineLogger): CaseEngine {
  const wrapped = new Map<PropertyKey, unknown>();
  const wrap = (key: string, method: (...args: unknown[]) => unknown): unknown => {
    if (key === 'startDelivery') return (options: RelayOptions = {}) => method(relayOptions(logger, options));
    const spec = traced[key];
    if (!spec) {
      return (...args: unknown[]) => {
        const result = method(...args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          reportFailure(logger, key, {}, error);
          throw error;
        });
      };
    }
    return (...args: unknown[]) => {
      const fields = spec.describe(args);
      return inSpan(
        key,
        spanAttributes(fields),
        async () => {
          try {
            const result = await method(...args);
            spec.report?.(logger, result as never);
            safeLog(logger, 'debug', { operation: key, ...fields, version: (result as { version?: number } | null)?.version }, 'The engine completed a call.');
            return result;
          } catch (error) {
            reportFailure(logger, key, fields, error);
            throw error;
          }
        },
        (result) => spec.after?.(result as never) ?? {},
      );
    };
  };
  return new Proxy(engine, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      if (!wrapped.has(key)) wrapped.set(key, wrap(key, (value as (...args: unknown[]) => unknown).bind(target)));
      return wrapped.get(key);
    },
  });
}

/** The relay's options with its faults and dead letters logged, the host's own handlers still called. */
function relayOptions(logger: EngineLogger | undefined, options: RelayOptions): RelayOptions {
  if (!logger) return options;
  return {
    ...options,
    onError: (error) => {
      safeLog(logger, 'warn', { operation: 'relay', code: error.code }, 'A delivery pass failed; the relay tries again at the next poll.');
      options.onError?.(error);
    },
    onPass: (result) => {
      reportDeadLetters(logger, result);
      options.onPass?.(result);
    },
  };
}
