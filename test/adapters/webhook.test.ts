import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookEmitter } from '../../adapters/webhook.js';
import { createCaseEngine, type OutboxMessage } from '../../src/index.js';

const secret = 'whsec_' + Buffer.from('a test secret of thirty-two bytes!!').toString('base64');

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | null = null;

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
});

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
    const firstTry = received.length;
    expect(firstTry).toBeGreaterThan(0);
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0 }); // not yet due for a retry
    clock += 60_000;
    const retry = await engine.deliver();
    expect(retry.failed).toBe(0);
    const ids = received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBeLessThan(ids.length); // the same ids came again
    clock += 60 * 60_000;
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0 }); // nothing left
  });
});
