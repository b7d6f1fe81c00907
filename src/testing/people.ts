import type { Actor } from '../events/index.js';
import type { Role } from '../policy/roles.js';

/**
 * The people of a fixture case, named in the payloads the fixtures fill in. The defaults are a
 * fictional family and fictional agencies ({@link fictionalFamily}); a host may rename any of them.
 */
export interface Family {
  /** The child the case is about. */
  readonly child: string;
  /** The parent or carer who gives (or refuses) consent. */
  readonly parent: string;
  /** The partner agency's practitioner whose view is recorded, with their agency. */
  readonly partner: string;
  /** The practitioner who agrees to be Lead Professional. */
  readonly leadProfessional: { readonly name: string; readonly agency: string; readonly contact: string };
  /** The Social Worker, as named in meeting attendance. */
  readonly socialWorker: string;
  /** The agencies involved: asked, challenged and informed on the Lead Professional ladder. */
  readonly agencies: readonly string[];
}

/**
 * The one fictional family of the library: the testing kit's cases and every simulated scenario
 * use it. No real person, school or service. The phone number is in Ofcom's range kept for drama
 * (01632 960xxx) and the e-mail domain is `.example`, so a fixture that leaks into a real system
 * reaches no one.
 */
export const fictionalFamily: Family = {
  child: 'Robin Example',
  parent: 'Alex Example',
  partner: 'Jordan Sample, Designated Safeguarding Lead, Riverside Primary School (fictional)',
  leadProfessional: {
    name: 'Casey Placeholder',
    agency: 'Riverside Primary School (fictional)',
    contact: 'casey.placeholder@riverside.example, 01632 960 001',
  },
  socialWorker: 'Morgan Fictional',
  agencies: ['Riverside Primary School (fictional)', 'Hilltop Health Visiting Service (fictional)'],
};

/**
 * The actor each role acts as when only the role is named: `as('team-manager')` in the kit, `"as":
 * "team-manager"` in a scenario. The ids differ, so separation of duties (no author of the closure
 * summary reviews it) holds; they carry no names, because ids appear in the audit trail and in
 * refusal messages.
 */
export const fixtureActors: Readonly<Record<Role, Actor>> = {
  'social-worker': { id: 'fixture-social-worker', role: 'social-worker' },
  'team-manager': { id: 'fixture-team-manager', role: 'team-manager' },
  'caf-link-worker': { id: 'fixture-caf-link-worker', role: 'caf-link-worker' },
  'lead-professional': { id: 'fixture-lead-professional', role: 'lead-professional' },
  'early-help-manager': { id: 'fixture-early-help-manager', role: 'early-help-manager' },
  system: { id: 'system', role: 'system' },
};
