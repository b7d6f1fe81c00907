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
}

/** The defaults: 100 a pass, 30-second lease, retries from 1 second doubling to at most 15 minutes. */
export const defaultDeliveryOptions: DeliveryOptions = {
  batchSize: 100,
  leaseMs: 30_000,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
};

/** The delay before retrying after `attempts` failures: exponential backoff with a ceiling. */
export function backoffDelay(attempts: number, options: DeliveryOptions): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempts));
}

/**
 * One delivery pass: claims what is due in the outbox, gives each message to every emitter, and
 * acknowledges it only when all succeeded; a failure releases it for a later retry. At least once:
 * a receiver drops duplicates by the message id.
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
    if (results.every((r) => r.status === 'fulfilled')) {
      delivered.push(message.id);
    } else {
      failed += 1;
      await store.release(message.id, now + backoffDelay(message.attempts, options));
    }
  }
  if (delivered.length > 0) await store.acknowledge(delivered);
  return { delivered: delivered.length, failed };
}
