import type { AuditEntry } from '../engine/store.js';
import type { CaseView } from '../engine/engine.js';
import type { EventType } from '../events/index.js';
import { DateTime } from 'luxon';
import { toLondonDate } from '../calendar/index.js';
import { instant, isAfter } from '../machine/instants.js';
import type { Stage } from '../machine/notifications.js';
import type { Relationship, WithdrawnBreach } from '../machine/context.js';
import type { Timescales } from '../policy/define-policy.js';
import type { RuleId } from '../policy/rules.js';
import type { StageSpan } from './types.js';

/**
 * A case view as the report reads it: the engine's view, with the breaches a later record withdrew
 * when the view carries them (the case context keeps them as `withdrawnBreaches`).
 */
export type ReportView = CaseView & { readonly withdrawnBreaches?: readonly WithdrawnBreach[] };

/** Family or partner agency: who a disagreement is from, as the policy tells them apart. */
export type DisagreementParty = 'family' | 'partner';

/**
 * What the rule assessments read, worked out once from a case view and its audit trail. Payload
 * fields are read here only where a status depends on an id or a code in them (a person's
 * relationship, a disagreement's id, a meeting's kind, a resolution's outcome, a void's target);
 * none of them is copied into the report.
 *
 * Voided entries are out of the case: the engine recomputed it without them, so every question
 * below (`accepted`, `entered`, `left`, the people, the consents) is answered from `live`.
 */
export interface CaseFacts {
  readonly view: ReportView;
  /** The audit entries up to the view's version, oldest first, voided ones included: the trail as written. */
  readonly entries: readonly AuditEntry[];
  /** The entries the case rests on: `entries` without the voided ones. */
  readonly live: readonly AuditEntry[];
  /** The seq of the accepted void that took an entry out of the case, by the voided entry's seq. */
  readonly voidedBy: ReadonlyMap<number, number>;
  /** True while the case has no outcome. */
  readonly active: boolean;
  /** The timescales of the version governing the case, where the report was given them; its words then say them. */
  readonly timescales?: Timescales;
  /** Accepted, unvoided entries of any of the types, oldest first. */
  accepted(...types: readonly (EventType | 'case.opened')[]): AuditEntry[];
  /** Accepted, unvoided entries that moved the case into a state whose dotted path ends with `leaf`. */
  entered(leaf: string): AuditEntry[];
  /** Accepted, unvoided entries that moved the case out of a state whose dotted path ends with `leaf`. */
  left(leaf: string): AuditEntry[];
  /** True when the case is in a state whose dotted path ends with `leaf` now. */
  isIn(leaf: string): boolean;
  /** True when the case waits now for a step under the rule (the view's pending steps). */
  waitsOn(rule: RuleId): boolean;
  /** A person's relationship to the case, from their `person.added` entry; null for an id not on the case. */
  relationshipOf(personId: string): Relationship | null;
  /** True when the person is on the case and no `involvement.ended` entry ended their involvement. */
  involved(personId: string): boolean;
  /**
   * Family or partner, for a disagreement by its id: from the relationship of the person who raised
   * it (a practitioner's is a partner agency's; the child's, a parent/carer's or a family member's is
   * the family's); refused consent is always the family's. Null for an unknown id or person.
   */
  disagreementParty(id: string): DisagreementParty | null;
  /**
   * Each parent/carer's consent decision on file, by person id: the `consent.given` or
   * `consent.refused` entry recorded last for them (one carer's refusal never erases another's consent).
   */
  consentsOnFile(): ReadonlyMap<string, AuditEntry>;
}

/**
 * Reads a string field of an audited event, or null: the event is stored as `unknown`.
 *
 * @example
 * ```ts
 * eventField(entry, 'disagreementId'); // => 'D-2'
 * ```
 */
