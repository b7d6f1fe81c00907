import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { divisions } from '../calendar/index.js';
import { StepDownError, isStepDownError } from '../errors.js';
import { isoDate, isoDateTime } from '../events/common.js';
import { eventTypes, isEventType, parseEvent, type EventIssue, type EventType } from '../events/index.js';
import { relationshipSchema } from '../events/people.js';
import { idSchema } from '../ids/id.js';
import { outcomes, type Outcome } from '../machine/context.js';
import type { Stage } from '../machine/notifications.js';
import { policyOverridesSchema } from '../policy/define-policy.js';
import { scenarioPolicies } from './scenario-policies.js';
import { rules, type RuleId } from '../policy/rules.js';
import { roles } from '../policy/roles.js';
import { CaseSoFar } from './case-so-far.js';
import { formatJsonPath, readJsonSource, JsonSyntaxError, type JsonPathSegment, type JsonSource } from './json-source.js';
import { buildEvent, peopleEvents, recordingClock, resolveAt, stepEventId } from './steps.js';
import { isAfter } from '../machine/instants.js';

/** The stages a case can be in, as `describeCase` names them. */
export const stages: readonly Stage[] = ['decision', 'preparation', 'closure', 'early-help', 'closed'];

/**
 * The refusal codes a step may expect: the engine's refusals of one event, those of a correction
 * (`UNKNOWN_EVENT`, `VOID_CONFLICT`), of an event's identity and date (`DUPLICATE_EVENT`,
 * `NO_EFFECT`, `FUTURE_DATED`) and of a move to another policy version (`UNKNOWN_POLICY_VERSION`,
 * `POLICY_NOT_NEWER`, `POLICY_NOT_IN_FORCE`).
 */
export const refusalCodes = [
  'INVALID_EVENT',
  'NOT_ALLOWED',
  'EVENT_NOT_ACCEPTED',
  'GATE_BLOCKED',
  'CALENDAR_OUT_OF_RANGE',
  'NO_EFFECT',
  'FUTURE_DATED',
  'DUPLICATE_EVENT',
  'UNKNOWN_EVENT',
  'VOID_CONFLICT',
  'UNKNOWN_POLICY_VERSION',
  'POLICY_NOT_NEWER',
  'POLICY_NOT_IN_FORCE',
] as const;

/** A refusal code a step may expect, e.g. `GATE_BLOCKED`. */
export type RefusalCode = (typeof refusalCodes)[number];

const ruleIds = rules.map((r) => r.id) as [RuleId, ...RuleId[]];
const stepEventTypes = eventTypes.filter((t) => t !== 'clock.tick');

/**
 * When a step happened: a date-time with offset, or a date alone (10:00 London time for an event,
 * 02:00 for a tick: see `resolveAt`). A date-time without an offset is refused, as the engine
 * refuses it: it names no single instant across the clock change.
 */
const when = z
  .string()
  .refine((value) => isoDate.safeParse(value).success || isoDateTime.safeParse(value).success, {
    error: 'expected a date YYYY-MM-DD or a date-time with offset, e.g. 2024-05-01T10:00:00+01:00',
  })
  .describe('A date YYYY-MM-DD (10:00 London time; 02:00 for a tick) or an ISO 8601 date-time with offset.');

/** A case's key in a family scenario: short, lower case, what steps name it by. */
const caseKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: 'lower-case letters, digits and hyphens only, e.g. older' });

const ruleId = z
  .string()
  .refine((value): value is RuleId => (ruleIds as readonly string[]).includes(value), {
    error: 'not a rule id of the catalogue (docs/policy-trace.md lists them)',
  })
  .describe('A rule id of the catalogue, e.g. family-plan-review.');

/** A breach as a scenario expects it: the rule alone, or the rule with its due date and the date it was found. */
const expectedBreach = z.union([
  ruleId,
  z.strictObject({
    rule: ruleId,
    due: isoDate.optional().describe('The London date the missed deadline was due (its last day).'),
    detectedOn: isoDate.optional().describe('The London date of the tick or event that found it.'),
  }),
]);

