import type { Relationship } from '../events/people.js';
import { familyPeople, fictionalFamily } from '../testing/people.js';
import { scenarioCases, type Scenario } from './scenario.js';

/**
 * The relationship of every person a scenario names by id: those its cases open with (the
 * fictional family by default) and those its steps add. Relationships only, never names: what the
 * plain timeline needs to say whose view was recorded.
 *
 * @example
 * ```ts
 * formatTimeline(result, { people: scenarioPeople(scenario) }); // "Parent/carer's view recorded (carer-1)"
 * ```
 */
export function scenarioPeople(scenario: Scenario): Record<string, Relationship> {
  const people: Record<string, Relationship> = {};
  for (const c of scenarioCases(scenario)) {
    const opening = c.people ?? familyPeople(fictionalFamily).map(([id, fields]) => ({ id, relationship: fields.relationship }));
    for (const person of opening) people[person.id] = person.relationship;
  }
  for (const step of scenario.steps) {
    const payload = 'payload' in step ? (step.payload as Record<string, unknown> | undefined) : undefined;
    if (!('event' in step) || step.event !== 'person.added' || !payload) continue;
    const { personId, relationship } = payload;
    if (typeof personId === 'string' && typeof relationship === 'string') people[personId] = relationship as Relationship;
  }
  return people;
}
