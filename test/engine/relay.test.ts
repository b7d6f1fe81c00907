/**
 * Delivery off the write path (issue 11): `send` returns once the case, its audit entry and its
 * notifications are saved, whatever a receiver does; the relay the host starts delivers, renews the
 * lease of what it holds, buries what keeps failing permanently, and stops without leaving anything
 * half-done. No test here measures time: each asserts an order of events or a state.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { webhookEmitter } from '../../adapters/webhook.js';
import { deliverOutbox, type Emitter } from '../../src/engine/delivery.js';
import { createCaseEngine, StepDownError, type CaseEngine, type CaseStore, type OutboxMessage, type StoredCase } from '../../src/index.js';
import { sampleEvent, samplePeople } from '../events/samples.js';
import { rejection } from './rejection.js';

const secret = 'whsec_' + Buffer.from('a test secret of thirty-two bytes!!').toString('base64');
const opened = '2024-05-01T10:00:00+01:00';
const decided = '2024-05-01T11:00:00+01:00';
const open = { caseId: 'C-1', route: 'cin-outcome', at: opened, actor: samplePeople.teamManager } as const;

const engines: CaseEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

/** A fetch that records each call and never answers (it ignores the abort signal too). */
function hangingFetch(): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  const fake = ((_url: string | URL | Request, init?: RequestInit) => {
    calls.push(JSON.parse(String(init?.body)).id as string);
    return new Promise<Response>(() => undefined);
  }) as typeof fetch & { calls: string[] };
  fake.calls = calls;
  return fake;
}

/** A fetch that answers each call with the next status of `statuses` (the last one repeats). */
function answeringFetch(statuses: number[]): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  const fake = (async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push(JSON.parse(String(init?.body)).id as string);
    const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
    return new Response('answer', { status });
  }) as typeof fetch & { calls: string[] };
  fake.calls = calls;
  return fake;
}

/** A store whose every call is listed, in order, as `operation` names. */
function listed(inner: CaseStore): { store: CaseStore; calls: string[] } {
  const calls: string[] = [];
  const store = Object.fromEntries(
    Object.entries(inner).map(([name, fn]) => [name, (...args: unknown[]) => (calls.push(name), (fn as (...a: unknown[]) => unknown)(...args))]),
  ) as unknown as CaseStore;
  return { store, calls };
}