/** A step the case should be waiting for: the step, and whichever of who and when the scenario names. */
const expectedPending = z.strictObject({
  step: z.string().describe('The event type that takes the step, e.g. familyPlanMeeting.held.'),
  role: z.enum(roles).optional().describe('The role that takes it.'),
  detail: z.string().optional().describe("A person's or disagreement's id, or a kind of meeting."),
  personId: idSchema.optional().describe("The person who is to take it (the Lead Professional's person id)."),
  actorId: idSchema.optional().describe('The user who is to take it (the Team Manager who agreed the decision).'),
  due: isoDate.optional().describe('The London date it falls due (its last day).'),
});

/**
 * What a scenario expects of one case, after a step or at the end. Only what is given is checked.
 * `breaches` is every breach on the case so far, in any order: a breach not listed is a failure.
 *
 * @example
 * ```ts
 * caseExpectationSchema.parse({ stage: 'early-help', pending: [{ step: 'familyPlanMeeting.held', personId: 'lp-1', due: '2025-10-30' }] });
 * ```
 */
export const caseExpectationSchema = z
  .strictObject({
    stage: z.enum(stages as [Stage, ...Stage[]]).optional().describe('The stage the case is in.'),
    outcome: z.enum(outcomes as [Outcome, ...Outcome[]]).nullable().optional().describe('The outcome, or null while the case is open.'),
    breaches: z.array(expectedBreach).optional().describe('Every breach on the case so far, in any order.'),
    deadlines: z
      .record(
        z.string(),
        z.strictObject({
          status: z.enum(['open', 'met', 'met-late', 'missed', 'cancelled']).optional(),
          due: isoDate.optional().describe('The London date of its last day.'),
          windowOpens: isoDate.optional().describe('For a family plan review: the London date its 6–8 week window opens.'),
          recordedOn: isoDate
            .optional()
            .describe('The London date the step that met it was recorded: for a step recorded late but dated on time.'),
        }),
      )
      .optional()
      .describe('Deadlines by id (e.g. family-plan-review:2) and what they should show.'),
    voided: z.array(idSchema).optional().describe('The eventIds of every event voided so far, in any order.'),
    pending: z
      .array(expectedPending)
      .optional()
      .describe('Steps the case should be waiting for (each among its pending steps, matching every field given).'),
    policyVersion: z.string().optional().describe('The version of the policy that governs the case (one of the scenario’s policies).'),
  })
  .describe('What the case should look like.');

/**
 * What a step (or the scenario's end) expects: of its case, or in a family scenario of every case
 * the step reached (a `toFamily` step, a tick, the end), with `cases` for what differs per child.
 *
 * @example
 * ```ts
 * expectationSchema.parse({ outcome: 'caf-closed', cases: { younger: { deadlines: { 'first-family-plan-meeting': { due: '2025-04-30' } } } } });
 * ```
 */
export const expectationSchema = caseExpectationSchema
  .extend({
    cases: z
      .record(z.string(), caseExpectationSchema)
      .optional()
      .describe('In a family scenario: what each case should look like, by its key in family.cases.'),
  })
  .describe('What the case (or each case of the family) should look like.');

