import { StepDownError } from '../errors.js';
import { hashEntry } from './audit-chain.js';
import type { CaseHead, SignedHead } from './heads.js';
import type { AuditEntry, WriteOptions } from './store.js';

/**
 * The head a store saves with a write: the new entry's place, the case's version, signed when the
 * engine passed a signer (`options.signHead`), unsigned otherwise.
 *
 * @example
 * ```ts
 * const entry = chainEntry(last, draft);
 * row.head = nextHead(entry, record.version, options); // saved in the same write as the entry
 * ```
 */
export function nextHead(entry: AuditEntry, version: number, options: WriteOptions | undefined): SignedHead {
  const head: CaseHead = { caseId: entry.caseId, seq: entry.seq, hash: entry.hash, version };
  return options?.signHead ? options.signHead(head) : head;
}

/** Why a store refused a write on a case's trail (`details.problem` of `AUDIT_TRAIL_BROKEN`). */
export type HeadProblem = 'truncated' | 'appended' | 'forged' | 'changed' | 'moved' | 'version' | 'signature';

/** `AUDIT_TRAIL_BROKEN` for a case: ids, sequence numbers and the problem only, never content. */
export function trailBroken(caseId: string, seq: number, problem: HeadProblem, what: string): StepDownError {
  return new StepDownError(
    'AUDIT_TRAIL_BROKEN',
    `Case ${caseId}: ${what}, so nothing was written. Run engine.verifyAll() (or verifyAuditTrail) and restore the trail from a backup.`,
    { caseId, seq, problem },
  );
}

/**
 * The check every store makes inside its lock or transaction before it writes onto a case's trail:
 * the trail's actual last entry (`last`, read from the trail itself) is the one the case records
 * (`head`, or for a case saved before heads existed the row's own last sequence and hash, `recorded`),
 * its hash still recomputes, it is this case's, and the head's version is the stored case's.
 * `options.verifyHead` then checks the head's signature when the engine has a key. Throws
 * `AUDIT_TRAIL_BROKEN` (details: caseId, seq, problem) on the first mismatch.
 *
 * @example
 * ```ts
 * // In the transaction, before the write: the row's head against the trail's real last entry.
 * checkTrailHead(caseId, row.version, row.head, null, lastEntry, options);
 * ```
 */
export function checkTrailHead(
  caseId: string,
  version: number,
  head: SignedHead | null | undefined,
  recorded: { readonly seq: number; readonly hash: string } | null,
  last: AuditEntry | null,
  options: WriteOptions | undefined,
): void {
  checkHeadAgainst(caseId, version, head, recorded, last, (entry) => {
    const { hash, ...rest } = entry as AuditEntry;
    return hashEntry(rest) === hash;
  }, options);
}

/**
 * {@link checkTrailHead} for a store whose trail's last entry is one it hashed itself and holds
 * where nothing else can change it (the memory store keeps each entry as the text it wrote): the
 * same checks in the same order, but the entry's hash is taken as its content's, not recomputed.
 *
 * @example
 * ```ts
 * checkKnownTrailHead(caseId, version, heads.get(caseId), null, lastWritten.get(caseId) ?? null, options);
 * ```
 */
export function checkKnownTrailHead(
  caseId: string,
  version: number,
  head: SignedHead | null | undefined,
  recorded: { readonly seq: number; readonly hash: string } | null,
  last: KnownEntry | null,
  options: WriteOptions | undefined,
): void {
  checkHeadAgainst(caseId, version, head, recorded, last, () => true, options);
}

/** What {@link checkKnownTrailHead} reads of a trail's last entry. */
export type KnownEntry = Pick<AuditEntry, 'caseId' | 'seq' | 'hash'>;

function checkHeadAgainst(
  caseId: string,
  version: number,
  head: SignedHead | null | undefined,
  recorded: { readonly seq: number; readonly hash: string } | null,
  last: KnownEntry | null,
  hashHolds: (entry: KnownEntry) => boolean,
  options: WriteOptions | undefined,
): void {
  const expected = head ?? recorded;
  if (expected === null) return;
  // A head at sequence 0 records an empty trail: consistent with a trail that has no entry.
  if (last === null && expected.seq === 0) return;
  if (last === null || last.seq < expected.seq) {
    throw trailBroken(caseId, expected.seq, 'truncated', `the audit trail ends before entry ${expected.seq}, which its head records`);
  }
  if (last.seq > expected.seq) {
    throw trailBroken(caseId, last.seq, 'appended', `the audit trail runs past entry ${expected.seq}, which its head records, to entry ${last.seq}`);
  }
  if (last.caseId !== caseId) throw trailBroken(caseId, last.seq, 'moved', `entry ${last.seq} belongs to another case's trail`);
  if (!hashHolds(last)) throw trailBroken(caseId, last.seq, 'changed', `entry ${last.seq} was changed after it was written`);
  if (last.hash !== expected.hash) throw trailBroken(caseId, last.seq, 'forged', `entry ${last.seq} is not the entry its head records`);
  if (head) {
    if (head.caseId !== caseId) throw trailBroken(caseId, head.seq, 'moved', "the stored head is another case's");
    if (head.version !== version) {
      throw trailBroken(caseId, head.seq, 'version', `the stored version is not the version ${head.version} its head records`);
    }
  }
  options?.verifyHead?.(head ?? null, caseId);
}
