import type { FastifyReply } from 'fastify';
import { isStepDownError, type StepDownErrorCode } from '../errors.js';

/**
 * An RFC 9457 problem body, as every error of the service is sent (`application/problem+json`):
 * `type` names the kind of problem, `status` repeats the HTTP status, `detail` is the library's
 * message (which never quotes a value from the input), `code` is the `StepDownError`'s code
 * a client may switch on, and `details` its structured data (field paths, rule ids, citations,
 * ids; never free text from an event).
 *
 * @example
 * ```ts
 * const problem = (await response.json()) as Problem;
 * if (problem.code === 'GATE_BLOCKED') showUnmetRules(problem.details?.['rules']);
 * ```
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: StepDownErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The media type of a {@link Problem} body. */
export const problemMediaType = 'application/problem+json';

/**
 * The HTTP status of each code. A refusal that depends on the case as it stands (a gate not yet
 * met, an event the stage does not take, a record already held, a void that would strand later
 * records) is 409 Conflict: the same request may succeed once the case has moved on, which is
 * what RFC 9110 says 409 is for. A request that is wrong whatever the case holds is 400 (malformed)
 * or 422 (well formed, but naming an event that does not exist or a date that cannot be right).
 * Faults of the stored data or the server's configuration are 500; a store that cannot be reached
 * is 503, so a load balancer or client retries.
 */
const statusOf: Readonly<Record<StepDownErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  INVALID_DATE: 400,
  CALENDAR_OUT_OF_RANGE: 422,
  INVALID_POLICY: 500,
  INVALID_EVENT: 400,
  INVALID_INPUT: 400,
  NOT_ALLOWED: 403,
  EVENT_NOT_ACCEPTED: 409,
  GATE_BLOCKED: 409,
  NO_EFFECT: 409,
  DUPLICATE_EVENT: 409,
  UNKNOWN_EVENT: 422,
  VOID_CONFLICT: 409,
  FUTURE_DATED: 422,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_SNAPSHOT: 500,
  SNAPSHOT_VERSION: 500,
  AUDIT_TRAIL_BROKEN: 500,
  REBUILD_MISMATCH: 500,
  UNKNOWN_CASE: 404,
  UNKNOWN_FAMILY: 404,
  CASE_EXISTS: 409,
  VERSION_CONFLICT: 409,
  STORE_FAILURE: 503,
  DELIVERY_FAILED: 502,
  ENCRYPTION_KEY_MISSING: 500,
  DECRYPTION_FAILED: 500,
  UNKNOWN_MESSAGE: 404,
  NOT_REPORTABLE: 422,
  UNAUTHENTICATED: 401,
  INTERNAL_ERROR: 500,
  CALENDAR_CONFLICT: 500,
  // A version the engine lacks is 422 (it names nothing that exists); an older one, or one not yet in
  // force, depends on the case and the date: 409.
  UNKNOWN_POLICY_VERSION: 422,
  POLICY_NOT_NEWER: 409,
  POLICY_NOT_IN_FORCE: 409,
};

/**
 * The HTTP status the service answers a `StepDownError` code with.
 *
 * @example
 * ```ts
 * httpStatusOf('GATE_BLOCKED'); // => 409
 * httpStatusOf('STORE_FAILURE'); // => 503
 * ```
 */
export function httpStatusOf(code: StepDownErrorCode): number {
  return statusOf[code] ?? 500;
}

const titles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * The problem body of any error a route throws. A `StepDownError` keeps its code, message and
 * details; Fastify's own client errors (a body that is not JSON, too large, of another media type)
 * get the nearest code; anything else is a 500 that says nothing of the error, whose text may hold
 * what a driver or a bug put there.
 */
export function problemOf(error: unknown, typeBase: string): Problem {
  if (isStepDownError(error)) {
    const status = httpStatusOf(error.code);
    return {
      type: `${typeBase}${error.code.toLowerCase().replaceAll('_', '-')}`,
      title: titles[status] ?? 'Error',
      status,
      detail: error.message,
      code: error.code,
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (status === 413) {
    return problem(typeBase, 413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the service takes: an event may be at most 512 KiB of JSON.');
  }
  if (status === 415) {
    return problem(typeBase, 415, 'INVALID_INPUT', 'Send the body as application/json.');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return problem(typeBase, 400, 'INVALID_INPUT', 'The request could not be read: send one JSON object as the body, with Content-Type: application/json.');
  }
  return problem(typeBase, 500, 'INTERNAL_ERROR', 'The service failed unexpectedly; the request may not have been recorded. Read the case before sending it again.');
}

function problem(typeBase: string, status: number, code: StepDownErrorCode, detail: string): Problem {
  return { type: `${typeBase}${code.toLowerCase().replaceAll('_', '-')}`, title: titles[status] ?? 'Error', status, detail, code };
}

/** Sends a problem body with its status and media type; a 401 also says how to authenticate. */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(body.status).type(problemMediaType).send(body);
}