/** A step of a scenario: an event sent by a role, or a tick of the host's clock. */
export const scenarioStepSchema = z
  .strictObject({
    at: when,
    as: z.enum(roles).optional().describe('The role that sends the event.'),
    event: z.string().optional().describe('The event type, e.g. views.recorded.'),
    actorId: idSchema.optional().describe("The sender's id, when not the role's simulator id (e.g. a second Team Manager)."),
    actorPersonId: idSchema
      .optional()
      .describe("The person id the sender acts as (actor.personId): default, for the lead-professional role, the case's current Lead Professional."),
    case: caseKey.optional().describe('In a family scenario: the key (in family.cases) of the case the event is sent to.'),
    toFamily: z
      .literal(true)
      .optional()
      .describe("In a family scenario: send the event once for every open case of the family (engine.sendToFamily), all or nothing."),
    eventId: idSchema
      .optional()
      .describe('The eventId the event is sent with (default step-<n>, n the step number): what event.voided names, and what a resend repeats.'),
    recordedAt: when
      .optional()
      .describe("When the step was recorded: the engine's clock for it (default: the latest date so far). A step dated earlier was recorded late."),
    payload: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Fields that differ from the fixture's default payload; objects merge, lists replace."),
    tick: z.literal(true).optional().describe("A tick of the host's clock at `at`: finds every deadline missed by then."),
    expectRefusal: z.enum(refusalCodes).optional().describe('The step is expected to be refused with this code.'),
    expectRefusalRules: z.array(ruleId).optional().describe('Rules the expected refusal must name.'),
    expect: expectationSchema.optional(),
    note: z.string().optional().describe('A note for the reader of the file; not shown in the timeline.'),
  })
  .superRefine((step, ctx) => {
    if (step.tick) {
      for (const field of ['as', 'event', 'actorId', 'actorPersonId', 'case', 'toFamily', 'eventId', 'recordedAt', 'payload', 'expectRefusal', 'expectRefusalRules'] as const) {
        if (step[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'a tick step takes only at, tick, expect and note; remove this field' });
        }
      }
      return;
    }
    if (step.event === undefined) {
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'required: the event type (or "tick": true for a tick of the clock)' });
    } else if (step.event === 'clock.tick') {
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'the clock is a tick step: write { "at": …, "tick": true }' });
    } else if (!isEventType(step.event)) {
      ctx.addIssue({ code: 'custom', path: ['event'], message: `not a known event type${suggest(step.event, stepEventTypes)}` });
    }
    if (step.as === undefined) {
      ctx.addIssue({ code: 'custom', path: ['as'], message: `required: the role that sends it, one of ${roles.join(', ')}` });
    }
    const ownFields = { type: 'event', at: 'at', actor: 'as, actorId', eventId: 'eventId', recordedAt: 'recordedAt' } as const;
    for (const [key, field] of Object.entries(ownFields)) {
      if (step.payload && key in step.payload) {
        ctx.addIssue({ code: 'custom', path: ['payload', key], message: `set by the step itself (${field}); remove it from the payload` });
      }
    }
    if (step.case !== undefined && step.toFamily) {
      ctx.addIssue({ code: 'custom', path: ['toFamily'], message: 'a step goes to one case or to the whole family: give case or toFamily, not both' });
    }
    if (step.expectRefusalRules && !step.expectRefusal) {
      ctx.addIssue({ code: 'custom', path: ['expectRefusalRules'], message: 'needs expectRefusal (the code) beside it' });
    }
  });

/**
 * A person a scenario opens with: an id and a relationship; the name (and a practitioner's agency)
 * default to the fictional family's for its ids, or to a fictional placeholder. Names are display
 * text in the `person.added` event; nothing the simulator prints shows them.
 */
export const scenarioPersonSchema = z
  .strictObject({
    id: idSchema.describe('The person id: what every step names them by, e.g. carer-2.'),
    relationship: relationshipSchema,
    name: z.string().trim().min(1).optional().describe('A fictional name (default: the family’s, or a placeholder).'),
    agency: z.string().trim().min(1).optional().describe("A practitioner's agency (default: the family's, or one of its agencies)."),
    parentalResponsibility: z.boolean().optional().describe('For a parent/carer: whether they hold parental responsibility.'),
  })
  .describe('A person of the case.');

/** One person of a scenario's `people`. */
export type ScenarioPerson = z.infer<typeof scenarioPersonSchema>;

const peopleSchema = z.array(scenarioPersonSchema).superRefine((people, ctx) => {
  const seen = new Set<string>();
  people.forEach((person, index) => {
    if (seen.has(person.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'duplicate person id: list each person once' });
    seen.add(person.id);
  });
});

/**
 * One child's case in a family scenario: its key, and optionally its id, opening date and people.
 *
 * @example
 * ```ts
 * scenarioFamilyCaseSchema.parse({ key: 'younger', people: [{ id: 'child-2', relationship: 'child' }] });
 * ```
 */
export const scenarioFamilyCaseSchema = z
  .strictObject({
    key: caseKey.describe('How steps and expectations name this case, e.g. older.'),
    caseId: idSchema.optional().describe('The case id (default sim-<name>-<key>).'),
    openedAt: when.optional().describe("When this child's case opened (default the scenario's openedAt)."),
    people: peopleSchema
      .optional()
      .describe("The people this case opens with (default the scenario's people, or the fictional family). A person shared by the siblings has the same id in each case."),
  })
  .describe("One child's case of the family.");

/** One child's case of a family scenario. */
export type ScenarioFamilyCase = z.infer<typeof scenarioFamilyCaseSchema>;