describe('send returns once saved, whatever the receiver does', () => {
  it('returns while a webhook hangs; the relay holds the message, and stop releases it for the next relay', async () => {
    const fetch = hangingFetch();
    const { store, calls } = listed(memoryStore());
    const engine = createCaseEngine({
      store,
      emitters: [webhookEmitter({ url: 'https://cms.example.test/hooks', secret, fetch })],
      now: () => new Date('2024-07-01T09:00:00Z'),
    });
    engines.push(engine);
    engine.startDelivery({ pollMs: 60_000 });

    await engine.open(open);
    await vi.waitFor(() => expect(fetch.calls).toEqual(['C-1:v1:0', 'C-1:v1:1']));
    // The receiver has not answered, and `send` returns all the same, with the case saved.
    const view = await engine.send('C-1', sampleEvent('decision.agreed', decided));
    expect(view.version).toBe(2);
    expect((await store.load('C-1'))!.version).toBe(2);
    expect(await engine.history('C-1')).toHaveLength(2);

    await engine.stop();
    const after = calls.length;
    // Stopped: the calls still in flight were cut short and their messages released at once, so the
    // next relay (here a claim as another process would make it) has all three, and nothing else runs.
    const next = await store.claimOutbox(Date.parse('2024-07-01T09:00:00Z'), 10, 1_000);
    expect(next.map((m) => m.id).sort()).toEqual(['C-1:v1:0', 'C-1:v1:1', 'C-1:v2:0']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.slice(after)).toEqual(['claimOutbox']);
  });

  it('delivers at once after a save when the relay runs, without waiting for the poll', async () => {
    const engine = createCaseEngine({ now: () => new Date('2024-07-01T09:00:00Z') });
    engines.push(engine);
    const heard: string[] = [];
    engine.on('*', (_n, meta) => void heard.push(meta.id));
    // A poll of an hour: only the save's nudge can bring the pass within the wait below.
    engine.startDelivery({ pollMs: 3_600_000 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await engine.open(open);
    await vi.waitFor(() => expect(heard.sort()).toEqual(['C-1:v1:0', 'C-1:v1:1']));
    await engine.send('C-1', sampleEvent('decision.agreed', decided));
    await vi.waitFor(() => expect(heard).toContain('C-1:v2:0'));
  });

  it('never delivers inside send, open or tick: without a relay the outbox keeps everything', async () => {
    const engine = createCaseEngine({ now: () => new Date('2024-07-01T09:00:00Z') });
    const heard: string[] = [];
    engine.on('*', (_n, meta) => void heard.push(meta.id));
    await engine.open(open);
    await engine.send('C-1', sampleEvent('decision.agreed', decided));
    await rejection(engine.send('C-1', sampleEvent('decision.agreed', decided, samplePeople.socialWorker)));
    await engine.tick('2024-06-30T09:00:00+01:00');
    expect(heard).toEqual([]);
    expect((await engine.deliver()).delivered).toBe(4);
    expect(heard).toEqual(['C-1:v1:0', 'C-1:v1:1', 'C-1:v2:0', expect.stringMatching(/^C-1:refused:/)]);
  });
});

describe('the relay under faults', () => {
  it('a store that fails never throws into the host: each failed pass is reported and tried again', async () => {
    const inner = memoryStore();
    let failing = true;
    const store: CaseStore = {
      ...inner,
      claimOutbox: (...args) => (failing ? Promise.reject(new Error('connection refused for Sarah')) : inner.claimOutbox(...args)),
    };
    const engine = createCaseEngine({ store, now: () => new Date('2024-07-01T09:00:00Z') });
    engines.push(engine);
    const heard: string[] = [];
    engine.on('*', (_n, meta) => void heard.push(meta.id));
    const errors: StepDownError[] = [];
    engine.startDelivery({ pollMs: 5, onError: (error) => void errors.push(error) });
    await engine.open(open);
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(2));
    expect(errors[0]).toMatchObject({ code: 'STORE_FAILURE', details: { operation: 'claimOutbox' } });
    expect(JSON.stringify(errors)).not.toContain('Sarah');
    expect(heard).toEqual([]);
    failing = false;
    await vi.waitFor(() => expect(heard.sort()).toEqual(['C-1:v1:0', 'C-1:v1:1']));
  });

  it('an emitter that never answers fails its attempt after emitterTimeoutMs; the pass ends', async () => {
    const store = await storeWith(['m1']);
    const never: Emitter = { name: 'never', deliver: () => new Promise(() => undefined) };
    const now = 1_000_000;
    const result = await deliverOutbox(store, [never], now, { batchSize: 10, leaseMs: 30_000, baseDelayMs: 1_000, maxDelayMs: 60_000, emitterTimeoutMs: 5 });
    expect(result).toEqual({ delivered: 0, failed: 1, buried: 0 });
    expect(await store.claimOutbox(now + 999, 10, 1_000)).toEqual([]);
    expect((await store.claimOutbox(now + 1_000, 10, 1_000)).map((m) => [m.id, m.attempts])).toEqual([['m1', 1]]);
  });
});

describe('the lease of a message in flight', () => {
  /** Runs a pass whose one emitter waits until released, on a clock the test moves. */
  async function inFlight(renewEveryMs: number) {
    const inner = await storeWith(['m1']);
    const renewals: number[] = [];
    const store: CaseStore = { ...inner, renewLease: async (ids, until) => void (renewals.push(until), await inner.renewLease(ids, until)) };
    let clock = 1_000_000;
    let answer: () => void = () => undefined;
    const started: string[] = [];
    const slow: Emitter = {
      name: 'slow',
      deliver: (message) => new Promise<void>((resolve) => void (started.push(message.id), (answer = resolve))),
    };
    const pass = deliverOutbox(store, [slow], () => clock, {
      batchSize: 10, leaseMs: 1_000, baseDelayMs: 1_000, maxDelayMs: 60_000, renewEveryMs, emitterTimeoutMs: 3_600_000,
    });
    await vi.waitFor(() => expect(started).toEqual(['m1']));
    // Far past the lease the claim gave, on the engine's clock.
    clock += 5_000;
    return { store, renewals, pass, answer: () => answer(), clock: () => clock };
  }

  it('is renewed while the emitter works, so no other process claims the message beyond the lease', async () => {
    const { store, renewals, pass, answer, clock } = await inFlight(2);
    await vi.waitFor(() => expect(renewals.some((until) => until > clock())).toBe(true));
    // Another process looks now: the message is still being delivered, so it is not claimed again.
    expect(await store.claimOutbox(clock(), 10, 1_000)).toEqual([]);
    answer();
    expect(await pass).toEqual({ delivered: 1, failed: 0, buried: 0 });
    expect(await store.claimOutbox(clock() + 3_600_000, 10, 1_000)).toEqual([]);
  });

  it('the control: without renewal the same message is claimed twice once the lease runs out', async () => {
    const { store, pass, answer, clock } = await inFlight(3_600_000);
    expect((await store.claimOutbox(clock(), 10, 1_000)).map((m) => m.id)).toEqual(['m1']);
    answer();
    await pass;
  });
});

describe('dead letters', () => {
  function engineWith(statuses: number[]) {
    const fetch = answeringFetch(statuses);
    let clock = Date.parse('2024-07-01T09:00:00Z');
    const engine = createCaseEngine({
      emitters: [webhookEmitter({ url: 'https://cms.example.test/hooks', secret, fetch })],
      now: () => new Date(clock),
      delivery: { maxAttempts: 2 },
    });
    return { engine, fetch, later: (ms: number) => void (clock += ms) };
  }

  it('a message refused permanently goes to the dead letters after maxAttempts, listed by ids and codes only', async () => {
    const { engine, fetch, later } = engineWith([410]);
    await engine.open(open);
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 2, buried: 0 });
    expect(await engine.deadLetters()).toEqual([]);
    later(60_000);
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0, buried: 2 });
    const letters = await engine.deadLetters();
    expect(letters).toEqual([
      {
        messageId: 'C-1:v1:0', caseId: 'C-1', notificationType: 'case.opened', emitter: 'webhook',
        attempts: 2, code: 'DELIVERY_FAILED', status: 410, buriedAt: '2024-07-01T09:01:00.000Z',
      },
      expect.objectContaining({ messageId: 'C-1:v1:1', notificationType: 'stage.entered', status: 410 }),
    ]);
    // Never a body: the notification's own fields (its stage, its date) are not in the listing.
    expect(JSON.stringify(letters)).not.toMatch(/decision|2024-05-01/);
    expect(await engine.deadLetters({ limit: 1 })).toHaveLength(1);
    // Buried, not retried: no pass tries them again.
    later(3_600_000);
    const tried = fetch.calls.length;
    expect(await engine.deliver()).toEqual({ delivered: 0, failed: 0, buried: 0 });
    expect(fetch.calls).toHaveLength(tried);
  });

  it('redeliver puts one back for the relay with its attempts reset; the others stay buried', async () => {
    const { engine, fetch, later } = engineWith([400, 400, 400, 400, 200]);
    await engine.open(open);
    await engine.deliver();
    later(60_000);
    await engine.deliver();
    expect((await engine.deadLetters()).map((l) => l.messageId)).toEqual(['C-1:v1:0', 'C-1:v1:1']);
    await engine.redeliver('C-1:v1:1');
    expect((await engine.deadLetters()).map((l) => l.messageId)).toEqual(['C-1:v1:0']);
    expect(await engine.deliver()).toEqual({ delivered: 1, failed: 0, buried: 0 });
    expect(fetch.calls.at(-1)).toBe('C-1:v1:1');
  });

  it('transient failures (5xx, 429, 408, redirects) are retried, never buried', async () => {
    for (const status of [500, 503, 429, 408, 302]) {
      const { engine, later } = engineWith([status]);
      await engine.open(open);
      for (let pass = 0; pass < 4; pass += 1) {
        expect((await engine.deliver()).buried).toBe(0);
        later(3_600_000);
      }
      expect(await engine.deadLetters()).toEqual([]);
    }
  });

  it('redeliver refuses a value that is not a message id and an id with no dead letter', async () => {
    const { engine } = engineWith([200]);
    expect((await rejection(engine.redeliver('Sarah Smith'))).code).toBe('INVALID_INPUT');
    expect((await rejection(engine.redeliver('Sarah Smith'))).message).not.toContain('Sarah');
    expect((await rejection(engine.redeliver(42 as unknown as string))).code).toBe('INVALID_INPUT');
    const unknown = await rejection(engine.redeliver('C-9:v1:0'));
    expect(unknown).toMatchObject({ code: 'UNKNOWN_MESSAGE', details: { messageId: 'C-9:v1:0' } });
    expect((await rejection(engine.deadLetters({ limit: 0 }))).code).toBe('INVALID_INPUT');
  });
});

function message(id: string): OutboxMessage {
  return { id, caseId: 'C-1', notification: { type: 'case.opened', caseId: 'C-1', at: opened }, attempts: 0, availableAt: 0 };
}

/** A memory store holding one case and `ids` as its outbox messages. */
async function storeWith(ids: string[]): Promise<CaseStore> {
  const store = memoryStore();
  const record: StoredCase = { caseId: 'C-1', version: 1, snapshot: {} as StoredCase['snapshot'], nextDueAt: null };
  await store.create(
    record,
    {
      caseId: 'C-1', type: 'case.opened', event: null, actor: null, at: null, recordedAt: '2024-05-01T09:00:00.000Z',
      stateBefore: null, stateAfter: null, version: 1, rules: { checked: [], breached: [] }, accepted: true, errorCode: null,
    },
    ids.map(message),
  );
  return store;
}
