import { createHash } from 'node:crypto';
import type { AuditDraft, AuditEntry } from './store.js';

/** The `prevHash` of a case's first audit entry. */
export const genesisHash = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level, so the same entry always hashes the same way
 * whichever store wrote it or in what key order a database returned it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 over the previous hash and the canonical JSON of the entry without its own hash. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(entry.prevHash).update('\n').update(canonicalJson(entry)).digest('hex');
}

/**
 * Gives a draft its place in the chain after `previous` (null for the case's first entry). Every
 * driver calls this inside its own lock or transaction, so the chain has one writer at a time.
 */
export function chainEntry(previous: { readonly seq: number; readonly hash: string } | null, draft: AuditDraft): AuditEntry {
  const linked = { ...draft, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? genesisHash };
  return { ...linked, hash: hashEntry(linked) };
}

/** What {@link verifyAuditTrail} found. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | {
      readonly ok: false;
      /** `changed`: an entry's content no longer matches its hash. `removed`: a sequence number is missing.
       * `reordered`: entries are out of sequence. `inserted`: an entry does not follow from the one before.
       * `moved`: an entry belongs to another case than the one whose trail it is read as. */
      readonly problem: 'changed' | 'removed' | 'reordered' | 'inserted' | 'moved';
      /** The position (0-based) in the list given where the chain first breaks. */
      readonly index: number;
      /** The sequence number found there. */
      readonly seq: number;
      readonly message: string;
    };

/**
 * Checks a case's audit entries, oldest first: each entry's hash matches its content (its case id
 * and sequence number included), sequence numbers run 1, 2, 3… without a gap, and each entry links to
 * the hash of the one before. Finds a changed, removed, reordered or inserted entry and says which.
 * With `caseId`, every entry must also be that case's: a whole trail moved from one case to another
 * verifies as a chain, so only the case it is read for can tell (`moved`).
 *
 * @example
 * ```ts
 * const result = verifyAuditTrail(await engine.history('C-1'), { caseId: 'C-1' });
 * if (!result.ok) console.error(result.message); // e.g. "entry 4 was changed after it was written"
 * ```
 */
export function verifyAuditTrail(entries: readonly AuditEntry[], options: { readonly caseId?: string } = {}): AuditVerification {
  let previous: AuditEntry | null = null;
  for (const [index, entry] of entries.entries()) {
    const { hash, ...rest } = entry;
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const fail = (problem: 'changed' | 'removed' | 'reordered' | 'inserted' | 'moved', message: string): AuditVerification => ({
      ok: false, problem, index, seq: entry.seq, message,
    });
    // The case id is compared, never quoted: a moved entry's id is another family's.
    if (options.caseId !== undefined && entry.caseId !== options.caseId) {
      return fail('moved', `entry ${entry.seq} belongs to another case's trail`);
    }
    if (entry.seq > expectedSeq) {
      // The entry it expects further on means the order changed; nowhere means it was removed.
      return entries.slice(index + 1).some((later) => later.seq === expectedSeq)
        ? fail('reordered', `entry ${entry.seq} appears before entry ${expectedSeq}`)
        : fail('removed', `entry ${expectedSeq} is missing before entry ${entry.seq}`);
    }
    if (entry.seq < expectedSeq) return fail('reordered', `entry ${entry.seq} appears after entry ${expectedSeq - 1}`);
    if (hashEntry(rest) !== hash) return fail('changed', `entry ${entry.seq} was changed after it was written`);
    if (entry.prevHash !== (previous?.hash ?? genesisHash)) {
      return fail('inserted', `entry ${entry.seq} does not follow from the entry before it`);
    }
    previous = entry;
  }
  return { ok: true, entries: entries.length };
}