/**
 * Siblings stepping down together: cases opened with one familyId.
 *
 * @example
 * ```ts
 * scenarioFamilySchema.parse({ familyId: 'fam-1', cases: [{ key: 'older' }, { key: 'younger' }] });
 * ```
 */
export const scenarioFamilySchema = z
  .strictObject({
    familyId: idSchema.optional().describe('The family id the cases are opened with (default fam-<name>).'),
    cases: z
      .array(scenarioFamilyCaseSchema)
      .min(1)
      .superRefine((cases, ctx) => {
        const seen = new Set<string>();
        cases.forEach((c, index) => {
          if (seen.has(c.key)) ctx.addIssue({ code: 'custom', path: [index, 'key'], message: 'duplicate case key: name each case once' });
          seen.add(c.key);
        });
      })
      .describe('The children’s cases, in the order they are opened.'),
  })
  .describe('A family group: siblings stepping down together.');

/**
 * A version of the policy a scenario runs under: the guidance's timescales with the changes it
 * names, in force from a London date (docs/decisions.md "Policy versions").
 *
 * @example
 * ```ts
 * scenarioPolicySchema.parse({ version: '2025-04', effectiveFrom: '2025-04-01', timescales: { disagreementResolutionWorkingDays: 3 } });
 * ```
 */
export const scenarioPolicySchema = z
  .strictObject({
    version: idSchema.describe('The version, e.g. 2025-04: what a policy.adopted step names.'),
    effectiveFrom: isoDate.describe('The London date (YYYY-MM-DD) it is in force from: cases decided from then on are governed by it.'),
    timescales: policyOverridesSchema.shape.timescales.describe("The timescales that differ from the guidance's."),
  })
  .describe('A version of the council’s policy.');

/** A scenario: one case's journey, step by step, on real dates, with what it should come to. */
export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('A JSON Schema reference for editors; ignored.'),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'lower-case letters, digits and hyphens only, e.g. review-missed-over-christmas' })
      .describe('A short id: lower-case letters, digits and hyphens. A built-in scenario is named after its file.'),
    description: z.string().trim().min(1).describe('What the scenario shows, in a sentence or two.'),
    route: z.enum(['cin-outcome', 'cp-outcome', 'ten-day-checkpoint']).describe('The decision the case steps down from (F step 1).'),
    division: z.enum(divisions).optional().describe('The bank-holiday division (default england-and-wales).'),
    caseId: z.string().trim().min(1).optional().describe('The case id (default sim-<name>).'),
    openedAt: when.describe('When the step-down decision was taken and the case opened.'),
    openedBy: z.enum(['social-worker', 'team-manager']).optional().describe('Who opens the case (default team-manager).'),
    people: peopleSchema
      .optional()
      .describe(
        "The people the case opens with, added by the Social Worker when it opens (person.added, eventId person-<id>). Default: the fictional family (child-1, carer-1, partner-1, lp-1); [] for none. Steps name them by id.",
      ),
    family: scenarioFamilySchema
      .optional()
      .describe('Siblings stepping down together: several cases opened with one familyId. Each event step then names its case, or goes toFamily.'),
    policies: z
      .array(scenarioPolicySchema)
      .min(1)
      .superRefine((policies, ctx) => {
        for (const field of ['version', 'effectiveFrom'] as const) {
          const seen = new Set<string>();
          policies.forEach((p, index) => {
            if (seen.has(p[field])) ctx.addIssue({ code: 'custom', path: [index, field], message: `another version has this ${field}; give each its own` });
            seen.add(p[field]);
          });
        }
      })
      .optional()
      .describe("The versions of the council's policy, each in force from its date (default: the guidance alone). A case is governed by the version in force when it opens; a Team Manager's policy.adopted step moves it to a newer one."),
    steps: z.array(scenarioStepSchema).min(1).describe('The steps, in the order they are recorded.'),
    expect: expectationSchema.optional().describe('What the case (each case of a family) should come to after the last step.'),
  })
  .superRefine((scenario, ctx) => checkFamilyFields(scenario, ctx))
  .describe('A step-down scenario for the simulator.');

