import type { EventOf } from '../../events/index.js';
import type { Person } from '../context.js';
import type { Effects } from '../deadlines.js';

/** DOMAIN "Real case work": a person joins the case record under the host's id. */
export function addPerson(effects: Effects, event: EventOf<'person.added'>): Effects {
  const person: Person = {
    relationship: event.relationship,
    name: event.name,
    agency: event.agency ?? null,
    parentalResponsibility: event.relationship === 'parent-carer' ? (event.parentalResponsibility ?? null) : null,
    addedAt: event.at,
    endedAt: null,
  };
  return { ...effects, context: { ...effects.context, people: { ...effects.context.people, [event.personId]: person } } };
}

/** Only the fields the event gives change; the person keeps their id, so every record about them stands. */
export function updatePerson(effects: Effects, event: EventOf<'person.updated'>): Effects {
  const person = effects.context.people[event.personId];
  if (!person) return effects;
  const updated: Person = {
    ...person,
    ...(event.name !== undefined ? { name: event.name } : {}),
    ...(event.agency !== undefined ? { agency: event.agency } : {}),
    ...(event.parentalResponsibility !== undefined ? { parentalResponsibility: event.parentalResponsibility } : {}),
  };
  return { ...effects, context: { ...effects.context, people: { ...effects.context.people, [event.personId]: updated } } };
}

/** Their involvement ends: their view, consent and copies are no longer asked for. Their records stay. */
export function endInvolvement(effects: Effects, event: EventOf<'involvement.ended'>): Effects {
  const person = effects.context.people[event.personId];
  if (!person) return effects;
  const people = { ...effects.context.people, [event.personId]: { ...person, endedAt: event.at } };
  return { ...effects, context: { ...effects.context, people } };
}
