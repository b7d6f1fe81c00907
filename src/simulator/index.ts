/**
 * The simulator: scenario files (JSON, validated, errors naming the line and field), a run of a
 * scenario through the engine on real dates with the real calendar, and its timeline. A step's
 * payload is merged over the library's one set of defaults for its one fictional family:
 * `defaultPayloads`, `fictionalFamily` and `fixtureActors` of `caf-step-down/testing`.
 *
 * @module
 */
export {
  scenarioSchema,
  scenarioStepSchema,
  expectationSchema,
  parseScenario,
  loadScenarioFile,
  defineScenario,
  stages,
  refusalCodes,
  scenarioEventTypes,
} from './scenario.js';
export type { Scenario, ScenarioStep, Expectation, ScenarioSource, LoadedScenario, ScenarioIssue, RefusalCode } from './scenario.js';
export { scenarioCaseId } from './scenario.js';
export { simulate, checkExpectation } from './simulate.js';
export type {
  SimulateOptions,
  SimulationResult,
  TimelineEntry,
  TimelineDeadline,
  TimelineBreach,
  TimelineRefusal,
} from './simulate.js';
export { formatTimeline, wrapText } from './format.js';
export { builtInScenarioNames, builtInScenarioDirectory, resolveScenario, packageRoot } from './builtin.js';
export { resolveAt, defaultTimes } from './steps.js';
export { readJsonSource, formatJsonPath, JsonSyntaxError } from './json-source.js';
export type { JsonSource, JsonPathSegment, LocatedPath, SourcePosition } from './json-source.js';