/** A family scenario's steps name a case of the family (or go to all of it); a one-case scenario's steps name none. */
function checkFamilyFields(
  scenario: { family?: { cases: readonly { key: string }[] } | undefined; caseId?: string | undefined; steps: readonly ScenarioStep[]; expect?: Expectation | undefined },
  ctx: z.RefinementCtx,
): void {
  const keys = scenario.family ? scenario.family.cases.map((c) => c.key) : null;
  const checkCases = (expect: Expectation | undefined, path: (string | number)[]) => {
    for (const key of Object.keys(expect?.cases ?? {})) {
      if (keys === null) ctx.addIssue({ code: 'custom', path: [...path, 'cases'], message: 'only a family scenario expects per case; remove cases' });
      else if (!keys.includes(key)) ctx.addIssue({ code: 'custom', path: [...path, 'cases', key], message: `not a case of the family; its cases are ${keys.join(', ')}` });
    }
  };
  if (keys !== null && scenario.caseId !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['caseId'], message: 'a family scenario names each case id in family.cases; remove caseId' });
  }
  scenario.steps.forEach((step, index) => {
    checkCases(step.expect, ['steps', index, 'expect']);
    if (step.tick) return;
    if (keys === null) {
      if (step.case !== undefined) ctx.addIssue({ code: 'custom', path: ['steps', index, 'case'], message: 'only a family scenario names a case; remove it' });
      if (step.toFamily) ctx.addIssue({ code: 'custom', path: ['steps', index, 'toFamily'], message: 'only a family scenario sends to the family; remove it' });
      return;
    }
    if (step.case === undefined && !step.toFamily) {
      ctx.addIssue({ code: 'custom', path: ['steps', index, 'case'], message: `required in a family scenario: the case the event is for (${keys.join(', ')}), or "toFamily": true` });
    } else if (step.case !== undefined && !keys.includes(step.case)) {
      ctx.addIssue({ code: 'custom', path: ['steps', index, 'case'], message: `not a case of the family; its cases are ${keys.join(', ')}` });
    }
  });
  checkCases(scenario.expect, ['expect']);
}

/** A validated scenario. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** One step of a {@link Scenario}. */
export type ScenarioStep = z.infer<typeof scenarioStepSchema>;
/** What a scenario expects of a case. */
export type Expectation = z.infer<typeof expectationSchema>;
/** What a scenario expects of one case (an {@link Expectation} without `cases`). */
export type CaseExpectation = z.infer<typeof caseExpectationSchema>;

/** Where a scenario came from, so the simulator can name the line of a step that did not go as expected. */
export interface ScenarioSource {
  /** The file name as given (or `(text)` for a string). */
  readonly file: string;
  /** The line of each step, by index. */
  readonly stepLines: readonly number[];
  /** The line of each person of `people`, by index (empty when the scenario opens with the family). */
  readonly peopleLines?: readonly number[];
  /** In a family scenario, by case (in the order of `family.cases`): the line of each person that case opens with. */
  readonly casePeopleLines?: readonly (readonly number[])[];
  /** The line of the scenario's own `expect`, when it has one. */
  readonly expectLine: number | null;
}

