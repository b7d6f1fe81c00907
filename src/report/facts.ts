import type { AuditEntry } from '../engine/store.js';
import type { CaseView } from '../engine/engine.js';
import type { EventType } from '../events/index.js';
import { instant } from '../machine/instants.js';
import type { Stage } from '../machine/notifications.js';
import type { RuleId } from '../policy/rules.js';
import type { StageSpan } from './types.js';

/**
 * What the rule assessments read, worked out once from a case view and its audit trail. Payload
 * fields are read here only where a status depends on a code in them (a disagreement's party, a
 * meeting's kind, a resolution's outcome); none of them is copied into the report.
 */
export interface CaseFacts {
  readonly view: CaseView;
  /** The audit entries up to the view's version, oldest first. */
  readonly entries: readonly AuditEntry[];
  /** True while the case has no outcome. */
  readonly active: boolean;
  /** Accepted entries of any of the types, oldest first. */
  accepted(...types: readonly (EventType | 'case.opened')[]): AuditEntry[];
  /** Accepted entries that moved the case into a state whose dotted path ends with `leaf`. */
  entered(leaf: string): AuditEntry[];
  /** Accepted entries that moved the case out of a state whose dotted path ends with `leaf`. */
  left(leaf: string): AuditEntry[];
  /** True when the case is in a state whose dotted path ends with `leaf` now. */
  isIn(leaf: string): boolean;
  /** True when the case waits now for a step under the rule (the view's pending steps). */
  waitsOn(rule: RuleId): boolean;
  /** The party (`parent`, `child`, `partner`) of a disagreement by its id; refused consent is the parent's. */
  disagreementParty(id: string): string | null;
}

/** Reads a string field of an audited event, or null: the event is stored as `unknown`. */
export function eventField(entry: AuditEntry, field: string): string | null {
  const event = entry.event;
  if (typeof event !== 'object' || event === null) return null;
  const value = (event as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

/** Builds the facts. Entries after the view's version are left out (see {@link consistentEntries}). */
export function caseFacts(view: CaseView, history: readonly AuditEntry[]): CaseFacts {
  const entries = consistentEntries(view, history);
  const acceptedEntries = entries.filter((e) => e.accepted);
  const endsWith = (states: readonly string[] | null, leaf: string) =>
    (states ?? []).some((s) => s === leaf || s.endsWith(`.${leaf}`));
  const parties = new Map<string, string>();
  for (const entry of acceptedEntries) {
    const id = eventField(entry, 'disagreementId');
    if (id === null) continue;
    if (entry.type === 'disagreement.raised') parties.set(id, eventField(entry, 'by') ?? 'unknown');
    if (entry.type === 'consent.refused') parties.set(id, 'parent');
  }
  return {
    view,
    entries,
    active: view.outcome === null,
    accepted: (...types) => acceptedEntries.filter((e) => (types as readonly string[]).includes(e.type)),
    entered: (leaf) => acceptedEntries.filter((e) => endsWith(e.stateAfter, leaf) && !endsWith(e.stateBefore, leaf)),
    left: (leaf) => acceptedEntries.filter((e) => endsWith(e.stateBefore, leaf) && !endsWith(e.stateAfter, leaf)),
    isIn: (leaf) => endsWith(view.states, leaf),
    waitsOn: (rule) => view.pending.some((p) => p.rule === rule),
    disagreementParty: (id) => parties.get(id) ?? null,
  };
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
