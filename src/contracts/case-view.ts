import { z } from 'zod';
import { eventTypes, type EventType } from '../events/registry.js';
import { roleSchema } from '../policy/roles.js';
import { outcomeSchema, ruleIdSchema, stageSchema } from './notifications.js';

const instant = z.string().describe('ISO 8601 date-time with offset.');

const breach = {
  rule: ruleIdSchema,
  citation: z.string(),
  due: instant.nullable().describe("The deadline's due instant; null for a record rule."),
  detectedAt: instant.describe('The `at` of the tick or event that found it.'),
  deadlineId: z.string().nullable(),
};

/** What `engine.get` (and `GET /cases/{caseId}`) answers: a case at a glance, ids, rule ids and dates only. */
export const caseViewSchema = z
  .object({
    caseId: z.string(),
    route: z.enum(['cin-outcome', 'cp-outcome', 'ten-day-checkpoint']),
    familyId: z.string().nullable().describe('The family group of siblings stepping down together, or null.'),
    destination: z.enum(['caf', 'universal-services']),
    stage: stageSchema,
    outcome: outcomeSchema.nullable(),
    states: z.array(z.string()).readonly().describe('The active state(s), dotted.'),
    deadlines: z
      .array(
        z.object({
          id: z.string(),
          rule: ruleIdSchema,
          citation: z.string(),
          opensAt: instant,
          due: instant.describe("The deadline's last instant in London."),
          status: z.enum(['open', 'met', 'met-late', 'missed', 'cancelled']),
          closedAt: instant.nullable(),
          recordedAt: instant.optional().describe('When the step that met it was recorded, where later than it happened.'),
          windowOpens: z.string().optional().describe('For a family plan review only: the London date (YYYY-MM-DD) its window opens.'),
          calendarVersion: z.string().optional().describe('For a deadline counted in working days: the version of the bank-holiday calendar it was counted with.'),
        }),
      )
      .readonly(),
    breaches: z.array(z.object(breach)).readonly(),
    withdrawnBreaches: z
      .array(z.object({ ...breach, withdrawnAt: instant, withdrawnBecause: z.enum(['met-on-time', 'no-longer-needed', 'calendar-changed']) }))
      .readonly(),
    pending: z
      .array(
        z.object({
          step: z.enum(eventTypes as [EventType, ...EventType[]]),
          role: roleSchema,
          rule: ruleIdSchema,
          detail: z.string().optional(),
          personId: z.string().optional(),
          actorId: z.string().optional(),
          due: instant.optional(),
        }),
      )
      .readonly()
      .describe('What the case waits for, in policy order, from whom and by when.'),
    version: z.number().int(),
    voided: z.array(z.object({ eventId: z.string(), type: z.string(), voidedBy: z.string() })).readonly(),
    eventId: z.string().optional().describe('From `send`: the id of the event just recorded.'),
    policy: z
      .object({ id: z.string(), version: z.string(), effectiveFrom: z.string().describe('London date (YYYY-MM-DD) the version is in force from.') })
      .describe('The version of the council policy that governs the case.'),
  })
  .describe('A case at a glance: stage, outcome, deadlines, breaches and what it waits for. No personal data.');
