/**
 * The simulator: scenario files (JSON, validated, errors naming the line and field; the case's
 * people declared by id; siblings as a `family` of cases whose shared steps go `toFamily` through
 * `engine.sendToFamily`, all or nothing), a run of a scenario through the engine on real dates with
 * the real calendar (the engine's clock following the scenario), and its timeline, which shows
 * people by id and a family's cases by key. A step's payload is merged over the library's one set of
 * defaults for its one fictional family: `defaultPayloads`, `fictionalFamily` and `fixtureActors` of
 * `caf-step-down/testing`. docs/testing.md describes the scenario format.
 *
 * @module
 */
export {
  scenarioSchema,
  scenarioStepSchema,
  scenarioPersonSchema,
  scenarioFamilySchema,
  scenarioFamilyCaseSchema,
  expectationSchema,
  caseExpectationSchema,
  parseScenario,
  loadScenarioFile,
  defineScenario,
  stages,
  refusalCodes,
  scenarioEventTypes,
} from './scenario.js';
export type {
  Scenario,
  ScenarioStep,
  ScenarioPerson,
  ScenarioFamilyCase,
  ScenarioCase,
  Expectation,
  CaseExpectation,
  ScenarioSource,
  LoadedScenario,
  ScenarioIssue,
  RefusalCode,
} from './scenario.js';
export { scenarioCaseId, scenarioCases, scenarioFamilyId } from './scenario.js';
export { simulate, checkExpectation } from './simulate.js';
export type {
  SimulateOptions,
  SimulationResult,
  SimulationFinal,
  TimelineEntry,
  TimelineDeadline,
  TimelineBreach,
  TimelineWithdrawnBreach,
  TimelineRefusal,
} from './simulate.js';
export { formatTimeline, wrapText } from './format.js';
export type { TimelineFormat } from './format.js';
export { scenarioPeople } from './scenario-people.js';
export { builtInScenarioNames, builtInScenarioDirectory, resolveScenario, packageRoot } from './builtin.js';
export { resolveAt, defaultTimes } from './steps.js';
export { readJsonSource, formatJsonPath, JsonSyntaxError } from './json-source.js';
export type { JsonSource, JsonPathSegment, LocatedPath, SourcePosition } from './json-source.js';
