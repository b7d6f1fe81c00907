import { z } from 'zod';
import { StepDownError } from '../errors.js';
import { idSchema } from '../ids/id.js';
import type { CaseContext, CaseInput } from './context.js';

/** Validates the input that opens a case. */
export const caseInputSchema = z
  .object({
    caseId: idSchema.describe("The host's id for the case: id-shaped, never a name"),
    route: z.enum(['cin-outcome', 'cp-outcome', 'ten-day-checkpoint']).describe('F step 1: the decision the case enters from'),
    openedAt: z.iso.datetime({ offset: true }).describe('When the step-down decision was taken, ISO 8601 with offset'),
    familyId: idSchema.optional().describe('The family group of siblings stepping down together'),
    rulesVersion: z.union([z.literal(1), z.literal(2)]).optional().describe('Only for reading version-1 trails'),
    policyVersion: idSchema.optional().describe('The policy version that governs the case, when the engine holds several'),
  })
  .strict();

/** The context of a newly opened case. Throws `INVALID_INPUT` naming each bad field. */
export function initialContext(input: CaseInput): CaseContext {
  // xstate's pure `transition` builds a throwaway actor on every call, which runs this factory with
  // no input and keeps whatever it throws: the same refusal, without a stack trace per transition.
  if (input === undefined) throw withoutStack(() => invalidInput((missingInput ??= caseInputSchema.safeParse(input))));
  const parsed = caseInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed);
  const { caseId, route, openedAt, familyId, rulesVersion, policyVersion } = parsed.data;
  return {
    caseId,
    route,
    openedAt,
    rulesVersion: rulesVersion ?? 2,
    familyId: familyId ?? null,
    destination: 'caf',
    decisionAt: null,
    decisionBy: null,
    people: {},
    views: {},
    consents: {},
    disagreements: [],
    leadProfessional: null,
    ladderAt: null,
    leadProfessionalSearch: null,
    lastMeetings: 0,
    finalMeeting: null,
    closure: {
      referralAt: null,
      transferDetailsAt: null,
      summaryBy: null,
      summaryAuthors: [],
      summaryAt: null,
      review: null,
      returns: 0,
      returnedAt: null,
      authorisedAt: null,
      sharedAt: null,
      closedAt: null,
    },
    ehm: { infoRequests: 0, infoRequestedAt: null, infoProvidedAt: null, authorisedAt: null, leadProfessionalContactedAt: null },
    familyPlan: { actions: {}, meetings: 0, lastMeetingAt: null, finalMeetingAt: null, reassessments: 0 },
    deadlines: [],
    breaches: [],
    withdrawnBreaches: [],
    lastStepAt: openedAt,
    outcome: null,
    ...(policyVersion !== undefined ? { policyVersion } : {}),
    settledDeadlines: {},
  };
}

function invalidInput(parsed: { readonly error?: z.ZodError }): StepDownError {
  const issues = (parsed.error?.issues ?? []).map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  return new StepDownError(
    'INVALID_INPUT',
    `Case input is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  );
}

/** Builds an error without capturing a stack: for a refusal met on every `transition`, not a fault. */
function withoutStack(make: () => StepDownError): StepDownError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The schema's verdict on no input at all, the same every time. */
let missingInput: { readonly error?: z.ZodError } | undefined;
