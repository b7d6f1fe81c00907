import { hash as oneShotHash } from 'node:crypto';
import { defaultHeadKeyName, headKey, headSignedBy, type HeadVerificationKey, type SignedHead } from './heads.js';
import type { AuditDraft, AuditEntry } from './store.js';

/** The `prevHash` of a case's first audit entry. */
export const genesisHash = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level, so the same entry always hashes the same way
 * whichever store wrote it or in what key order a database returned it.
 */
export function canonicalJson(value: unknown): string {
  // One string built as it goes: no array of entries, no sorted copy of pairs, no joined parts per
  // level (the audit chain hashes every entry, the engine compares contexts with it).
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  return objectText(value as Record<string, unknown>, canonicalJson);
}

/**
 * An object's canonical JSON, each field's value written by `text`; with `extra`, as if its fields
 * were the object's too (an entry's place beside its draft), without copying the object first.
 */
function objectText(record: Record<string, unknown>, text: (field: unknown) => string, extra: Readonly<Record<string, unknown>> | null = null): string {
  const keys = Object.keys(record);
  if (extra !== null) for (const key of Object.keys(extra)) if (!(key in record)) keys.push(key);
  sortKeys(keys);
  let out = '{';
  let first = true;
  for (const key of keys) {
    const field = extra !== null && key in extra ? extra[key] : record[key];
    if (field === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${text(field)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The canonical JSON of objects the engine made and never changes, already written (an event's,
 * for its ledger digest): an audit entry's hash reads it rather than writing the event out again.
 */
const knownTexts = new WeakMap<object, string>();

/**
 * An object's canonical JSON whole and without some of its fields, written once: the engine
 * digests an event without its id and hashes its audit entry with it. The whole text is remembered
 * for the entry's hash, so the object must never change after this.
 *
 * @example
 * ```ts
 * const { without } = canonicalParts(event, new Set(['eventId', 'recordedAt']));
 * ```
 */
export function canonicalParts(value: object, omit: ReadonlySet<string>): { readonly whole: string; readonly without: string } {
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  sortKeys(keys);
  let whole = '{';
  let without = '{';
  for (const key of keys) {
    const field = record[key];
    if (field === undefined) continue;
    const part = `${JSON.stringify(key)}:${canonicalJson(field)}`;
    whole += whole.length === 1 ? part : `,${part}`;
    if (!omit.has(key)) without += without.length === 1 ? part : `,${part}`;
  }
  whole += '}';
  knownTexts.set(value, whole);
  return { whole, without: `${without}}` };
}

/** A field of an audit entry: its remembered text, or written out. */
const entryField = (field: unknown): string =>
  (field !== null && typeof field === 'object' && knownTexts.get(field)) || canonicalJson(field);

/** The canonical JSON of an entry without its hash: what the hash is taken over. */
const entryText = (entry: Omit<AuditEntry, 'hash'>): string => objectText(entry as unknown as Record<string, unknown>, entryField);

/**
 * Sorts keys in place in the default sort's order (UTF-16 code units, as `<` compares): by insertion
 * for the few keys most objects have, which, unlike `Array.prototype.sort`, allocates nothing.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
}

/** SHA-256 over the previous hash and the canonical JSON of the entry without its own hash. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return hashOf(entry.prevHash, entryText(entry));
}

// One call, no Hash object: the engine hashes two short texts per event (Node ≥ 20.12).
const hashOf = (prevHash: string, text: string): string => oneShotHash('sha256', `${prevHash}\n${text}`, 'hex');

/**
 * Gives a draft its place in the chain after `previous` (null for the case's first entry). Every
 * driver calls this inside its own lock or transaction, so the chain has one writer at a time.
 *
 * @example
 * ```ts
 * const first = chainEntry(null, draft);   // seq 1, prevHash '000…0'
 * const second = chainEntry(first, next);  // seq 2, prevHash first.hash
 * ```
 */
export function chainEntry(previous: { readonly seq: number; readonly hash: string } | null, draft: AuditDraft): AuditEntry {
  return chainEntryText(previous, draft).entry;
}

/**
 * {@link chainEntry}, with the entry as JSON text (the canonical text its hash was taken over, its
 * hash added last), for a store that keeps entries as text: one writing serves both.
 *
 * @example
 * ```ts
 * const { entry, text } = chainEntryText(last, draft);
 * JSON.parse(text); // equal to entry
 * ```
 */
export function chainEntryText(previous: { readonly seq: number; readonly hash: string } | null, draft: AuditDraft): { readonly entry: AuditEntry; readonly text: string } {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? genesisHash;
  const text = objectText(draft as unknown as Record<string, unknown>, entryField, { seq, prevHash });
  const hash = hashOf(prevHash, text);
  return { entry: { ...draft, seq, prevHash, hash }, text: `${text.slice(0, -1)},"hash":"${hash}"}` };
}

/** What {@link verifyAuditTrail} can find wrong. */
export type AuditProblem =
  | 'changed'
  | 'removed'
  | 'reordered'
  | 'inserted'
  | 'moved'
  | 'truncated'
  | 'appended'
  | 'forged'
  | 'version'
  | 'signature';

/** What {@link verifyAuditTrail} is asked to hold a trail to, beyond its own chain. */
export interface AuditVerificationOptions {
  /** The case the trail is read for: every entry must be its (`moved`). */
  readonly caseId?: string;
  /**
   * The case's head (as `load` gives it, or from `parseHead`): the trail must end exactly at it
   * (`truncated`, `appended`, `forged`) and its version must be the last entry's (`version`).
   */
  readonly head?: SignedHead | null;
  /**
   * The key that signed heads (Ed25519 public key, or the HMAC secret): the head must carry a
   * signature by it that verifies (`signature`). Given a key, a missing head is a `signature` problem.
   */
  readonly key?: HeadVerificationKey;
  /** The key's name in signatures; `caf-step-down` by default. */
  readonly keyName?: string;
  /** The stored case's version: it must be the head's (or, without a head, the last entry's) (`version`). */
  readonly version?: number;
}

/** What {@link verifyAuditTrail} found. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | {
      readonly ok: false;
      /** `changed`: an entry's content no longer matches its hash. `removed`: a sequence number is missing.
       * `reordered`: entries are out of sequence. `inserted`: an entry does not follow from the one before.
       * `moved`: an entry belongs to another case than the one whose trail it is read as (or the
       * head does). With a head: `truncated` (the trail ends before it), `appended` (runs past it),
       * `forged` (its last entry is not the head's, though the chain holds: recomputed hashes),
       * `version` (the head's version is not the last entry's or the stored case's), `signature`
       * (with a key: the head is unsigned or its signature does not verify). */
      readonly problem: AuditProblem;
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
 * The chain alone cannot show entries cut from the end, or a trail rewritten with every hash
 * recomputed. With the case's `head` the trail must end exactly there; with the `key` that signed
 * the head, the head itself must verify, so only the key's holder could have moved it. To check a
 * trail against an older head kept elsewhere, give the trail up to that head's `seq`.
 *
 * @example
 * ```ts
 * const result = verifyAuditTrail(await engine.history('C-1'), { caseId: 'C-1' });
 * if (!result.ok) console.error(result.message); // e.g. "entry 4 was changed after it was written"
 *
 * // With the head the store keeps and the public key: truncation and forgery are caught too.
 * const record = await store.load('C-1');
 * verifyAuditTrail(await store.audit('C-1'), { caseId: 'C-1', head: record?.head, key: publicKey, version: record?.version });
 * ```
 */
export function verifyAuditTrail(entries: readonly AuditEntry[], options: AuditVerificationOptions = {}): AuditVerification {
  let previous: AuditEntry | null = null;
  for (const [index, entry] of entries.entries()) {
    const { hash, ...rest } = entry;
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const fail = (problem: AuditProblem, message: string): AuditVerification => ({
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
  return checkHeadOf(entries, previous, options) ?? { ok: true, entries: entries.length };
}

/** The head checks of {@link verifyAuditTrail}, on a trail whose chain holds: null when they pass. */
function checkHeadOf(entries: readonly AuditEntry[], last: AuditEntry | null, options: AuditVerificationOptions): AuditVerification | null {
  const { head, key } = options;
  const index = Math.max(0, entries.length - 1);
  const fail = (problem: AuditProblem, seq: number, message: string): AuditVerification => ({ ok: false, problem, index, seq, message });
  const lastSeq = last?.seq ?? 0;
  if (head === undefined || head === null) {
    if (key !== undefined) return fail('signature', lastSeq, 'the case has no signed head to check the trail against');
    if (options.version !== undefined && last !== null && last.version !== options.version) {
      return fail('version', lastSeq, `the case is stored at version ${options.version}, its trail ends at version ${last.version}`);
    }
    return null;
  }
  if (key !== undefined && !headSignedBy(head, headKey(key, options.keyName ?? defaultHeadKeyName))) {
    return fail('signature', head.seq, "the head's signature does not verify with the key given");
  }
  if (options.caseId !== undefined && head.caseId !== options.caseId) return fail('moved', head.seq, "the head is another case's");
  if (lastSeq < head.seq) return fail('truncated', head.seq, `entry ${head.seq}, which the head records, is missing: the trail ends at entry ${lastSeq}`);
  if (lastSeq > head.seq) return fail('appended', lastSeq, `the trail runs past entry ${head.seq}, which the head records, to entry ${lastSeq}`);
  if (last!.hash !== head.hash) return fail('forged', lastSeq, `entry ${lastSeq} is not the entry the head records: the trail was rewritten`);
  if (last!.version !== head.version) return fail('version', lastSeq, `the head records version ${head.version}, the trail ends at version ${last!.version}`);
  if (options.version !== undefined && options.version !== head.version) {
    return fail('version', lastSeq, `the case is stored at version ${options.version}, its head records version ${head.version}`);
  }
  return null;
}
