import { Webhook } from 'standardwebhooks';
import { StepDownError } from '../src/errors.js';
import type { Emitter } from '../src/engine/delivery.js';
import type { OutboxMessage } from '../src/engine/store.js';

/** Options of the webhook emitter. */
export interface WebhookEmitterOptions {
  /** Where to POST each notification: an `http:` or `https:` URL. Redirects from it are never followed. */
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

/** The longest `Retry-After` the emitter reports: a receiver cannot park a message for longer than a day. */
export const maxRetryAfterMs = 24 * 60 * 60_000;

/** How much of an answer's body is read (and thrown away) so its connection can be reused. */
const maxDrainBytes = 64 * 1024;

/**
 * Delivers notifications by HTTP POST, signed as the Standard Webhooks specification says
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`), so any receiver can verify them with an
 * off-the-shelf library. The `webhook-id` is the outbox message id, stable across retries, so a
 * receiver can drop duplicates.
 *
 * Only a 2xx answer from the URL itself delivers. Every failure is a `StepDownError`
 * `DELIVERY_FAILED` whose `details` say what happened (`messageId`, and `status` when there was an
 * answer), and the engine leaves the message in the outbox:
 * - a redirect (3xx) is never followed (the signed POST would reach another URL, or become a
 *   bodiless GET whose 200 would count as delivered): a failed attempt, `details.redirect: true`;
 * - 408, 429, 5xx, a timeout or a network error: retried with backoff; a `Retry-After` header
 *   (seconds or an HTTP date) is reported as `details.retryAfterMs`, which the engine waits at least;
 * - any other 4xx: the receiver refused the message and repeating it will not help:
 *   `details.permanent: true`.
 *
 * An empty or malformed secret, a URL that is not `http:` or `https:`, or a timeout that is not a
 * positive number is `INVALID_ARGUMENT` at construction. No message quotes the URL or the secret.
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
  const url = checkUrl(options.url);
  const signer = checkSecret(options.secret);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new StepDownError('INVALID_ARGUMENT', 'The webhook timeoutMs must be a positive number of milliseconds.');
  }
  const send = options.fetch ?? globalThis.fetch;
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
        response = await send(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': message.id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signer.sign(message.id, timestamp, payload),
          },
          body: payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        const reason = timedOut ? `no answer within ${timeoutMs} ms` : 'the request failed';
        throw new StepDownError('DELIVERY_FAILED', `Webhook delivery of ${message.id} failed: ${reason}; it will be retried.`, {
          messageId: message.id,
          reason: timedOut ? 'timeout' : 'network',
        });
      }
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      await drain(response);
      const { status } = response;
      // A fetch that followed a redirect anyway (a host's own fetch) reports `redirected`: the 2xx
      // came from another URL, so the message did not reach this one.
      const redirect = response.type === 'opaqueredirect' || response.redirected || (status >= 300 && status < 400);
      if (!redirect && status >= 200 && status < 300) return;
      if (redirect) {
        throw new StepDownError(
          'DELIVERY_FAILED',
          `Webhook delivery of ${message.id} got HTTP ${status}, a redirect, which is not followed: ` +
            'configure the URL it points to; the message will be retried.',
          { messageId: message.id, status, redirect: true },
        );
      }
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        throw new StepDownError(
          'DELIVERY_FAILED',
          `Webhook delivery of ${message.id} was refused with HTTP ${status}: repeating it will not help until the receiver or its configuration changes.`,
          { messageId: message.id, status, permanent: true },
        );
      }
      throw new StepDownError(
        'DELIVERY_FAILED',
        `Webhook delivery of ${message.id} got HTTP ${status}; it will be retried.`,
        retryAfterMs === null ? { messageId: message.id, status } : { messageId: message.id, status, retryAfterMs },
      );
    },
  };
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds, at most {@link maxRetryAfterMs}: a
 * number of seconds, or an HTTP date (a date already past asks for no wait). Null when there is no
 * header or it is neither.
 *
 * @example
 * ```ts
 * parseRetryAfter('120', Date.now());                                   // => 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T07:27:00Z')); // => 60000
 * parseRetryAfter('soon', Date.now());                                  // => null
 * ```
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Math.min(maxRetryAfterMs, Number(value) * 1000);
  // An HTTP date always names its day or month; without a letter `Date.parse('5')` would be a year.
  if (!/[A-Za-z]/.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.min(maxRetryAfterMs, Math.max(0, at - now));
}

function checkUrl(url: unknown): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new StepDownError('INVALID_ARGUMENT', 'The webhook url cannot be parsed as a URL: give an absolute http or https URL.');
  }
  if (typeof url !== 'string' || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new StepDownError('INVALID_ARGUMENT', 'The webhook url must be an http or https URL.', { protocol: parsed.protocol });
  }
  return parsed.href;
}

function checkSecret(secret: unknown): Webhook {
  const key = typeof secret === 'string' ? secret.trim().replace(/^whsec_/, '') : '';
  if (key.length === 0) {
    throw new StepDownError('INVALID_ARGUMENT', 'The webhook secret is empty: give the base64 signing secret (whsec_…).');
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key)) {
    throw new StepDownError('INVALID_ARGUMENT', 'The webhook secret is not base64: give the base64 signing secret (whsec_…).');
  }
  try {
    return new Webhook(key);
  } catch {
    throw new StepDownError('INVALID_ARGUMENT', 'The webhook secret is not a valid signing secret: give the base64 signing secret (whsec_…).');
  }
}

/**
 * Reads and discards a little of the body so the connection can be reused, then lets the rest go:
 * a receiver that streams without end cannot hold the delivery, or fill memory.
 */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    for (let read = 0; read <= maxDrainBytes; ) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // An answer cut short or timed out has already been judged by its status.
  }
}
