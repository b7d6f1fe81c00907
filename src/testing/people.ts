import type { Actor } from '../events/index.js';
import type { Relationship } from '../events/people.js';
import type { Role } from '../policy/roles.js';

/** One person of a fixture case: the host's id for them (what every event and rule uses) and their name (display text only). */
export interface FixturePerson {
  /** Their person id: id-shaped, never a name. */
  readonly id: string;
  /** Their name, shown only inside payloads (`person.added`, the e-CAF form). */
  readonly name: string;
}

/**
 * The people of a fixture case. Events name them by `id`; `name`, `agency` and `contact` are the
 * display text the payloads carry. The defaults are a fictional family and fictional agencies
 * ({@link fictionalFamily}); a host may rename any of them or give them other ids.
 */
export interface Family {
  /** The child the case is about. */
  readonly child: FixturePerson;
  /** The parent/carer who gives (or refuses) consent. */
  readonly parent: FixturePerson & { readonly parentalResponsibility: boolean };
  /** A partner agency's practitioner whose view is recorded: the family's health visitor. */
  readonly partner: FixturePerson & { readonly agency: string };
  /** The practitioner who agrees to be Lead Professional. */
  readonly leadProfessional: FixturePerson & { readonly agency: string; readonly contact: string };
  /** The Social Worker, as named among a meeting's other attendees (free text: not a person of the case). */
  readonly socialWorker: string;
  /** The agencies involved: asked, challenged and informed on the Lead Professional ladder. */
  readonly agencies: readonly string[];
}

/**
 * The one fictional family of the library: the testing kit's cases and every simulated scenario
 * use it. No real person, school or service. The phone number is in Ofcom's range kept for drama
 * (01632 960xxx) and the e-mail domain is `.example`, so a fixture that leaks into a real system
 * reaches no one. The ids say what a person is to the case, never who they are.
 *
 * @example
 * ```ts
 * startCase({ on: '2024-03-04' }).send('decision.agreed').send('views.recorded', { personId: fictionalFamily.parent.id });
 * ```
 */
export const fictionalFamily: Family = {
  child: { id: 'child-1', name: 'Robin Example' },
  parent: { id: 'carer-1', name: 'Alex Example', parentalResponsibility: true },
  partner: {
    id: 'partner-1',
    name: 'Jordan Sample',
    agency: 'Hilltop Health Visiting Service (fictional)',
  },
  leadProfessional: {
    id: 'lp-1',
    name: 'Casey Placeholder',
    agency: 'Riverside Primary School (fictional)',
    contact: 'casey.placeholder@riverside.example, 01632 960 001',
  },
  socialWorker: 'Morgan Fictional (Social Worker)',
  agencies: ['Riverside Primary School (fictional)', 'Hilltop Health Visiting Service (fictional)'],
};

/** A person to add to a case: the fields of a `person.added` event but its id. */
export interface PersonFields {
  readonly relationship: Relationship;
  readonly name: string;
  readonly agency?: string;
  readonly parentalResponsibility?: boolean;
}

/**
 * The family as the people a case opens with, in the order they are added (the order the fixtures
 * ask for views in): the child, the parent/carer, the partner practitioner, the Lead Professional.
 *
 * @example
 * ```ts
 * familyPeople(fictionalFamily).map(([id]) => id); // => ['child-1', 'carer-1', 'partner-1', 'lp-1']
 * ```
 */
export function familyPeople(family: Family): [string, PersonFields][] {
  return [
    [family.child.id, { relationship: 'child', name: family.child.name }],
    [family.parent.id, { relationship: 'parent-carer', name: family.parent.name, parentalResponsibility: family.parent.parentalResponsibility }],
    [family.partner.id, { relationship: 'practitioner', name: family.partner.name, agency: family.partner.agency }],
    [family.leadProfessional.id, { relationship: 'practitioner', name: family.leadProfessional.name, agency: family.leadProfessional.agency }],
  ];
}

/**
 * The actor each role acts as when only the role is named: `as('team-manager')` in the kit, `"as":
 * "team-manager"` in a scenario. The ids differ, so separation of duties (no author of the closure
 * summary reviews it) holds; they carry no names, because ids appear in the audit trail and in
 * refusal messages.
 *
 * @example
 * ```ts
 * fixtureActors['team-manager']; // => { id: 'fixture-team-manager', role: 'team-manager' }
 * ```
 */
export const fixtureActors: Readonly<Record<Role, Actor>> = {
  'social-worker': { id: 'fixture-social-worker', role: 'social-worker' },
  'team-manager': { id: 'fixture-team-manager', role: 'team-manager' },
  'caf-link-worker': { id: 'fixture-caf-link-worker', role: 'caf-link-worker' },
  'lead-professional': { id: 'fixture-lead-professional', role: 'lead-professional' },
  'early-help-manager': { id: 'fixture-early-help-manager', role: 'early-help-manager' },
  system: { id: 'system', role: 'system' },
};
