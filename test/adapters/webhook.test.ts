import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { maxRetryAfterMs, parseRetryAfter, webhookEmitter } from '../../adapters/webhook.js';
import { createCaseEngine, isStepDownError, type OutboxMessage } from '../../src/index.js';

const secret = 'whsec_' + Buffer.from('a test secret of thirty-two bytes!!').toString('base64');

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | null = null;
const others: Server[] = [];

/** A real HTTP server on 127.0.0.1 that answers each request with the next status in `statuses`. */
async function receiver(statuses: number[], delayMs = 0): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const status = statuses.shift() ?? 200;
      setTimeout(() => response.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  await Promise.all(others.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A second real server, the target of redirects: it records every request and answers 200. */
async function elsewhere(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const other = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200).end('ok');
    });
  });
  others.push(other);
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(other.address() as AddressInfo).port}/elsewhere`, received };
}

/** A server that answers every request with `status` and `headers`, recording what it got. */
async function answering(status: number, headers: Record<string, string> = {}): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(status, headers).end('moved');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

/** What `deliver` threw (a StepDownError), or 'delivered'. */
async function outcome(delivery: Promise<void>): Promise<{ code: string; details: Record<string, unknown>; message: string } | 'delivered'> {
  try {
    await delivery;
    return 'delivered';
  } catch (error) {
    if (!isStepDownError(error)) throw error;
    return { code: error.code, details: { ...error.details }, message: error.message };
  }
}

/** A fetch that answers every request with `status` and `headers`, and counts them. */
function fakeFetch(status: number, headers: Record<string, string> = {}): typeof fetch & { calls: RequestInit[] } {
  const calls: RequestInit[] = [];
  const fake = (async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push(init ?? {});
    return new Response(status === 204 || status === 304 ? null : 'answer', { status, headers });
  }) as typeof fetch & { calls: RequestInit[] };
  fake.calls = calls;
  return fake;
}

const message: OutboxMessage = {
  id: 'C-1:v2:0',
  caseId: 'C-1',
  notification: { type: 'case.opened', caseId: 'C-1', at: '2024-05-01T10:00:00+01:00' },
  attempts: 0,
  availableAt: 0,
};

describe('webhook emitter', () => {
  it('POSTs JSON signed as Standard Webhooks, verifiable by the reference library', async () => {
    const { url, received } = await receiver([200]);
    await webhookEmitter({ url, secret }).deliver(message);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.headers['webhook-id']).toBe('C-1:v2:0');
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(verified).toMatchObject({ id: 'C-1:v2:0', type: 'case.opened', data: message.notification });
  });

  it('rejects on a non-2xx answer and on a timeout, so the message is retried', async () => {
    const { url } = await receiver([503]);
    await expect(webhookEmitter({ url, secret }).deliver(message)).rejects.toMatchObject({ code: 'DELIVERY_FAILED' });
    await new Promise((resolve) => server!.close(resolve));
    const slow = await receiver([200], 500);
    await expect(webhookEmitter({ url: slow.url, secret, timeoutMs: 50 }).deliver(message)).rejects.toMatchObject({
      code: 'DELIVERY_FAILED',
    });
  });

  it('keeps a failed delivery in the outbox and delivers it on a later pass with the same id', async () => {
    const { url, received } = await receiver([500, 500]);
    let clock = Date.parse('2024-05-01T09:00:00Z');
    const engine = createCaseEngine({
      emitters: [webhookEmitter({ url, secret })],
      now: () => new Date(clock),
      delivery: { baseDelayMs: 1_000 },
    });
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
    expect(received).toHaveLength(0); // open saves; delivery is a pass of its own
    expect(await engine.deliver()).toMatchObject({ delivered: 0, failed: 2 });
    const firstTry = received.length;
    expect(firstTry).toBe(2);
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0, buried: 0 }); // not yet due for a retry
    clock += 60_000;
    const retry = await engine.deliver();
    expect(retry.failed).toBe(0);
    const ids = received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBeLessThan(ids.length); // the same ids came again
    clock += 60 * 60_000;
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0, buried: 0 }); // nothing left
  });
});

describe('webhook emitter: redirects are never followed', () => {
  it.each([301, 302, 303, 307, 308])('HTTP %i is a failed attempt, and the second server gets nothing', async (status) => {
    const target = await elsewhere();
    const { url, received } = await answering(status, { location: target.url });
    const result = await outcome(webhookEmitter({ url, secret }).deliver(message));
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toContain('"C-1:v2:0"');
    expect(target.received).toEqual([]);
    expect(result).toMatchObject({ code: 'DELIVERY_FAILED', details: { messageId: 'C-1:v2:0', status, redirect: true } });
    expect(result).not.toMatchObject({ details: { permanent: true } });
  });

  it('a redirect through the engine leaves the message in the outbox, to be tried again', async () => {
    const target = await elsewhere();
    const { url, received } = await answering(302, { location: target.url });
    let clock = Date.parse('2024-05-01T09:00:00Z');
    const engine = createCaseEngine({ emitters: [webhookEmitter({ url, secret })], now: () => new Date(clock) });
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
    await engine.deliver();
    const tried = received.length;
    expect(tried).toBeGreaterThan(0);
    clock += 60 * 60_000;
    await engine.deliver();
    expect(received.length).toBeGreaterThan(tried); // still there, tried again
    expect(target.received).toEqual([]);
  });

  it('a host fetch that followed a redirect anyway does not count as delivered', async () => {
    const followed = (async () => {
      const response = new Response('ok', { status: 200 });
      Object.defineProperty(response, 'redirected', { value: true });
      return response;
    }) as typeof fetch;
    expect(await outcome(webhookEmitter({ url: 'https://example.test/hook', secret, fetch: followed }).deliver(message))).toMatchObject({
      code: 'DELIVERY_FAILED',
      details: { status: 200, redirect: true },
    });
  });

  it('asks fetch not to follow redirects', async () => {
    const fake = fakeFetch(200);
    await webhookEmitter({ url: 'https://example.test/hook', secret, fetch: fake }).deliver(message);
    expect(fake.calls[0]).toMatchObject({ method: 'POST', redirect: 'manual' });
  });
});

describe('webhook emitter: what each answer means', () => {
  it.each([200, 201, 202, 204])('HTTP %i delivers', async (status) => {
    expect(await outcome(webhookEmitter({ url: 'https://example.test/hook', secret, fetch: fakeFetch(status) }).deliver(message))).toBe(
      'delivered',
    );
  });

  it.each([408, 429, 500, 502, 503, 504])('HTTP %i is retried: not permanent', async (status) => {
    const result = await outcome(webhookEmitter({ url: 'https://example.test/hook', secret, fetch: fakeFetch(status) }).deliver(message));
    expect(result).toMatchObject({ code: 'DELIVERY_FAILED', details: { messageId: 'C-1:v2:0', status } });
    expect(result).not.toMatchObject({ details: { permanent: true } });
  });

  it.each([400, 401, 403, 404, 405, 410, 413, 415, 422])('HTTP %i is a permanent failure', async (status) => {
    const result = await outcome(webhookEmitter({ url: 'https://example.test/hook', secret, fetch: fakeFetch(status) }).deliver(message));
    expect(result).toMatchObject({ code: 'DELIVERY_FAILED', details: { messageId: 'C-1:v2:0', status, permanent: true } });
  });

  it('a timeout and a refused connection are retried, not permanent', async () => {
    const slow = await receiver([200], 500);
    const timedOut = await outcome(webhookEmitter({ url: slow.url, secret, timeoutMs: 50 }).deliver(message));
    expect(timedOut).toMatchObject({ code: 'DELIVERY_FAILED', details: { reason: 'timeout' } });
    expect(timedOut).not.toMatchObject({ details: { permanent: true } });
    const closed = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const refused = await outcome(webhookEmitter({ url: 'https://example.test/hook', secret, fetch: closed }).deliver(message));
    expect(refused).toMatchObject({ code: 'DELIVERY_FAILED', details: { reason: 'network' } });
  });

  it('reports Retry-After in seconds from a real server', async () => {
    const { url } = await answering(503, { 'retry-after': '120' });
    expect(await outcome(webhookEmitter({ url, secret }).deliver(message))).toMatchObject({
      code: 'DELIVERY_FAILED',
      details: { status: 503, retryAfterMs: 120_000 },
    });
  });

  it('reports Retry-After as an HTTP date, as the wait from now', async () => {
    const date = new Date(Date.now() + 90_000).toUTCString();
    const result = await outcome(webhookEmitter({ url: 'https://example.test/hook', secret, fetch: fakeFetch(429, { 'retry-after': date }) }).deliver(message));
    expect(result).toMatchObject({ code: 'DELIVERY_FAILED', details: { status: 429 } });
    const wait = (result as unknown as { details: { retryAfterMs: number } }).details.retryAfterMs;
    // An HTTP date has whole seconds: up to a second early, and the test's own time.
    expect(wait).toBeGreaterThan(85_000);
    expect(wait).toBeLessThanOrEqual(90_000);
  });

  it('reads Retry-After as seconds, an HTTP date or nothing', () => {
    const now = Date.parse('2015-10-21T07:27:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0); // already past
    expect(parseRetryAfter('99999999999999999999', now)).toBe(maxRetryAfterMs);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
  });

  it('never quotes the URL in a failure', async () => {
    const url = 'https://user:token-123@example.test/hook?key=k-456';
    const result = await outcome(webhookEmitter({ url, secret, fetch: fakeFetch(500) }).deliver(message));
    expect(JSON.stringify(result)).not.toMatch(/token-123|k-456|example\.test/);
  });
});

describe('webhook emitter: construction', () => {
  const invalid = (make: () => unknown) => {
    try {
      make();
    } catch (error) {
      return isStepDownError(error) ? { code: error.code, message: error.message } : 'not a StepDownError';
    }
    return 'no error';
  };

  it.each([
    ['an empty secret', ''],
    ['whitespace', '   '],
    ['the prefix alone', 'whsec_'],
    ['not base64', 'whsec_not base64!'],
  ])('refuses %s as the secret', (_what, bad) => {
    expect(invalid(() => webhookEmitter({ url: 'https://example.test/hook', secret: bad }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it.each([
    ['an empty url', ''],
    ['a relative url', '/hooks/step-down'],
    ['nonsense', 'not a url'],
    ['ftp', 'ftp://example.test/hook'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/plain,hi'],
  ])('refuses %s as the url, without quoting it', (_what, bad) => {
    const result = invalid(() => webhookEmitter({ url: bad, secret }));
    expect(result).toMatchObject({ code: 'INVALID_ARGUMENT' });
    if (bad.length > 0) expect((result as { message: string }).message).not.toContain(bad);
  });

  it('refuses a url that is not a string, and a timeout that is not positive', () => {
    expect(invalid(() => webhookEmitter({ url: undefined as unknown as string, secret }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(invalid(() => webhookEmitter({ url: 'https://example.test/hook', secret, timeoutMs: 0 }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(invalid(() => webhookEmitter({ url: 'https://example.test/hook', secret, timeoutMs: Number.NaN }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('accepts http and https urls and secrets with or without the prefix', () => {
    const raw = secret.slice('whsec_'.length);
    expect(invalid(() => webhookEmitter({ url: 'http://127.0.0.1:8080/hook', secret: raw }))).toBe('no error');
    expect(invalid(() => webhookEmitter({ url: 'https://cms.example.gov.uk/hooks/step-down', secret }))).toBe('no error');
  });
});
