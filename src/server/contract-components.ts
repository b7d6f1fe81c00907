import { contractJsonSchema } from '../contracts/json-schemas.js';
import { caseViewSchema } from '../contracts/case-view.js';
import { notificationSchema } from '../contracts/notifications.js';
import { webhookBodySchema } from '../contracts/webhook-body.js';

/**
 * The shipped contracts (docs/case-view.schema.json, notifications.schema.json, webhook.schema.json)
 * as OpenAPI components, from the same zod schemas, so the service's answers and the files agree.
 */
export function contractComponents(): Record<string, Record<string, unknown>> {
  const component = (schema: Parameters<typeof contractJsonSchema>[0]) => {
    const { $schema: _dialect, title: _title, ...rest } = contractJsonSchema(schema, '');
    return rest;
  };
  return { CaseView: component(caseViewSchema), Notification: component(notificationSchema), WebhookBody: component(webhookBodySchema) };
}
