/** The structured fields the engine logs: ids, event types, rule ids, codes and counts, never text a person wrote. */
export interface EngineLogFields {
  readonly caseId?: string;
  readonly familyId?: string;
  readonly eventType?: string;
  readonly eventId?: string;
  readonly version?: number;
  readonly code?: string;
  readonly rules?: readonly string[];
  /** The engine method that failed, e.g. `send` or `tick`. */
  readonly operation?: string;
  readonly cases?: number;
  readonly breaches?: number;
  readonly delivered?: number;
  readonly failed?: number;
  readonly buried?: number;
}

/**
 * A logger for the engine's `logger` option, in pino's shape (fields first, then a fixed message),
 * so a pino or pino-compatible logger (or a child of one) is passed as it is. The engine logs store
 * failures (`error`), refusals by code (`info`), relay faults and dead letters (`warn`), and each
 * accepted write (`debug`). Its fields are {@link EngineLogFields}; its messages are fixed sentences:
 * nothing a host sent as free text reaches it.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const engine = createCaseEngine({ store, logger: pino().child({ component: 'caf-step-down' }) });
 *
 * // Or any object of the same shape:
 * const logger: EngineLogger = {
 *   debug: () => {},
 *   info: (fields, message) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
 *   warn: (fields, message) => console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
 *   error: (fields, message) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
 * };
 * ```
 */
export interface EngineLogger {
  /** Each completed write: operation, case id, event type, version. */
  debug(fields: EngineLogFields, message: string): void;
  /** A refusal: its code, and the rule ids a gate names. */
  info(fields: EngineLogFields, message: string): void;
  /** A relay fault, messages moved to the dead letters, a case a tick could not tick. */
  warn(fields: EngineLogFields, message: string): void;
  /** A store failure (`STORE_FAILURE`): the operation and the case, never the driver's text. */
  error(fields: EngineLogFields, message: string): void;
}

/** A logger's call that can never throw into the engine: a broken logger must not fail a write. */
export function safeLog(logger: EngineLogger | undefined, level: keyof EngineLogger, fields: EngineLogFields, message: string): void {
  if (!logger) return;
  try {
    logger[level](withoutUndefined(fields), message);
  } catch {
    // Logging is the host's; its failure is not the case's.
  }
}

function withoutUndefined(fields: EngineLogFields): EngineLogFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as EngineLogFields;
}
