/**
 * Events of machine version 1 named people by typed names. Their trails still load: each such event
 * is read as the version-2 events it stands for, with a person added for each name the first time
 * it appears (ids `v1-person-1`, `v1-person-2`, … in order of appearance, so no name reaches an id).
 * A v1 event is recognised by its v1 fields; the trail was verified before it is read.
 */

/** A v1 event's people, kept while a trail is read: each normalised name's person id and relationship. */
export interface V1People {
  readonly byName: Map<string, string>;
  readonly relationshipOf: Map<string, string>;
  /** The current Lead Professional's person id, for an attendee whose role says they are. */
  leadProfessional: string | null;
}

/** A fresh register for reading one trail. */
export function v1People(): V1People {
  return { byName: new Map(), relationshipOf: new Map(), leadProfessional: null };
}

type Loose = Record<string, unknown> & { type: string; at: string; actor: { id: string; role: string } };

const v1Relationship: Readonly<Record<string, string>> = { child: 'child', parent: 'parent-carer', partner: 'practitioner' };

/** Names compared as version 1 compared them: trimmed, spaces folded, case ignored. */
function normalise(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The version-2 events a version-1 event stands for: the people it names, added first, then the
 * event with person ids. An event that is not of version 1's shape is returned as it is.
 *
 * @example
 * ```ts
 * const people = v1People();
 * upgradeV1Event({ type: 'views.recorded', party: 'child', name: 'Leo', agrees: true, summary: '…', at, actor }, people);
 * // => [{ type: 'person.added', personId: 'v1-person-1', relationship: 'child', … }, { type: 'views.recorded', personId: 'v1-person-1', … }]
 * ```
 */
export function upgradeV1Event(input: unknown, people: V1People): unknown[] {
  if (input === null || typeof input !== 'object') return [input];
  const event = input as Loose;
  const added: unknown[] = [];
  const person = (name: unknown, relationship: string, agency?: unknown): string => {
    const key = normalise(String(name));
    const known = people.byName.get(key);
    if (known) return known;
    const personId = `v1-person-${people.byName.size + 1}`;
    people.byName.set(key, personId);
    people.relationshipOf.set(personId, relationship);
    added.push({
      type: 'person.added',
      at: event.at,
      actor: { id: event.actor.id, role: 'social-worker' },
      personId,
      relationship,
      name: String(name),
      ...(relationship === 'practitioner' ? { agency: typeof agency === 'string' ? agency : 'not recorded (version 1 record)' } : {}),
    });
    return personId;
  };
  const { type } = event;
  let upgraded: Loose = event;
  if (type === 'views.recorded' && 'party' in event && 'name' in event) {
    const { party, name, ...rest } = event;
    upgraded = { ...rest, personId: person(name, v1Relationship[String(party)] ?? 'family-member') } as Loose;
  } else if ((type === 'consent.given' || type === 'consent.refused' || type === 'consent.withdrawn') && 'parentCarer' in event) {
    const { parentCarer, ...rest } = event;
    upgraded = { ...rest, personId: person(parentCarer, 'parent-carer') } as Loose;
  } else if (type === 'disagreement.raised' && 'party' in event && 'by' in event) {
    const { party, by, ...rest } = event;
    upgraded = { ...rest, personId: person(party, v1Relationship[String(by)] ?? 'family-member') } as Loose;
  } else if (type === 'leadProfessional.agreed' && 'name' in event) {
    const { name, agency, ...rest } = event;
    const personId = person(name, 'practitioner', agency);
    people.leadProfessional = personId;
    upgraded = { ...rest, personId } as Loose;
  } else if (type === 'finalMeeting.held' && Array.isArray(event['attendees']) && event['attendees'].some(isV1Attendee)) {
    const attendees: string[] = [];
    const others: string[] = [];
    for (const attendee of event['attendees'] as { role?: unknown; name?: unknown }[]) {
      const byName = people.byName.get(normalise(String(attendee.name)));
      // Version 1 judged the Lead Professional's attendance by the attendee's role.
      const id = byName ?? (isLeadProfessionalRole(attendee.role) ? people.leadProfessional : null);
      if (id && !attendees.includes(id)) attendees.push(id);
      else if (!id) others.push(String(attendee.role));
    }
    if (attendees.length === 0) attendees.push(person('(attendee of a version 1 meeting)', 'family-member'));
    upgraded = { ...event, attendees, ...(others.length > 0 ? { otherAttendees: others } : {}) } as Loose;
  } else if (type === 'documents.shared' && Array.isArray(event['recipients']) && people.byName.size > 0) {
    // Only a trail that has named people the version-1 way registers names: its recipients are names.
    const recipients = [
      ...new Set(
        (event['recipients'] as unknown[])
          .map((name) => people.byName.get(normalise(String(name))))
          .filter((id): id is string => id !== undefined),
      ),
    ];
    upgraded = { ...event, recipients } as Loose;
  }
  return [...added, upgraded];
}

function isV1Attendee(value: unknown): boolean {
  return value !== null && typeof value === 'object' && 'role' in value && 'name' in value;
}

function isLeadProfessionalRole(role: unknown): boolean {
  const normalised = String(role).trim().toLowerCase().replace(/[\s_]+/g, '-');
  return normalised === 'lead-professional' || normalised === 'lp';
}
