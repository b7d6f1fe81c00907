import { z } from 'zod';
import { errorCodes } from '../errors.js';
import { isoDateTime } from '../events/common.js';
import { eventsJsonSchema } from '../events/json-schema.js';
import { caseInputSchema } from '../machine/initial-context.js';
import { roleSchema } from '../policy/roles.js';
import { idSchema } from '../ids/id.js';

/**
 * The request and response bodies of the service that are not events, as zod schemas: the OpenAPI
 * document is generated from them (and from the event schemas), so it cannot drift from the code.
 */

/** `POST /cases`: what opens a case. The actor is the caller. */
export const openCaseBody = z
  .strictObject({
    caseId: caseInputSchema.shape.caseId,
    route: caseInputSchema.shape.route,
    familyId: caseInputSchema.shape.familyId,
    at: isoDateTime.describe('When the step-down decision was taken: ISO 8601 with offset.'),
  })
  .describe('Opens a case at version 1. The actor is the authenticated caller: a social-worker or team-manager.');

/** `POST /tick`: the instant to tick at, the server's clock when omitted. */
export const tickBody = z
  .strictObject({ at: isoDateTime.optional().describe("The instant to tick at; the server's clock when omitted.") })
  .describe('Records every deadline due before the instant, on every case that has one.');

/** What `POST /tick` answers. */
export const tickResult = z
  .object({
    cases: z.number().int().describe('Cases that had a deadline due and were ticked.'),
    breaches: z.number().int().describe('Breaches recorded across them.'),
    failed: z
      .array(z.object({ caseId: z.string(), code: z.string() }))
      .describe('Cases whose tick failed, with the error code; each stays due and the next tick retries it.'),
  })
  .describe('What one tick did.');

/** What `POST /verify` answers: `engine.verifyAll`'s result. */
export const verifyAllResult = z
  .object({
    cases: z.number().int().describe('Cases checked.'),
    entries: z.number().int().describe('Audit entries verified across them.'),
    broken: z
      .array(
        z.object({
          caseId: z.string(),
          code: z.string().describe('AUDIT_TRAIL_BROKEN, REBUILD_MISMATCH, DECRYPTION_FAILED, …'),
          problem: z.string().nullable().describe('What was found (truncated, forged, snapshot…), when known.'),
          seq: z.number().int().nullable().describe('The sequence number where it was found, when known.'),
        }),
      )
      .describe('Each broken case by id and code; empty when every trail holds.'),
  })
  .describe('Every case of the store checked: chain, head (and signature when the engine has a key), version and replay.');

/** What `POST /cases/{caseId}/rebuild` answers. */
export const verifyResult = z
  .object({
    caseId: z.string(),
    verified: z.boolean().describe('True when the audit trail verifies and replays to the stored case.'),
    version: z.number().int().optional().describe('The version verified.'),
    code: z.enum(['AUDIT_TRAIL_BROKEN', 'REBUILD_MISMATCH']).optional().describe('Why it did not verify.'),
    details: z.record(z.string(), z.unknown()).optional().describe('Where it diverges: entry seq, problem, fields.'),
  })
  .describe("A case's audit trail checked against the stored case.");

/** What `POST /cases/{caseId}/explain` answers. */
export const explainResult = z
  .object({
    refusal: z
      .object({
        code: z.string().describe('The code a send would be refused with.'),
        message: z.string(),
        rules: z.array(z.object({ rule: z.string(), citation: z.string(), reason: z.string() }).loose()),
      })
      .loose()
      .nullable()
      .describe('Why the case would refuse the event now, or null when it would take it.'),
  })
  .describe('Stores nothing.');

/** The RFC 9457 problem body of every error. */
export const problemBody = z
  .object({
    type: z.string().describe('A URI naming the kind of problem.'),
    title: z.string().describe("The HTTP status's reason phrase."),
    status: z.number().int().describe('The HTTP status.'),
    detail: z.string().describe('What to fix, in words; never a value from the request.'),
    code: z.enum(errorCodes).describe('The StepDownError code: stable, safe to switch on.'),
    details: z.record(z.string(), z.unknown()).optional().describe('Structured data: field paths, rule ids, citations, ids.'),
  })
  .describe('An RFC 9457 problem (application/problem+json).');

/** The query of `GET /worklist`, one parameter per `engine.worklist` filter. */
export const worklistParameters = [
  { name: 'role', schema: jsonSchemaOf(roleSchema), description: 'Only the steps of this role.' },
  { name: 'personId', schema: { type: 'string' }, description: "Only the steps of this person (a Lead Professional's person id)." },
  { name: 'actorId', schema: { type: 'string' }, description: 'Only the steps of this user (the Team Manager who agreed the decision).' },
  { name: 'dueBefore', schema: { type: 'string', format: 'date-time' }, description: 'Only the steps due before this instant: ISO 8601 with offset.' },
  { name: 'breached', schema: { type: 'boolean' }, description: 'true: only the steps whose deadline is missed; false: only the others.' },
  { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 1000 }, description: 'At most this many (100 by default).' },
] as const;

/**
 * The JSON Schema of each event as a request body: the event's own schema without `actor`, which
 * the service takes from the caller's token. Keyed by event type.
 */
export function eventBodySchemas(): Record<string, Record<string, unknown>> {
  const { $defs } = eventsJsonSchema();
  return Object.fromEntries(
    Object.entries($defs).map(([type, definition]) => {
      const { properties, required, ...rest } = definition as { properties: Record<string, unknown>; required?: string[] };
      const { actor: _actor, ...others } = properties;
      return [type, { ...rest, properties: others, ...(required ? { required: required.filter((r) => r !== 'actor') } : {}) }];
    }),
  );
}

/** A JSON Schema of a zod schema, as OpenAPI 3.1 takes it (no `$schema`). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** `POST /cases/{caseId}/policy-preview`: the version a Team Manager would move the case to, and when. */
export const policyPreviewBody = z
  .strictObject({
    policyVersion: idSchema.describe('The newer version of the policy, e.g. 2025-04.'),
    at: isoDateTime.optional().describe("The date of the adoption to preview; the server's clock when omitted."),
  })
  .describe("What a Team Manager's policy.adopted would change on the case. Stores nothing.");

const identity = z.object({ id: z.string(), version: z.string(), effectiveFrom: z.string() });
const timing = z.object({ due: isoDateTime, windowOpens: z.string().optional() });

/** What `POST /cases/{caseId}/policy-preview` answers: `engine.previewPolicyChange`. */
export const policyChangeResult = z
  .object({
    caseId: z.string(),
    from: identity,
    to: identity,
    at: isoDateTime.describe('The date of the adoption.'),
    deadlines: z.array(z.object({ deadlineId: z.string(), rule: z.string(), before: timing, after: timing })).describe('Every deadline whose due instant or window moves.'),
    kept: z
      .array(z.object({ deadlineId: z.string(), rule: z.string(), reason: z.enum(['overdue', 'new-due-passed']) }))
      .describe('Open deadlines the adoption leaves as they are, and why.'),
    pending: z
      .array(z.object({ step: z.string(), rule: z.string(), detail: z.string().optional(), before: z.string().optional(), after: z.string().optional() }))
      .describe('Pending steps whose due instant moves.'),
    breaches: z.object({ recorded: z.array(z.object({}).loose()), withdrawn: z.array(z.object({}).loose()) }),
  })
  .describe('What moving the case to another policy version would change: ids, rule ids and dates only.');
