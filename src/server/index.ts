/**
 * `caf-step-down/server`: the engine as an HTTP service on Fastify, for hosts in any language.
 * Bearer-JWT authentication (the actor is the caller), RFC 9457 problems carrying the library's
 * error codes, `/healthz` and `/readyz`, and an OpenAPI 3.1 document generated from the event
 * schemas. `caf-step-down serve` runs it from the command line; docs/embedding.md shows both.
 *
 * @example
 * ```ts
 * import { createCaseEngine } from 'caf-step-down';
 * import { createServer } from 'caf-step-down/server';
 *
 * const server = createServer(createCaseEngine(), { auth: { secret: process.env.STEP_DOWN_JWT_SECRET! } });
 * await server.listen({ port: 8080 });
 * ```
 *
 * @module
 */
export { createServer, defaultBodyLimit } from './create-server.js';
export type { ServerOptions } from './create-server.js';
export type { ServerAuth } from './auth.js';
export { httpStatusOf, problemMediaType } from './problem.js';
export type { Problem } from './problem.js';
export { openApiDocument } from './openapi.js';