/** A scenario read from JSON, with its source lines. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly source: ScenarioSource;
}

/** One problem with a scenario file: the line, the field and what to fix. */
export interface ScenarioIssue {
  readonly line: number;
  readonly column: number;
  /** The field, e.g. `steps[3].payload.form.voiceOfChild`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Reads and validates a scenario from JSON text: the JSON itself, the scenario's shape, and every
 * step's event as the fixture's defaults and the step's overrides make it (so a misspelt payload
 * field is reported here, with its line, not halfway through a run). A step that expects
 * `INVALID_EVENT` is left for the engine to refuse.
 *
 * @param text - the JSON text
 * @param file - the name to show in messages
 * @throws StepDownError `INVALID_INPUT`: the message names the file, the line and the field and says
 *   what is expected there; `details.issues` lists every {@link ScenarioIssue}
 *
 * @example
 * ```ts
 * const { scenario } = parseScenario(await readFile('my-case.json', 'utf8'), 'my-case.json');
 * // StepDownError: my-case.json line 14, steps[2].as: expected one of social-worker, team-manager, …
 * ```
 */
export function parseScenario(text: string, file = '(text)'): LoadedScenario {
  let source: JsonSource;
  try {
    source = readJsonSource(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = error.position;
    const issue: ScenarioIssue = { line, column, path: '(JSON)', message: error.message };
    throw new StepDownError('INVALID_INPUT', `${file} is not valid JSON: line ${line}, column ${column}: ${error.message}.`, {
      file,
      issues: [issue],
    });
  }
  return validate(source, file);
}

/** Checks the shape, then every step's event, naming lines where the source has them. */
function validate(source: JsonSource, file: string): LoadedScenario {
  const parsed = scenarioSchema.safeParse(source.value, { error: issueMessage });
  if (!parsed.success) {
    throw invalidScenario(file, parsed.error.issues.flatMap((issue) => toScenarioIssues(issue, source)));
  }
  const scenario = parsed.data;
  const eventIssues = checkEvents(scenario, source);
  if (eventIssues.length > 0) throw invalidScenario(file, eventIssues);
  return {
    scenario,
    source: {
      file,
      stepLines: scenario.steps.map((_, index) => source.locate(['steps', index]).line),
      peopleLines: (scenario.people ?? []).map((_, index) => source.locate(['people', index]).line),
      ...(scenario.family
        ? {
            casePeopleLines: scenarioCases(scenario).map((c) => (c.people ?? []).map((_, index) => source.locate([...c.peoplePath, index]).line)),
          }
        : {}),
      expectLine: scenario.expect ? source.locate(['expect']).line : null,
    },
  };
}

/**
 * Reads a scenario file. A file that cannot be read is `INVALID_ARGUMENT` with the reason in words
 * (not found, a directory, no permission); a file that is not a valid scenario is as
 * {@link parseScenario} says.
 *
 * @example
 * ```ts
 * const loaded = await loadScenarioFile('examples/scenarios/straightforward.json');
 * ```
 */
export async function loadScenarioFile(path: string): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StepDownError('INVALID_ARGUMENT', `Cannot read scenario file ${path}: ${fileProblem(error)}.`, { file: path });
  }
  return parseScenario(text, path);
}

/**
 * Validates a scenario given as an object (one written in code rather than read from a file). The
 * message names each bad field by path; there are no lines to give.
 *
 * @example
 * ```ts
 * const scenario = defineScenario({ name: 'mine', description: '…', route: 'cin-outcome', openedAt: '2024-09-02', steps: [...] });
 * ```
 */
export function defineScenario(input: unknown): Scenario {
  // An object has no lines: every path resolves to "line 0", which the message leaves out.
  const noLines: JsonSource = { value: input, locate: (path) => ({ line: 0, column: 0, found: path }) };
  return validate(noLines, '(scenario)').scenario;
}

/**
 * The case id a scenario runs as unless told otherwise: its own `caseId`, or `sim-<name>`.
 *
 * @example
 * ```ts
 * scenarioCaseId({ name: 'step-up', … }); // => 'sim-step-up'
 * ```
 */
export function scenarioCaseId(scenario: Pick<Scenario, 'name' | 'caseId'>): string {
  return scenario.caseId ?? `sim-${scenario.name}`;
}

/**
 * The family id a family scenario's cases are opened with: its own `familyId`, or `fam-<name>`;
 * null for a scenario of one case.
 *
 * @example
 * ```ts
 * scenarioFamilyId({ name: 'siblings-step-down-together', family: { cases: [...] } }); // => 'fam-siblings-step-down-together'
 * ```
 */
export function scenarioFamilyId(scenario: Pick<Scenario, 'name' | 'family'>): string | null {
  return scenario.family ? (scenario.family.familyId ?? `fam-${scenario.name}`) : null;
}

/** One case a scenario opens: its key in a family (null for a scenario of one case), id, opening date and people. */
export interface ScenarioCase {
  readonly key: string | null;
  readonly caseId: string;
  /** When it opens, as the engine takes it (ISO 8601 with offset). */
  readonly openedAt: string;
  /** The people it opens with; undefined for the fictional family. */
  readonly people: readonly ScenarioPerson[] | undefined;
  /** The line of each of its people in the file, when known. */
  readonly peoplePath: readonly JsonPathSegment[];
}

