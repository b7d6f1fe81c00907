import { StepDownError, isStepDownError } from '../errors.js';
import type { CaseStore, OutboxMessage } from './store.js';

/**
 * Something that delivers notifications to a host: the engine's in-process listeners, a webhook, a
 * queue. It resolves when the message is delivered and rejects when it must be tried again.
 */
export interface Emitter {
  /** Names the emitter in delivery records, e.g. `in-process` or `webhook`. */
  readonly name: string;
  /** Delivers one message; resolves when it is delivered, rejects when it must be tried again. */
  deliver(message: OutboxMessage): Promise<void>;
}

/** How often and how long delivery retries. */
export interface DeliveryOptions {
  /** Messages claimed per pass. */
  readonly batchSize: number;
  /** How long a claimed message is hidden from other processes while it is delivered. */
  readonly leaseMs: number;
  /** Delay before the first retry; doubles with each failed attempt. */
  readonly baseDelayMs: number;
  /** The longest delay between retries. */
  readonly maxDelayMs: number;
  /**
   * The longest wait a receiver's `Retry-After` can impose (default 24 hours). A failed emitter that
   * reports `details.retryAfterMs` longer than the backoff is waited for, up to this.
   */
  readonly maxRetryAfterMs?: number;
  /** How many messages a pass delivers at once (default 8). */
  readonly concurrency?: number;
  /**
   * The longest one emitter's call may take (default 30 s): a call still unanswered then is a failed
   * attempt, retried later, so a receiver that never answers cannot hold a pass for ever.
   */
  readonly emitterTimeoutMs?: number;
  /**
   * Attempts after which a message that keeps failing permanently (an emitter reports
   * `details.permanent: true`, as the webhook does for a 4xx other than 408 and 429) goes to the dead
   * letters (default 5). A transient failure (5xx, 408, 429, a timeout, a redirect) is retried for ever.
   */
  readonly maxAttempts?: number;
  /** How often the lease of a message still being delivered is renewed (default a third of `leaseMs`). */
  readonly renewEveryMs?: number;
}

/**
 * The defaults: 100 a pass, 8 at once, 30-second lease renewed every 10 seconds while a message is in
 * flight, 30 seconds for an emitter to answer, retries from 1 second doubling to at most 15 minutes,
 * and dead letters after 5 permanent failures.
 *
 * @example
 * ```ts
 * createCaseEngine({ delivery: { ...defaultDeliveryOptions, emitterTimeoutMs: 5_000 } });
 * ```
 */
export const defaultDeliveryOptions: DeliveryOptions = {
  batchSize: 100,
  leaseMs: 30_000,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  maxRetryAfterMs: 24 * 60 * 60_000,
  concurrency: 8,
  emitterTimeoutMs: 30_000,
  maxAttempts: 5,
};

/** The delay before retrying after `attempts` failures: exponential backoff with a ceiling. */
export function backoffDelay(attempts: number, options: DeliveryOptions): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempts));
}

/**
 * When to try a message again after a failed attempt: the backoff for its `attempts`, or later when
 * an emitter's failure asked for a longer wait (`details.retryAfterMs`, as the webhook emitter
 * reports a `Retry-After` header), never more than `maxRetryAfterMs` from `now`.
 *
 * @example
 * ```ts
 * const failure = new StepDownError('DELIVERY_FAILED', 'HTTP 503', { retryAfterMs: 120_000 });
 * nextAttemptAt(0, 0, [failure], defaultDeliveryOptions); // => 120000 (the backoff would be 1000)
 * ```
 */
export function nextAttemptAt(now: number, attempts: number, failures: readonly unknown[], options: DeliveryOptions): number {
  const ceiling = options.maxRetryAfterMs ?? defaultDeliveryOptions.maxRetryAfterMs!;
  let wait = backoffDelay(attempts, options);
  for (const failure of failures) {
    const asked = (failure as { details?: { retryAfterMs?: unknown } } | null)?.details?.retryAfterMs;
    if (typeof asked === 'number' && Number.isFinite(asked) && asked > wait) wait = Math.min(asked, Math.max(ceiling, wait));
  }
  return now + wait;
}

/** What one delivery pass did: messages delivered, failed (to be retried) and moved to the dead letters. */
export interface DeliveryResult {
  readonly delivered: number;
  readonly failed: number;
  readonly buried: number;
}

/**
 * One delivery pass: claims what is due in the outbox and gives each message to every emitter, up
 * to `concurrency` messages at once (started in the order claimed) and every emitter of a message at
 * once, each call bounded by `emitterTimeoutMs`. While messages are in flight their lease is renewed,
 * so no other process claims them. A message is acknowledged only when every emitter succeeded; a
 * failure releases it for a later retry, after the backoff or the longer wait a receiver asked for
 * (`nextAttemptAt`); a message that failed permanently `maxAttempts` times goes to the dead letters.
 * At least once: a receiver drops duplicates by the message id. `signal` (the relay's stop) ends the
 * calls still in flight: their messages are released for the next pass at once.
 *
 * A store fault is thrown once every message the pass could settle is settled; a message whose
 * release failed stays leased and is retried when its lease ends.
 *
 * @example
 * ```ts
 * const { delivered, failed, buried } = await deliverOutbox(store, [webhookEmitter(config)], () => Date.now());
 * ```
 */
