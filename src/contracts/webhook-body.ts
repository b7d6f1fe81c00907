import { z } from 'zod';
import { notificationSchema } from './notifications.js';

/** The JSON body the webhook emitter posts (adapters/webhook.ts `WebhookBody`). */
export const webhookBodySchema = z
  .object({
    id: z.string().describe('The message id, also the `webhook-id` header: stable across retries, to drop duplicates.'),
    type: z.string().describe("The notification's type."),
    timestamp: z.string().describe('When this attempt was sent, ISO 8601 in UTC.'),
    data: notificationSchema,
  })
  .describe('A notification delivered by webhook, signed as Standard Webhooks says.');
