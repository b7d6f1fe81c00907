import { hash as oneShotHash } from 'node:crypto';
import type { StepDownEvent } from '../events/index.js';
import { canonicalParts } from './audit-chain.js';

/**
 * What the engine remembers of each accepted event, by its `eventId`: enough to recognise a resend
 * and to judge a void, without reading the trail. Ids, types, roles, dates and a digest only.
 */
export interface LedgerEntry {
  readonly type: string;
  /** SHA-256 of the event's content (everything but `eventId` and `recordedAt`). */
  readonly digest: string;
  /** The role that sent it: that role, or a Team Manager, may void it. */
  readonly role: string;
  readonly at: string;
  /** The eventId of the void that took it out of the case, or null. */
  readonly voidedBy: string | null;
}

/** The accepted events of a case by eventId. Kept beside the snapshot, written with it. */
export type Ledger = Readonly<Record<string, LedgerEntry>>;

/**
 * The digest of what an event says: its content without its identity (`eventId`) or the time it
 * was recorded (`recordedAt`), so a resend of the same record matches whenever it is sent. The event
 * must not change after this: its canonical text is remembered for its audit entry.
 */
export function contentDigest(event: StepDownEvent): string {
  // Written once: the event's whole text is kept for its audit entry's hash (`canonicalParts`).
  return oneShotHash('sha256', canonicalParts(event, identity).without, 'hex');
}

const identity: ReadonlySet<string> = new Set(['eventId', 'recordedAt']);

/** The ledger entry of an accepted event. */
export function ledgerEntry(event: StepDownEvent & { eventId: string }): LedgerEntry {
  return { type: event.type, digest: contentDigest(event), role: event.actor.role, at: event.at, voidedBy: null };
}

/** The ledger a stored snapshot carries (none before snapshot version 2). */
export function ledgerOf(persisted: unknown): Ledger {
  const ledger = (persisted as { ledger?: unknown } | null)?.ledger;
  return ledger !== null && typeof ledger === 'object' && !Array.isArray(ledger) ? (ledger as Ledger) : {};
}

/** The events a ledger records as voided, in its order: the voided event's id and type, and the void's id. */
export function voidedEvents(ledger: Ledger): { eventId: string; type: string; voidedBy: string }[] {
  const voided: { eventId: string; type: string; voidedBy: string }[] = [];
  for (const eventId in ledger) {
    const entry = ledger[eventId]!;
    if (entry.voidedBy !== null) voided.push({ eventId, type: entry.type, voidedBy: entry.voidedBy });
  }
  return voided;
}
