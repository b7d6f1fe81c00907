/**
 * `caf-step-down serve`: the HTTP service over a store, with its bearer-token settings from the
 * environment (secrets do not belong on a command line, where `ps` shows them).
 *
 * @module
 */
import { createCaseEngine } from '../engine/engine.js';
import { StepDownError } from '../errors.js';
import type { ServerAuth } from '../server/auth.js';
import { exitCodes, printable, usage, type CliIo, type CliOptions } from './shared.js';
import { openStore } from './store.js';

/** The environment variables `serve` reads; `caf-step-down help serve` says what each sets. */
type ServeVariable =
  | 'CAF_STEP_DOWN_JWT_SECRET'
  | 'CAF_STEP_DOWN_JWKS_URL'
  | 'CAF_STEP_DOWN_JWT_ISSUER'
  | 'CAF_STEP_DOWN_JWT_AUDIENCE'
  | 'CAF_STEP_DOWN_JWT_USER_CLAIM'
  | 'CAF_STEP_DOWN_JWT_ROLE_CLAIM'
  | 'CAF_STEP_DOWN_JWT_PERSON_CLAIM';

/**
 * The {@link ServerAuth} the environment describes.
 *
 * @example
 * ```ts
 * authFromEnvironment({ CAF_STEP_DOWN_JWT_SECRET: 'a-shared-secret-of-at-least-32-bytes' });
 * ```
 */
export function authFromEnvironment(env: Readonly<Record<string, string | undefined>>): ServerAuth {
  const value = (name: ServeVariable) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const secret = value('CAF_STEP_DOWN_JWT_SECRET');
  const jwksUrl = value('CAF_STEP_DOWN_JWKS_URL');
  if ((secret === undefined) === (jwksUrl === undefined)) {
    throw new StepDownError('INVALID_ARGUMENT', 'serve needs exactly one of CAF_STEP_DOWN_JWT_SECRET and CAF_STEP_DOWN_JWKS_URL in the environment: see caf-step-down help serve.');
  }
  const claims = {
    ...(value('CAF_STEP_DOWN_JWT_USER_CLAIM') ? { userId: value('CAF_STEP_DOWN_JWT_USER_CLAIM')! } : {}),
    ...(value('CAF_STEP_DOWN_JWT_ROLE_CLAIM') ? { role: value('CAF_STEP_DOWN_JWT_ROLE_CLAIM')! } : {}),
    ...(value('CAF_STEP_DOWN_JWT_PERSON_CLAIM') ? { personId: value('CAF_STEP_DOWN_JWT_PERSON_CLAIM')! } : {}),
  };
  return {
    ...(secret !== undefined ? { secret } : { jwksUrl: jwksUrl! }),
    ...(value('CAF_STEP_DOWN_JWT_ISSUER') ? { issuer: value('CAF_STEP_DOWN_JWT_ISSUER')! } : {}),
    ...(value('CAF_STEP_DOWN_JWT_AUDIENCE') ? { audience: value('CAF_STEP_DOWN_JWT_AUDIENCE')! } : {}),
    claims,
  };
}

/**
 * `serve --store <store> [--port N] [--host H]`: listens until SIGTERM or SIGINT (or `stop`
 * resolves), then finishes the requests in flight, closes the store and returns 0. The address is
 * printed on standard error once it listens: `caf-step-down: serving <store> on http://…`.
 *
 * @example
 * ```ts
 * await serveCommand({ store: 'file:./cases', port: '8080' }, io);
 * ```
 */
export async function serveCommand(options: CliOptions, io: CliIo, stop?: Promise<void>): Promise<number> {
  const port = options.port === undefined ? 8080 : Number(options.port);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535) || !/^\d+$/.test(options.port ?? '8080')) {
    throw usage(`--port takes a port number, 0 to 65535, not ${printable(options.port ?? '')}`);
  }
  const host = options.host ?? '127.0.0.1';
  const auth = authFromEnvironment(process.env);
  const { createServer } = await import('../server/create-server.js');
  const opened = await openStore(options.store);
  try {
    const server = createServer(createCaseEngine({ store: opened.store }), { auth });
    const address = await server.listen({ host, port });
    io.stderr(`caf-step-down: serving ${opened.label} on ${address}\n`);
    await new Promise<void>((resolve) => {
      const done = () => {
        process.off('SIGTERM', done);
        process.off('SIGINT', done);
        resolve();
      };
      process.once('SIGTERM', done);
      process.once('SIGINT', done);
      void stop?.then(done);
    });
    io.stderr('caf-step-down: finishing requests in flight, then stopping\n');
    await server.close();
    return exitCodes.OK;
  } finally {
    await opened.close().catch(() => undefined);
  }
}
