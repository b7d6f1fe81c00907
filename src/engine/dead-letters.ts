import type { DeadLetterReason } from './delivery.js';
import type { DeadLetter, OutboxMessage } from './store.js';

/** A dead letter as the memory and file stores keep it: the message, to revive it, and why it died. */
export interface BuriedMessage {
  readonly message: OutboxMessage;
  readonly reason: DeadLetterReason;
}

/**
 * What a dead letter's listing shows of a buried message: ids, codes and numbers, never the
 * notification's body.
 *
 * @example
 * ```ts
 * deadLetter({ message, reason }).notificationType; // => 'breach.recorded'
 * ```
 */
export function deadLetter({ message, reason }: BuriedMessage): DeadLetter {
  return {
    messageId: message.id,
    caseId: message.caseId,
    notificationType: message.notification.type,
    emitter: reason.emitter,
    attempts: message.attempts,
    code: reason.code,
    status: reason.status,
    buriedAt: reason.at,
  };
}

/**
 * The dead letters' order on every store: oldest burial first, then by message id (UTF-16 code units).
 *
 * @example
 * ```ts
 * letters.sort(byBurial);
 * ```
 */
export function byBurial(a: DeadLetter, b: DeadLetter): number {
  if (a.buriedAt !== b.buriedAt) return a.buriedAt < b.buriedAt ? -1 : 1;
  return a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0;
}
