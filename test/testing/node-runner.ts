/**
 * The testing kit under node's own test runner, as a host without vitest would use it:
 * `node --import tsx --test test/testing/node-runner.ts`. Run by node-runner.test.ts; not a vitest file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyAssertionError, startCase } from '../../src/testing/index.js';

describe('caf-step-down/testing under node:test', () => {
  it('runs a step down to the early help stage', () => {
    const kit = startCase({ route: 'cin-outcome', on: '2024-03-04' })
      .as('team-manager')
      .send('decision.agreed')
      .asDefault()
      .advanceWorkingDays(2)
      .completePreparation()
      .send('finalMeeting.held')
      .advanceWorkingDays(3)
      .completeClosure()
      .expectStage('early-help')
      .expectNoBreaches();
    assert.equal(kit.view.outcome, null);
  });

  it('finds the initial family plan meeting missed after 4 weeks, and says which rule and where', () => {
    const kit = startCase({ on: '2024-03-04' })
      .send('decision.agreed')
      .completePreparation()
      .send('finalMeeting.held')
      .completeClosure()
      .advanceWeeks(5)
      .expectBreach('first-family-plan-meeting');
    assert.throws(
      () => kit.expectNoBreaches(),
      (error: unknown) =>
        error instanceof PolicyAssertionError &&
        error.message.includes('first-family-plan-meeting (G "Initial Family Planning Meeting" ¶1'),
    );
  });

  it('refuses a step the role is not given, naming the rule', () => {
    assert.throws(
      () => startCase({ on: '2024-03-04' }).as('lead-professional').send('decision.agreed'),
      /division-of-duties \(G "Step down standards\/Role and Responsibilities" ¶1\)/,
    );
  });
});
