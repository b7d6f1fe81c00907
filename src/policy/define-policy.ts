import { z } from 'zod';
import { StepDownError } from '../errors.js';
import { idSchema } from '../ids/id.js';
import type { Calendar, Division } from '../calendar/index.js';
import type { EventType } from '../events/index.js';
import { defaultPermissions } from './permissions.js';
import type { Role } from './roles.js';

/** The timescales of the policy, each named after the rule it serves. */
export interface Timescales {
  /** `disagreement-resolution`: working days to resolve a disagreement (G "Decision made…" ¶3–4). */
  readonly disagreementResolutionWorkingDays: number;
  /** `first-meeting-date`: latest day after the final meeting for the first family plan meeting date (G "Final CIN…" ¶3). */
  readonly firstMeetingDateDays: number;
  /** `first-family-plan-meeting`: days after CSC closes to hold the initial meeting (G "Initial Family Planning Meeting" ¶1). */
  readonly firstFamilyPlanMeetingDays: number;
  /** `family-plan-review`: first day of the review window after the previous meeting (G "Role of the Lead Professional" ¶2). */
  readonly reviewWindowStartDays: number;
  /** `family-plan-review`: last day of the review window after the previous meeting (G "Role of the Lead Professional" ¶2). */
  readonly reviewWindowEndDays: number;
  /** `caf-twelve-months`: calendar months from the CAF starting, or from a reassessment (G "Role of the Lead Professional" ¶4). */
  readonly cafMonths: number;
  /**
   * `caf-twelve-months`: how many months before the clock's end a reassessment counts (1: from month
   * 11). An earlier reassessment is recorded but does not move the clock, so the clock cannot be reset early.
   */
  readonly reassessmentWindowMonths: number;
}

/** A complete policy: what the machine enforces. Build one with {@link definePolicy}. */
export interface Policy {
  /** Whose bank holidays count (default `england-and-wales`). */
  readonly division: Division;
  /** A host-supplied calendar; when set it replaces the shipped data for `division`. */
  readonly calendar: Calendar | undefined;
  /** The deadlines. */
  readonly timescales: Timescales;
  /** Which roles may send each event. Fixed by the policy; not overridable. */
  readonly permissions: Readonly<Record<EventType, readonly Role[]>>;
  /** Which policy this is: the council's name for it, id-shaped (`caf-step-down` by default). */
  readonly id: string;
  /** Which version of it, id-shaped (`2024-08` by default: the guidance as reviewed August 2024). */
  readonly version: string;
  /** The London date from which it governs a case decided on or after it (`YYYY-MM-DD`). */
  readonly effectiveFrom: string;
}

/**
 * The guidance's own identity: "Reviewed August 2024" (the practice guidance's last line), in force
 * from the first of that month (docs/decisions.md "Policy versions").
 *
 * @example
 * ```ts
 * definePolicy().version === defaultPolicyIdentity.version; // => true
 * ```
 */
export const defaultPolicyIdentity = { id: 'caf-step-down', version: '2024-08', effectiveFrom: '2024-08-01' } as const;

/** A London calendar date, `YYYY-MM-DD`, that exists (no 31 April). */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date as YYYY-MM-DD' })
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, { message: 'expected a date that exists, as YYYY-MM-DD' });

/** The council's own deadlines, as the practice guidance gives them. */
export const defaultTimescales: Timescales = {
  disagreementResolutionWorkingDays: 5,
  firstMeetingDateDays: 28,
  firstFamilyPlanMeetingDays: 28,
  reviewWindowStartDays: 42,
  reviewWindowEndDays: 56,
  cafMonths: 12,
  reassessmentWindowMonths: 1,
};

const days = z.number().int().min(1).max(366);

/** The overrides {@link definePolicy} accepts, validated strictly: an unknown field is an error. */
export const policyOverridesSchema = z
  .object({
    id: idSchema.optional(),
    version: idSchema.optional(),
    effectiveFrom: isoDate.optional(),
    division: z.enum(['england-and-wales', 'scotland', 'northern-ireland']).optional(),
    calendar: z
      .custom<Calendar>((value) => typeof value === 'object' && value !== null && 'division' in value, {
        message: 'expected a calendar built by createCalendar() or calendarFromGovUk()',
      })
      .optional(),
    timescales: z
      .object({
        disagreementResolutionWorkingDays: days.optional(),
        firstMeetingDateDays: days.optional(),
        firstFamilyPlanMeetingDays: days.optional(),
        reviewWindowStartDays: days.optional(),
        reviewWindowEndDays: days.optional(),
        cafMonths: z.number().int().min(1).max(60).optional(),
        reassessmentWindowMonths: z.number().int().min(1).max(60).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * What a council may change: timescales and the bank-holiday division or calendar, and which version
 * of its policy this is (`id`, `version` and `effectiveFrom`; `version` and `effectiveFrom` go together).
 */
export type PolicyOverrides = z.input<typeof policyOverridesSchema>;

/**
 * Builds a policy from the defaults of the practice guidance and a council's overrides.
 * Throws `StepDownError` with code `INVALID_POLICY` naming each bad field.
 *
 * @example
 * ```ts
 * const scottish = definePolicy({ division: 'scotland' });
 * const stricter = definePolicy({ timescales: { disagreementResolutionWorkingDays: 3 } });
 * const revised = definePolicy({ version: '2025-04', effectiveFrom: '2025-04-01', timescales: { firstFamilyPlanMeetingDays: 20 } });
 * ```
 */
export function definePolicy(overrides: PolicyOverrides = {}): Policy {
  const parsed = policyOverridesSchema.safeParse(overrides);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(root)',
      message: issue.message,
    }));
    throw new StepDownError(
      'INVALID_POLICY',
      `Policy overrides are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  const timescales = { ...defaultTimescales, ...stripUndefined(parsed.data.timescales ?? {}) };
  if (timescales.reviewWindowStartDays > timescales.reviewWindowEndDays) {
    throw new StepDownError(
      'INVALID_POLICY',
      'Policy overrides are invalid: timescales.reviewWindowStartDays must not be after timescales.reviewWindowEndDays.',
      { issues: [{ path: 'timescales.reviewWindowStartDays', message: 'after reviewWindowEndDays' }] },
    );
  }
  if (timescales.reassessmentWindowMonths > timescales.cafMonths) {
    throw new StepDownError(
      'INVALID_POLICY',
      'Policy overrides are invalid: timescales.reassessmentWindowMonths must not be more than timescales.cafMonths.',
      { issues: [{ path: 'timescales.reassessmentWindowMonths', message: 'more than cafMonths' }] },
    );
  }
  const { id, version, effectiveFrom } = parsed.data;
  if ((version === undefined) !== (effectiveFrom === undefined)) {
    const missing = version === undefined ? 'version' : 'effectiveFrom';
    throw new StepDownError(
      'INVALID_POLICY',
      `Policy overrides are invalid: ${missing}: a policy version needs both a version and the date it is in force from (effectiveFrom).`,
      { issues: [{ path: missing, message: 'required with the other' }] },
    );
  }
  const calendar = parsed.data.calendar;
  return {
    division: calendar?.division ?? parsed.data.division ?? 'england-and-wales',
    calendar,
    timescales,
    permissions: defaultPermissions,
    id: id ?? defaultPolicyIdentity.id,
    version: version ?? defaultPolicyIdentity.version,
    effectiveFrom: effectiveFrom ?? defaultPolicyIdentity.effectiveFrom,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The policy as the practice guidance writes it, for England and Wales. */
export const defaultPolicy: Policy = definePolicy();
