/**
 * A delivery pass waits as long as a receiver asked (`Retry-After`, reported by the webhook emitter
 * as `details.retryAfterMs`) when that is longer than its own backoff, and no longer than the
 * ceiling.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { webhookEmitter } from '../../adapters/webhook.js';
import { backoffDelay, defaultDeliveryOptions, deliverOutbox, nextAttemptAt, type Emitter } from '../../src/engine/delivery.js';
import { StepDownError, type CaseStore, type OutboxMessage, type StoredCase } from '../../src/index.js';

const secret = 'whsec_' + Buffer.from('a test secret of thirty-two bytes!!').toString('base64');

function message(id: string): OutboxMessage {
  return { id, caseId: 'C-1', notification: { type: 'case.opened', caseId: 'C-1', at: '2024-05-01T10:00:00+01:00' }, attempts: 0, availableAt: 0 };
}

/** A memory store holding one case and `ids` as outbox messages, recording every release. */
async function storeWith(ids: string[]): Promise<{ store: CaseStore; released: [string, number][] }> {
  const inner = memoryStore();
  const record = { caseId: 'C-1', version: 1, snapshot: {} as StoredCase['snapshot'], nextDueAt: null };
  await inner.create(
    record,
    {
      caseId: 'C-1',
      type: 'case.opened',
      event: null,
      actor: null,
      at: null,
      recordedAt: '2024-05-01T09:00:00.000Z',
      stateBefore: null,
      stateAfter: null,
      version: 1,
      rules: { checked: [], breached: [] },
      accepted: true,
      errorCode: null,
    },
    ids.map(message),
  );
  const released: [string, number][] = [];
  return {
    store: { ...inner, release: async (id, at) => void (released.push([id, at]), await inner.release(id, at)) },
    released,
  };
}

const failing = (details: Record<string, unknown>): Emitter => ({
  name: 'failing',
  deliver: async () => {
    throw new StepDownError('DELIVERY_FAILED', 'HTTP 503', details);
  },
});
const fine: Emitter = { name: 'fine', deliver: async () => undefined };

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

describe('delivery honours Retry-After', () => {
  const now = 1_000_000;

  it('waits what the receiver asked when it is longer than the backoff', async () => {
    const { store, released } = await storeWith(['m1']);
    expect(await deliverOutbox(store, [failing({ retryAfterMs: 120_000 })], now)).toEqual({ delivered: 0, failed: 1, buried: 0 });
    expect(released).toEqual([['m1', now + 120_000]]);
    expect(await store.claimOutbox(now + 119_999, 10, 1000)).toEqual([]);
    expect((await store.claimOutbox(now + 120_000, 10, 1000)).map((m) => m.id)).toEqual(['m1']);
  });

  it('keeps the backoff when the receiver asked for less, or for nothing', async () => {
    const { store, released } = await storeWith(['m1', 'm2']);
    await deliverOutbox(store, [failing({ retryAfterMs: 10 })], now);
    expect(released).toEqual([
      ['m1', now + backoffDelay(0, defaultDeliveryOptions)],
      ['m2', now + backoffDelay(0, defaultDeliveryOptions)],
    ]);
    expect(nextAttemptAt(now, 3, [new Error('plain')], defaultDeliveryOptions)).toBe(now + backoffDelay(3, defaultDeliveryOptions));
  });

  it('takes the longest wait any emitter asked for, up to the ceiling; a delivered emitter asks for none', async () => {
    const { store, released } = await storeWith(['m1']);
    await deliverOutbox(store, [fine, failing({ retryAfterMs: 30_000 }), failing({ retryAfterMs: 60_000 })], now);
    expect(released).toEqual([['m1', now + 60_000]]);
    const options = { ...defaultDeliveryOptions, maxRetryAfterMs: 45_000 };
    expect(nextAttemptAt(now, 0, [{ details: { retryAfterMs: 10 ** 12 } }], options)).toBe(now + 45_000);
    // A ceiling under the backoff never shortens the backoff.
    expect(nextAttemptAt(now, 20, [{ details: { retryAfterMs: 10 ** 12 } }], { ...options, maxRetryAfterMs: 1 })).toBe(
      now + defaultDeliveryOptions.maxDelayMs,
    );
    for (const odd of [Number.NaN, -5, Infinity, '120000', null]) {
      expect(nextAttemptAt(now, 0, [{ details: { retryAfterMs: odd } }], defaultDeliveryOptions)).toBe(now + 1_000);
    }
  });

  it('from a real receiver answering 429 with Retry-After: the message is not retried sooner', async () => {
    server = createServer((_request, response) => void response.writeHead(429, { 'retry-after': '300' }).end());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const { store, released } = await storeWith(['m1']);
    await deliverOutbox(store, [webhookEmitter({ url, secret })], now);
    expect(released).toEqual([['m1', now + 300_000]]);
  });
});