/**
 * The cases a scenario opens, in order: its one case (`caseId`, or `sim-<name>`), or each child's
 * case of its family (`caseId`, or `<base>-<key>` where the base is `sim-<name>`). A `caseId` given
 * to the run (the CLI's `--case-id`) replaces the one case's id, or the base of every family case's.
 *
 * @example
 * ```ts
 * scenarioCases(scenario).map((c) => c.caseId); // => ['sim-siblings-step-down-together-older', 'sim-siblings-step-down-together-younger']
 * ```
 */
export function scenarioCases(scenario: Scenario, caseId?: string): ScenarioCase[] {
  const openedAt = resolveAt(scenario.openedAt, 'event');
  if (!scenario.family) {
    return [{ key: null, caseId: caseId ?? scenarioCaseId(scenario), openedAt, people: scenario.people, peoplePath: ['people'] }];
  }
  const base = caseId ?? `sim-${scenario.name}`;
  return scenario.family.cases.map((c, index) => ({
    key: c.key,
    caseId: caseId !== undefined ? `${base}-${c.key}` : (c.caseId ?? `${base}-${c.key}`),
    openedAt: c.openedAt !== undefined ? resolveAt(c.openedAt, 'event') : openedAt,
    people: c.people ?? scenario.people,
    peoplePath: c.people ? ['family', 'cases', index, 'people'] : ['people'],
  }));
}

/** Builds each step's event the way the simulator will and validates it, naming lines for its problems. */
function checkEvents(scenario: Scenario, source: JsonSource): ScenarioIssue[] {
  // The defaults follow the case, so each case is followed here exactly as the simulator follows it.
  const versions = scenarioPolicies(scenario);
  const cases = scenarioCases(scenario).map((c) => ({
    ...c,
    sofar: new CaseSoFar({ caseId: c.caseId, route: scenario.route, openedAt: c.openedAt, ...(scenario.family ? { familyId: scenarioFamilyId(scenario)! } : {}) }, versions.inForceOn(c.openedAt)),
  }));
  const issues: ScenarioIssue[] = [];
  const reported = new Set<string>();
  const check = (event: Record<string, unknown>, path: JsonPathSegment[], now: string, followers: readonly CaseSoFar[]) => {
    try {
      parseEvent(event);
      for (const sofar of followers) sofar.record(event, now);
    } catch (error) {
      if (!isStepDownError(error, 'INVALID_EVENT')) throw error;
      const eventIssues = (error.details?.issues ?? []) as EventIssue[];
      for (const issue of eventIssues) {
        const located = locateEventIssue(path, issue, source);
        // A person shared by the siblings is one entry of the file: report its problem once.
        const key = `${located.line}:${located.column}:${located.path}:${located.message}`;
        if (!reported.has(key)) issues.push(located);
        reported.add(key);
      }
    }
  };
  let clock = cases.reduce((latest, c) => (isAfter(c.openedAt, latest) ? c.openedAt : latest), cases[0]!.openedAt);
  for (const c of cases) {
    peopleEvents({ people: c.people }, c.sofar.context, c.openedAt).forEach((event, index) =>
      check(event, [...c.peoplePath, index], c.openedAt, [c.sofar]),
    );
  }
  scenario.steps.forEach((step, index) => {
    clock = recordingClock(step, clock);
    if (step.tick) {
      for (const c of cases) c.sofar.tick(resolveAt(step.at, 'tick'), clock);
      return;
    }
    if (step.event === undefined || step.as === undefined || !isEventType(step.event)) return;
    if (step.expectRefusal === 'INVALID_EVENT') return;
    const reached = step.toFamily ? cases.filter((c) => c.sofar.open) : cases.filter((c) => c.key === (step.case ?? null));
    const first = reached[0] ?? cases[0]!;
    const event = buildEvent(
      {
        at: step.at,
        as: step.as,
        event: step.event,
        actorId: step.actorId,
        actorPersonId: step.actorPersonId,
        eventId: stepEventId(step, index),
        payload: step.payload,
      },
      first.sofar.context,
    );
    check(event, ['steps', index], clock, reached.map((c) => c.sofar));
  });
  return issues;
}

/**
 * Where an event's problem is in the file: for a step, `at`, the actor and the eventId are the
 * step's own fields and the rest is payload; for a person the scenario opens with, the field of
 * its entry in `people`.
 */
