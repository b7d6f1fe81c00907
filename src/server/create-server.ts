import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { CaseEngine } from '../engine/case-engine.js';
import { maxEventLength } from '../engine/engine.js';
import { StepDownError } from '../errors.js';
import type { Actor } from '../events/common.js';
import { createAuthenticate, type ServerAuth } from './auth.js';
import { openApiDocument } from './openapi.js';
import { problemOf, sendProblem } from './problem.js';
import { routeSpecs, type RouteContext } from './routes.js';

/**
 * Options of {@link createServer}.
 *
 * @example
 * ```ts
 * const options: ServerOptions = { auth: { secret: process.env.STEP_DOWN_JWT_SECRET! } };
 * ```
 */
export interface ServerOptions {
  /** How callers authenticate: see {@link ServerAuth}. Required: the service has no anonymous writes. */
  readonly auth: ServerAuth;
  /**
   * The largest request body, in bytes. By default room for the largest event the engine takes
   * (its limit is in characters; a character is at most 3 bytes of UTF-8 in the texts councils
   * write, 4 for an emoji) plus the JSON around it, so the engine's own PAYLOAD_TOO_LARGE, which
   * is audited, is what a real oversized event meets.
   */
  readonly bodyLimit?: number;
  /** The start of each problem's `type` URI; the code follows, e.g. `…gate-blocked`. */
  readonly problemTypeBase?: string;
  /** The clock `POST /tick` uses when the body gives no `at` (the system clock by default). */
  readonly now?: () => Date;
  /** Fastify's logger (off by default). It logs methods, URLs and status codes, never bodies. */
  readonly logger?: boolean;
}

/** The default {@link ServerOptions.bodyLimit}: four bytes a character, plus 64 KiB. */
export const defaultBodyLimit = maxEventLength * 4 + 64 * 1024;

/**
 * An HTTP service over an engine, for hosts in any language: a Fastify instance with the routes of
 * `docs/openapi.json` (also served at `/openapi.json`). Every route but `/healthz`, `/readyz` and
 * `/openapi.json` needs a bearer JWT, and the actor of every event is the caller the token names,
 * never the body. Errors are RFC 9457 problems carrying the `StepDownError` code. `close()` stops
 * taking connections and waits for requests in flight.
 *
 * Listen with Fastify's own `listen`; test without a socket with `inject`.
 *
 * @example
 * ```ts
 * import { createCaseEngine } from 'caf-step-down';
 * import { postgresStore } from 'caf-step-down/adapters/postgres';
 * import { createServer } from 'caf-step-down/server';
 *
 * const engine = createCaseEngine({ store: postgresStore({ pool }) });
 * const server = createServer(engine, { auth: { jwksUrl: 'https://login.example.gov.uk/.well-known/jwks.json', audience: 'caf-step-down' } });
 * await server.listen({ host: '0.0.0.0', port: 8080 });
 * process.once('SIGTERM', () => void server.close());
 * ```
 */
export function createServer(engine: CaseEngine, options: ServerOptions): FastifyInstance {
  const authenticate = createAuthenticate(options.auth);
  const typeBase = options.problemTypeBase ?? 'urn:caf-step-down:problem:';
  const now = options.now ?? (() => new Date());
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  if (!(Number.isInteger(bodyLimit) && bodyLimit > 0)) {
    throw new StepDownError('INVALID_ARGUMENT', 'bodyLimit must be a positive whole number of bytes.');
  }
  const app = Fastify({ bodyLimit, logger: options.logger ?? false, return503OnClosing: true });
  // The actor of each authenticated request, found before its body is read.
  const actors = new WeakMap<FastifyRequest, Actor>();
  let document: Record<string, unknown> | undefined;
  let closing = false;

  // `close()` closes idle keep-alive connections at once; one busy with a request is closed after
  // its response, or it would hold the close open until the client's keep-alive timeout.
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler((error, _request, reply) => sendProblem(reply, problemOf(error, typeBase)));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: `${typeBase}not-found`,
      title: 'Not Found',
      status: 404,
      detail: `No endpoint ${request.method} at this path: see /openapi.json.`,
      code: 'INVALID_INPUT',
    }),
  );

  app.get('/openapi.json', async () => (document ??= openApiDocument()));

  for (const route of routeSpecs) {
    app.route({
      method: route.method,
      url: route.url,
      // Checked before the body is read, so an unauthenticated caller cannot make the server parse 2 MB.
      ...(route.auth
        ? {
            onRequest: async (request: FastifyRequest) => {
              actors.set(request, await authenticate(request.headers.authorization));
            },
          }
        : {}),
      handler: async (request, reply) => {
        const context: RouteContext = {
          engine,
          actor: actors.get(request) ?? null,
          params: request.params as Record<string, string>,
          query: request.query as Record<string, string | string[] | undefined>,
          body: request.body,
          headers: request.headers,
          reply,
          now,
        };
        return route.handler(context);
      },
    });
  }
  return app;
}
