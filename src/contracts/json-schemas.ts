import { z } from 'zod';
import { caseViewSchema } from './case-view.js';
import { notificationSchema } from './notifications.js';
import { webhookBodySchema } from './webhook-body.js';

/** The JSON Schema documents the package ships beside `events.schema.json`, by file name under docs/. */
export const contractSchemas = {
  'notifications.schema.json': { title: 'caf-step-down notification', schema: notificationSchema },
  'case-view.schema.json': { title: 'caf-step-down case view', schema: caseViewSchema },
  'webhook.schema.json': { title: 'caf-step-down webhook body', schema: webhookBodySchema },
} as const;

/** One contract as JSON Schema (draft 2020-12), from its zod schema. */
export function contractJsonSchema(schema: z.ZodType, title: string): Record<string, unknown> {
  return { title, ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) } as Record<string, unknown>;
}
