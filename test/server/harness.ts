import { SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../src/index.js';

/** The shared HMAC secret of the tests' tokens: 32 bytes, as the server asks. */
export const testSecret = 'test-secret-of-at-least-32-bytes!!';

/** An HS256 token naming the actor in the default claims (`sub`, `role`, `person_id`), valid for an hour. */
export async function hmacToken(actor: Actor, secret: string = testSecret, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ role: actor.role, ...(actor.personId ? { person_id: actor.personId } : {}), ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(actor.id)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

/** Listens on 127.0.0.1 on a free port and returns the base URL. */
export async function listen(server: FastifyInstance): Promise<string> {
  return server.listen({ host: '127.0.0.1', port: 0 });
}

/** A request over real HTTP: JSON in, the status, headers and parsed body (JSON, or text) out. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, body: /json/.test(type) && text !== '' ? JSON.parse(text) : text, text };
}