export function eventField(entry: AuditEntry, field: string): string | null {
  const event = entry.event;
  if (typeof event !== 'object' || event === null) return null;
  const value = (event as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

/**
 * Which accepted entries are voided, and by which void. A void takes out the accepted entry whose
 * event carries the `eventId` it names. A void that is itself voided no longer counts, so the
 * entries are read newest first: a void can only name an entry written before it.
 *
 * @example
 * ```ts
 * voidedEntries(history).get(10); // => 14: entry #10 was voided by the void at #14
 * ```
 */
export function voidedEntries(entries: readonly AuditEntry[]): Map<number, number> {
  const byEventId = new Map<string, AuditEntry>();
  for (const entry of entries) {
    const id = entry.accepted ? eventField(entry, 'eventId') : null;
    if (id !== null && !byEventId.has(id)) byEventId.set(id, entry);
  }
  const voided = new Map<number, number>();
  for (const entry of [...entries].sort((a, b) => b.seq - a.seq)) {
    if (!entry.accepted || entry.type !== 'event.voided' || voided.has(entry.seq)) continue;
    const target = byEventId.get(eventField(entry, 'voidedEventId') ?? '');
    if (target && target.seq < entry.seq && !voided.has(target.seq)) voided.set(target.seq, entry.seq);
  }
  return voided;
}

/**
 * The accepted entry of the trail whose event carries `eventId` (the first, should a trail hold two),
 * or undefined.
 *
 * @example
 * ```ts
 * entryWithEventId(history, 'evt-consent-1')?.seq; // => 10
 * ```
 */
export function entryWithEventId(entries: readonly AuditEntry[], eventId: string | null): AuditEntry | undefined {
  if (eventId === null) return undefined;
  return entries.find((e) => e.accepted && e.type !== 'case.opened' && eventField(e, 'eventId') === eventId);
}

/** How a relationship of the case reads as a disagreement's party. */
function partyOf(relationship: Relationship | null): DisagreementParty | null {
  if (relationship === null) return null;
  return relationship === 'practitioner' ? 'partner' : 'family';
}

/**
 * A version 1 trail's `disagreement.raised` said who disagreed in words of its own (`by`: parent,
 * child or partner): read so an old trail still reports, never copied.
 */
function legacyParty(entry: AuditEntry): DisagreementParty | null {
  const by = eventField(entry, 'by');
  if (by === 'partner') return 'partner';
  return by === 'parent' || by === 'child' || by === 'family' ? 'family' : null;
}

/**
 * Builds the facts. Entries after the view's version are left out (see {@link consistentEntries});
 * voided entries stay in `entries` and are left out of everything else.
 *
 * @example
 * ```ts
 * const facts = caseFacts(await engine.get('C-1'), await engine.history('C-1'));
 * facts.disagreementParty('D-2'); // => 'partner'
 * ```
 */
export function caseFacts(view: ReportView, history: readonly AuditEntry[]): CaseFacts {
  const entries = consistentEntries(view, history);
  const voidedBy = voidedEntries(entries);
  const live = entries.filter((e) => !voidedBy.has(e.seq));
  const acceptedEntries = live.filter((e) => e.accepted);
  const endsWith = (states: readonly string[] | null, leaf: string) =>
    (states ?? []).some((s) => s === leaf || s.endsWith(`.${leaf}`));

  const relationships = new Map<string, Relationship>();
  const ended = new Set<string>();
  const consents = new Map<string, AuditEntry>();
  const parties = new Map<string, DisagreementParty | null>();
  for (const entry of acceptedEntries) {
    const personId = eventField(entry, 'personId');
    switch (entry.type) {
      case 'person.added': {
        const relationship = eventField(entry, 'relationship');
        if (personId !== null && isRelationship(relationship)) relationships.set(personId, relationship);
        break;
      }
      case 'involvement.ended':
        if (personId !== null) ended.add(personId);
        break;
      case 'consent.given':
      case 'consent.refused':
        if (personId !== null) consents.set(personId, entry);
        break;
    }
  }
  for (const entry of acceptedEntries) {
    const id = eventField(entry, 'disagreementId');
    if (id === null) continue;
    if (entry.type === 'consent.refused') parties.set(id, 'family');
    if (entry.type === 'disagreement.raised') {
      const personId = eventField(entry, 'personId');
      parties.set(id, personId === null ? legacyParty(entry) : partyOf(relationships.get(personId) ?? null));
    }
  }
  return {
    view,
    entries,
    live,
    voidedBy,
    active: view.outcome === null,
    accepted: (...types) => acceptedEntries.filter((e) => (types as readonly string[]).includes(e.type)),
    entered: (leaf) => acceptedEntries.filter((e) => endsWith(e.stateAfter, leaf) && !endsWith(e.stateBefore, leaf)),
    left: (leaf) => acceptedEntries.filter((e) => endsWith(e.stateBefore, leaf) && !endsWith(e.stateAfter, leaf)),
    isIn: (leaf) => endsWith(view.states, leaf),
    waitsOn: (rule) => view.pending.some((p) => p.rule === rule),
    relationshipOf: (personId) => relationships.get(personId) ?? null,
    involved: (personId) => relationships.has(personId) && !ended.has(personId),
    disagreementParty: (id) => parties.get(id) ?? null,
    consentsOnFile: () => consents,
  };
}

const relationshipNames: readonly string[] = ['child', 'parent-carer', 'family-member', 'practitioner'] satisfies readonly Relationship[];

function isRelationship(value: string | null): value is Relationship {
  return value !== null && relationshipNames.includes(value);
}

/**
 * The audit entries that agree with the view. `engine.get` and `engine.history` are two reads, so a
 * write landing between them can put entries in the history that the view has not seen; those (any
 * entry stamped with a later version) are dropped, so a status and its evidence never disagree.
 */
export function consistentEntries(view: { readonly version: number }, history: readonly AuditEntry[]): AuditEntry[] {
  return [...history].filter((e) => e.version <= view.version).sort((a, b) => a.seq - b.seq);
}

/** The stage a dotted leaf state belongs to, as {@link Stage} names them. */
export function stageOfState(state: string): Stage {
  if (state.startsWith('withChildrensSocialCare.decision')) return 'decision';
  if (state.startsWith('withChildrensSocialCare.preparation')) return 'preparation';
  if (state.startsWith('withChildrensSocialCare.closure')) return 'closure';
  if (state.startsWith('underCaf')) return 'early-help';
  return 'closed';
}

/**
 * The stages the case went through, in order, from the accepted entries' `stateAfter`: a new span
 * starts at the `at` of each entry that moved the case into another stage.
 */
export function stageSpans(entries: readonly AuditEntry[]): StageSpan[] {
  const spans: { stage: Stage; from: string; to: string | null; seq: number }[] = [];
  for (const entry of entries) {
    if (!entry.accepted || !entry.stateAfter || entry.stateAfter.length === 0 || entry.at === null) continue;
    const stage = stageOfState(entry.stateAfter[0]!);
    const current = spans[spans.length - 1];
    if (current?.stage === stage) continue;
    if (current) current.to = entry.at;
    spans.push({ stage, from: entry.at, to: null, seq: entry.seq });
  }
  return spans;
}

/** The latest `at` among the entries (compared as instants: offsets differ across clock changes). */
export function latestAt(entries: readonly AuditEntry[], fallback: string): string {
  let latest = fallback;
  for (const entry of entries) if (entry.at !== null && instant(entry.at) > instant(latest)) latest = entry.at;
  return latest;
}

/**
 * For a deadline met by a step dated on time but recorded after the deadline's due instant: how many
 * London calendar days after its own date the step was recorded. Null when it was recorded in time,
 * when the deadline was not `met`, or when the case does not know when it was recorded.
 *
 * @example
 * ```ts
 * recordedLateDays({ status: 'met', due: '2024-04-18T23:59:59.999+01:00',
 *   closedAt: '2024-04-17T10:00:00+01:00', recordedAt: '2024-04-23T09:00:00+01:00' }); // => 6
 * ```
 */
export function recordedLateDays(deadline: {
  readonly status: string;
  readonly due: string;
  readonly closedAt: string | null;
  readonly recordedAt?: string | null;
}): number | null {
  const { status, due, closedAt, recordedAt } = deadline;
  if (status !== 'met' || closedAt === null || recordedAt === undefined || recordedAt === null) return null;
  if (!isAfter(recordedAt, due)) return null;
  const from = DateTime.fromISO(toLondonDate(closedAt), { zone: 'Europe/London' });
  const to = DateTime.fromISO(toLondonDate(recordedAt), { zone: 'Europe/London' });
  return Math.round(to.diff(from, 'days').days);
}