export async function deliverOutbox(
  store: CaseStore,
  emitters: readonly Emitter[],
  now: number | (() => number),
  options: DeliveryOptions = defaultDeliveryOptions,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  const settings = { ...defaultDeliveryOptions, ...options };
  const clock = typeof now === 'function' ? now : () => now;
  const claimed = await store.claimOutbox(clock(), settings.batchSize, settings.leaseMs);
  if (claimed.length === 0) return { delivered: 0, failed: 0, buried: 0 };
  const renewal = renewWhileInFlight(store, claimed.map((m) => m.id), clock, settings);
  const delivered: string[] = [];
  let failed = 0;
  let buried = 0;
  const faults: unknown[] = [];
  try {
    // Started in the order claimed, but finished in any order: a receiver orders by `at` and the
    // message id, never by arrival (a retry arrives after later messages anyway).
    await inParallel(claimed, settings.concurrency!, async (message) => {
      const failures = await deliverToAll(emitters, message, settings.emitterTimeoutMs!, signal);
      if (failures.length === 0) {
        delivered.push(message.id);
        return;
      }
      try {
        await renewal.settle(message.id);
        const stopped = failures.some((f) => isStepDownError(f) && f.details?.reason === 'stopped');
        const permanent = failures.every(isPermanent);
        if (!stopped && permanent && message.attempts + 1 >= settings.maxAttempts!) {
          await store.bury(message.id, deadLetterOf(failures, clock()));
          buried += 1;
        } else {
          // A message the relay's stop cut short is nobody's fault: the next relay takes it at once.
          await store.release(message.id, stopped ? clock() : nextAttemptAt(clock(), message.attempts, failures, settings));
          failed += 1;
        }
      } catch (error) {
        faults.push(error);
      }
    });
    // No renewal may write after the acknowledgement: on a file store it would bring a message back.
    await renewal.stop();
    if (delivered.length > 0) await store.acknowledge(delivered);
  } finally {
    await renewal.stop();
  }
  if (faults.length > 0) throw faults[0];
  return { delivered: delivered.length, failed, buried };
}

/** What a store keeps of a message's last failure when it moves it to the dead letters. */
export interface DeadLetterReason {
  /** The emitter whose failure buried it, e.g. `webhook`. */
  readonly emitter: string;
  /** The failure's code (`DELIVERY_FAILED`), or `EMITTER_FAILED` when the emitter threw something else. */
  readonly code: string;
  /** The receiver's HTTP status, when there was an answer. */
  readonly status: number | null;
  /** When it was buried: ISO 8601. */
  readonly at: string;
}

/** True when an emitter said repeating the message will not help (`details.permanent: true`). */
function isPermanent(failure: unknown): boolean {
  return (failure as { details?: { permanent?: unknown } } | null)?.details?.permanent === true;
}

function deadLetterOf(failures: readonly unknown[], now: number): DeadLetterReason {
  const failure = failures.find(isPermanent) as { code?: unknown; details?: { status?: unknown; emitter?: unknown } };
  const status = failure.details?.status;
  return {
    emitter: typeof failure.details?.emitter === 'string' ? failure.details.emitter : 'unknown',
    code: isStepDownError(failure) ? failure.code : 'EMITTER_FAILED',
    status: typeof status === 'number' ? status : null,
    at: new Date(now).toISOString(),
  };
}

/**
 * Gives the message to every emitter at once; the failures, each naming its emitter in
 * `details.emitter`. A call unanswered after `timeoutMs`, or when `signal` aborts, is a failure; the
 * call itself is left to finish on its own (its outcome no longer counts).
 */
async function deliverToAll(emitters: readonly Emitter[], message: OutboxMessage, timeoutMs: number, signal?: AbortSignal): Promise<unknown[]> {
  const results = await Promise.all(
    emitters.map(async (emitter) => {
      try {
        await bounded(emitter, message, timeoutMs, signal);
        return null;
      } catch (error) {
        return named(error, emitter.name);
      }
    }),
  );
  return results.filter((r) => r !== null);
}

function bounded(emitter: Emitter, message: OutboxMessage, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const cut = (reason: 'timeout' | 'stopped', text: string) =>
    new StepDownError('DELIVERY_FAILED', `${emitter.name} delivery of ${message.id} ${text}; it will be retried.`, {
      messageId: message.id,
      emitter: emitter.name,
      reason,
    });
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(cut('stopped', 'was stopped before it began'));
    const call = Promise.resolve().then(() => emitter.deliver(message));
    const timer = setTimeout(() => finish(cut('timeout', `got no answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => finish(cut('stopped', 'was cut short when delivery stopped'));
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(error?: unknown) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    }
    call.then(() => finish(), (error: unknown) => finish(error ?? new Error('emitter failed')));
  });
}

/** The failure with the emitter's name in its details, so a dead letter can say which emitter refused. */
function named(error: unknown, emitter: string): unknown {
  if (isStepDownError(error)) {
    return error.details?.emitter === emitter ? error : new StepDownError(error.code, error.message, { ...error.details, emitter });
  }
  return { error, details: { emitter } };
}

/** Runs `work` over `items`, at most `limit` at a time, starting them in order; waits for all, whatever they throw. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/**
 * Pushes the lease of the claimed messages forward every `renewEveryMs` until stopped, so a pass that
 * outlives `leaseMs` (a slow receiver) keeps its messages. A message leaves the renewal (`settle`)
 * before it is released or buried, after any renewal under way has finished, so a renewal never
 * overwrites the retry time a release sets. A renewal that fails is tried again at the next tick; a
 * lease it could not renew runs out and another process may retry the message, which at-least-once
 * delivery allows.
 */
function renewWhileInFlight(store: CaseStore, ids: readonly string[], clock: () => number, options: DeliveryOptions) {
  const every = options.renewEveryMs ?? Math.max(1, Math.floor(options.leaseMs / 3));
  const inFlight = new Set(ids);
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (inFlight.size === 0) return;
    renewing = store.renewLease([...inFlight], clock() + options.leaseMs).catch(() => undefined);
  }, every);
  timer.unref?.();
  return {
    async settle(id: string): Promise<void> {
      inFlight.delete(id);
      await renewing;
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await renewing;
    },
  };
}