function locateEventIssue(at: JsonPathSegment[], issue: EventIssue, source: JsonSource): ScenarioIssue {
  const eventPath = issue.path === '(event)' ? [] : issue.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const [head] = eventPath;
  const stepPath: JsonPathSegment[] =
    at[at.length - 2] === 'people'
      ? head === 'personId' ? ['id'] : head === 'relationship' || head === 'name' || head === 'agency' || head === 'parentalResponsibility' ? [head] : []
      : head === 'at' ? ['at'] : head === 'actor' ? ['as'] : head === 'type' ? ['event'] : head === 'eventId' ? ['eventId'] : ['payload', ...eventPath];
  const full: JsonPathSegment[] = [...at, ...stepPath];
  const { line, column } = source.locate(full);
  return { line, column, path: formatJsonPath(full), message: issue.message };
}

function invalidScenario(file: string, issues: readonly ScenarioIssue[]): StepDownError {
  const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
  const first = sorted[0]!;
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more problem${sorted.length > 2 ? 's' : ''})` : '';
  const where = first.line > 0 ? `${file} line ${first.line}, ` : `${file}: `;
  return new StepDownError('INVALID_INPUT', `${where}${first.path}: ${first.message}${more}.`, {
    file,
    issues: sorted,
  });
}

/** A zod issue as scenario issues: an unknown field is reported at its own key, the rest at their path. */
function toScenarioIssues(issue: z.core.$ZodIssue, source: JsonSource): ScenarioIssue[] {
  const base = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const paths =
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => [...base, key])
      : [base];
  return paths.map((path) => {
    const { line, column } = source.locate(path);
    const unknownKey = issue.code === 'unrecognized_keys';
    const name = String(path[path.length - 1] ?? '');
    const shown = unknownKey && !/^[A-Za-z_$][\w$-]{0,63}$/.test(name) ? formatJsonPath([...base, '(a field)']) : formatJsonPath(path);
    return { line, column, path: shown, message: unknownKey ? unknownFieldMessage(issue, name) : issue.message };
  });
}

function unknownFieldMessage(issue: z.core.$ZodIssue, name: string): string {
  const known = knownFieldsAt(issue.path);
  return `unknown field, check its spelling${known ? suggest(name, known) : ''}`;
}

const stepFields = Object.keys(scenarioStepSchema.shape);
const scenarioFields = Object.keys(scenarioSchema.shape);
const expectFields = Object.keys(expectationSchema.shape);

/** The fields allowed where an unknown one was found, for a did-you-mean. */
function knownFieldsAt(path: readonly PropertyKey[]): readonly string[] | null {
  if (path.length === 0) return scenarioFields;
  if (path.length === 2 && path[0] === 'steps') return stepFields;
  if (path[path.length - 1] === 'expect') return expectFields;
  return null;
}

/**
 * Messages for the scenario's fields, in a reader's words, given to zod as the parse's error map so
 * none of zod's own wording (some of which quotes input) reaches the message.
 */
function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `required ${nounOf(issue.expected)} is missing`;
      return `expected ${nounOf(issue.expected)}, got ${kindOf(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${String(issue.minimum)} entry` : 'required text is empty';
    case 'invalid_union':
      return 'expected a rule id, or an object with rule and optionally due and detectedOn';
    case 'unrecognized_keys':
      return 'unknown field';
    case 'invalid_format':
      return issue.format === 'regex' ? undefined : `not in the expected format (${issue.format})`;
    default:
      return undefined;
  }
}

const nouns: Readonly<Record<string, string>> = { string: 'text', array: 'list', boolean: 'true or false', object: 'an object', record: 'an object' };

function nounOf(expected: string): string {
  return nouns[expected] ?? expected;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** "; did you mean 'x'?" for the closest known word within a few edits, or a short list otherwise. */
function suggest(value: string, known: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 4))) return ` (did you mean ${best}?)`;
  return known.length <= 12 ? `; expected one of ${known.join(', ')}` : `; e.g. ${known.slice(0, 4).join(', ')} (docs/events.schema.json lists them all)`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function fileProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return typeof code === 'string' ? `the system said ${code}` : 'it could not be read';
  }
}

/** The event types a scenario step may send (every type but the clock's, which is a tick step). */
export const scenarioEventTypes: readonly EventType[] = stepEventTypes;
