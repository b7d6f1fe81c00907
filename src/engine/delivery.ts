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
}

/** The defaults: 100 a pass, 30-second lease, retries from 1 second doubling to at most 15 minutes. */
export const defaultDeliveryOptions: DeliveryOptions = {
  batchSize: 100,
  leaseMs: 30_000,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  maxRetryAfterMs: 24 * 60 * 60_000,
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

/**
 * One delivery pass: claims what is due in the outbox, gives each message to every emitter, and
 * acknowledges it only when all succeeded; a failure releases it for a later retry, after the backoff
 * or the longer wait a receiver asked for (`nextAttemptAt`). At least once: a receiver drops
 * duplicates by the message id.
 */
export async function deliverOutbox(
  store: CaseStore,
  emitters: readonly Emitter[],
  now: number,
  options: DeliveryOptions = defaultDeliveryOptions,
): Promise<{ delivered: number; failed: number }> {
  const claimed = await store.claimOutbox(now, options.batchSize, options.leaseMs);
  const delivered: string[] = [];
  let failed = 0;
  for (const message of claimed) {
    const results = await Promise.allSettled(emitters.map((emitter) => emitter.deliver(message)));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === 0) {
      delivered.push(message.id);
    } else {
      failed += 1;
      await store.release(message.id, nextAttemptAt(now, message.attempts, failures, options));
    }
  }
  if (delivered.length > 0) await store.acknowledge(delivered);
  return { delivered: delivered.length, failed };
}
