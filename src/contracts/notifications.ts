import { z } from 'zod';
import { outcomes, type Outcome } from '../machine/context.js';
import { roleSchema } from '../policy/roles.js';
import { rules, type RuleId } from '../policy/rules.js';

// The contracts of what the library hands a host (notifications, case views, webhook bodies) as zod
// schemas, so their JSON Schemas are generated, not written by hand; the TypeScript types stay the
// source of truth and test/contracts checks both ways that these schemas describe exactly them.

const instant = z.string().describe('ISO 8601 date-time with offset.');
const id = z.string().describe('An id the host or the engine gave: never free text.');
/** Every rule id of the catalogue. */
export const ruleIdSchema = z.enum(rules.map((r) => r.id) as [RuleId, ...RuleId[]]).describe('A rule of the catalogue (docs/policy-trace.md).');
/** The stages a manager sees. */
export const stageSchema = z.enum(['decision', 'preparation', 'closure', 'early-help', 'closed']);
/** How a case ends. */
export const outcomeSchema = z.enum(outcomes as [Outcome, ...Outcome[]]);

/** Every notification the machine emits and the engine adds, one object per `type`. */
export const notificationSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('breach.recorded'), caseId: id, rule: ruleIdSchema, citation: z.string(), deadlineId: id.nullable(), due: instant.nullable(), detectedAt: instant }),
    z.object({ type: z.literal('breach.withdrawn'), caseId: id, rule: ruleIdSchema, deadlineId: id, at: instant, reason: z.enum(['met-on-time', 'no-longer-needed', 'voided', 'calendar-changed']) }),
    z.object({ type: z.literal('deadline.moved'), caseId: id, rule: ruleIdSchema, deadlineId: id, from: instant, to: instant, calendarVersion: z.string().describe('The version of the calendar the new due instant was counted with.'), at: instant }),
    z.object({ type: z.literal('deadline.opened'), caseId: id, rule: ruleIdSchema, deadlineId: id, due: instant }),
    z.object({ type: z.literal('stage.entered'), caseId: id, stage: stageSchema, at: instant }),
    z.object({ type: z.literal('outcome.reached'), caseId: id, outcome: outcomeSchema, at: instant }),
    z.object({ type: z.literal('leadProfessional.toContact'), caseId: id, at: instant }),
    z.object({
      type: z.literal('parties.toInform'),
      caseId: id,
      reason: z.enum(['no-lead-professional', 'caf-closed', 'step-down-withdrawn', 'stepped-up', 'consent-withdrawn', 'transferred-out', 'universal-services']),
      personIds: z.array(id).readonly(),
      roles: z.array(roleSchema).readonly(),
      at: instant,
    }),
    z.object({ type: z.literal('leadProfessional.needed'), caseId: id, at: instant }),
    z.object({ type: z.literal('case.opened'), caseId: id, at: instant }),
    z.object({ type: z.literal('event.voided'), caseId: id, eventId: id, eventType: z.string(), voidEventId: id, at: instant }),
    z.object({ type: z.literal('event.refused'), caseId: id, eventType: z.string(), code: z.string(), rules: z.array(z.string()).readonly(), at: instant.nullable() }),
    z.object({ type: z.literal('audit.broken'), caseId: id, code: z.literal('AUDIT_TRAIL_BROKEN'), seq: z.number().int().nullable(), problem: z.string().nullable(), at: instant }),
  ])
  .describe('A notification: ids, rule ids, dates and codes only, never free text from an event.');
