/**
 * `caf-step-down/testing`: a small fluent kit for a host's own tests. Start a case on a date, act as
 * a role, move the calendar on, add people and send events (by person id) with fictional default
 * payloads, void a mistaken event, and assert stage, outcome, deadlines and breaches; a failure
 * names each rule and its citation. Plain throws, so it
 * works under vitest, jest and node's own test runner.
 *
 * @example
 * ```ts
 * import { startCase } from 'caf-step-down/testing';
 *
 * startCase({ on: '2024-03-04' })
 *   .send('decision.agreed')
 *   .completePreparation()
 *   .send('finalMeeting.held')
 *   .completeClosure()
 *   .expectStage('early-help')
 *   .advanceWeeks(3)
 *   .send('familyPlanMeeting.held')
 *   .expectNoBreaches();
 * ```
 *
 * docs/testing.md has the whole API, with examples of breaches and refusals.
 *
 * @module
 */
export { startCase, CaseUnderTest } from './case-under-test.js';
export type { DeepPartial, FamilyOverrides, PayloadOverride, PayloadOverrides, SendOptions, StartCaseOptions } from './case-under-test.js';
export type { RecordRefusalCode, RecordedEvent, VoidedEvent } from './case-record.js';
export { defaultPayloads } from './fixtures.js';
export type { FixtureContext, Payload, PayloadFixtures } from './fixtures.js';
export { familyPeople, fictionalFamily, fixtureActors } from './people.js';
export type { Family, FixturePerson, PersonFields } from './people.js';
export { PolicyAssertionError } from './policy-assertion-error.js';
export type { CitedRule } from './policy-assertion-error.js';
