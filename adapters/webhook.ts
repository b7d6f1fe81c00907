import { Webhook } from 'standardwebhooks';
import { StepDownError } from '../src/errors.js';
import type { Emitter } from '../src/engine/delivery.js';
import type { OutboxMessage } from '../src/engine/store.js';

/** Options of the webhook emitter. */
export interface WebhookEmitterOptions {
  /** Where to POST each notification. */
  readonly url: string;
  /** The signing secret, base64, with or without the `whsec_` prefix (Standard Webhooks). */
  readonly secret: string;
  /** Abandon a request after this long; the message stays in the outbox and is retried (default 10 s). */
  readonly timeoutMs?: number;
  /** The fetch to use (default the global one); tests and proxies may pass their own. */
  readonly fetch?: typeof globalThis.fetch;
}

/** The JSON body a receiver gets: the message id (also the `webhook-id` header), the type and the notification. */
export interface WebhookBody {
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly data: OutboxMessage['notification'];
}

/**
 * Delivers notifications by HTTP POST, signed as the Standard Webhooks specification says
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`), so any receiver can verify them with an
 * off-the-shelf library. A non-2xx answer, a network error or a timeout rejects, and the engine
 * leaves the message in the outbox to retry with backoff: never lost. The `webhook-id` is the
 * outbox message id, stable across retries, so a receiver can drop duplicates.
 *
 * @example
 * ```ts
 * import { webhookEmitter } from 'caf-step-down/adapters/webhook';
 * const engine = createCaseEngine({
 *   emitters: [webhookEmitter({ url: 'https://cms.example.gov.uk/hooks/step-down', secret: process.env.WEBHOOK_SECRET! })],
 * });
 * ```
 */
export function webhookEmitter(options: WebhookEmitterOptions): Emitter {
  const signer = new Webhook(options.secret);
  const send = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: 'webhook',
    async deliver(message) {
      const timestamp = new Date();
      const body: WebhookBody = {
        id: message.id,
        type: message.notification.type,
        timestamp: timestamp.toISOString(),
        data: message.notification,
      };
      const payload = JSON.stringify(body);
      let response: Response;
      try {
        response = await send(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': message.id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signer.sign(message.id, timestamp, payload),
          },
          body: payload,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the request failed';
        throw new StepDownError('DELIVERY_FAILED', `Webhook delivery of ${message.id} failed: ${reason}; it will be retried.`, {
          messageId: message.id,
        });
      }
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) {
        throw new StepDownError(
          'DELIVERY_FAILED',
          `Webhook delivery of ${message.id} got HTTP ${response.status}; it will be retried.`,
          { messageId: message.id, status: response.status },
        );
      }
    },
  };
}
