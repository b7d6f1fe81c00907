import { isStepDownError, type StepDownError } from '../errors.js';
import { trailBroken } from './heads-check.js';
import { defaultHeadKeyName, headKey, headSignedBy, signHead, type HeadKey, type HeadSigningKey, type SignedHead } from './heads.js';
import type { CaseStore, OutboxMessage, WriteOptions } from './store.js';

/**
 * The engine's `audit` option: the key that signs every case's head, so that truncation, entries
 * forged with recomputed hashes and an edited version are caught (see `docs/security.md`).
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * const { privateKey, publicKey } = generateKeyPairSync('ed25519');
 * const engine = createCaseEngine({ store, audit: { signingKey: privateKey, keyName: 'council.example/step-down' } });
 * // keep publicKey where an auditor can read it: verifyHead and verifyAuditTrail need only it
 * ```
 */
export interface AuditSigningOptions {
  /** An Ed25519 private `KeyObject`, or an HMAC-SHA256 secret of at least 32 bytes. */
  readonly signingKey: HeadSigningKey;
  /** The key's name in signatures (a signed-note key name: no spaces, no `+`); `caf-step-down` by default. */
  readonly keyName?: string;
  /**
   * Accept a case whose head is missing or unsigned (written before the engine had a key) and sign
   * it at its next write. Off by default: with it on, someone who can write to the store can strip a
   * head's signature and have the engine sign what they left. Turn it on while a store moves to
   * signed heads, then off.
   */
  readonly adoptUnsigned?: boolean;
}

/** How an engine treats heads: its key (or none), and what it passes the store with each write. */
export interface HeadPolicy {
  readonly key: HeadKey | null;
  /** The signing key as the host gave it, which also verifies (a private Ed25519 key, or the HMAC secret). */
  readonly verificationKey: HeadSigningKey | null;
  readonly adoptUnsigned: boolean;
  readonly writeOptions: WriteOptions;
}

/** The policy of an engine's `audit` option, its key checked once here (`INVALID_ARGUMENT`). */
export function headPolicy(options: AuditSigningOptions | undefined): HeadPolicy {
  if (options === undefined) return { key: null, verificationKey: null, adoptUnsigned: true, writeOptions: {} };
  const key = headKey(options.signingKey, options.keyName ?? defaultHeadKeyName);
  // A public key cannot sign: found now, not at the first write.
  if (key.sign === null) signHead({ caseId: 'x', seq: 1, hash: '0'.repeat(64), version: 1 }, key);
  const adoptUnsigned = options.adoptUnsigned === true;
  return {
    key,
    verificationKey: options.signingKey,
    adoptUnsigned,
    writeOptions: {
      signHead: (head) => signHead(head, key),
      verifyHead: (head, caseId) => checkSignature(caseId, head, key, adoptUnsigned),
    },
  };
}

/** `AUDIT_TRAIL_BROKEN` unless `head` is signed by `key` (or, adopting, has no signature at all). */
export function checkSignature(caseId: string, head: SignedHead | null, key: HeadKey, adoptUnsigned: boolean): void {
  if (head === null || head.signature === undefined) {
    if (adoptUnsigned) return;
    throw trailBroken(caseId, head?.seq ?? 0, 'signature', 'the stored head is not signed, and this engine signs heads (audit.adoptUnsigned is off)');
  }
  if (!headSignedBy(head, key)) {
    throw trailBroken(caseId, head.seq, 'signature', "the stored head's signature does not verify with the engine's key");
  }
}

/**
 * The engine's view of its store with heads: every write passes the head policy's signer and
 * checker, and a write refused `AUDIT_TRAIL_BROKEN` queues an `audit.broken` notification (ids,
 * sequence number and problem only) through `enqueue`, apart from the refused write, before the
 * error reaches the host. A store without `enqueue` hands it to `fallback` (the engine's in-process
 * listeners) instead.
 */
export function withHeads(
  store: CaseStore,
  policy: HeadPolicy,
  now: () => Date,
  fallback: (message: OutboxMessage) => Promise<void>,
): CaseStore {
  const notify = async (error: StepDownError, caseId: string | undefined): Promise<void> => {
    const details = (error.details ?? {}) as { caseId?: unknown; seq?: unknown; problem?: unknown };
    const id = typeof details.caseId === 'string' ? details.caseId : caseId;
    if (id === undefined) return;
    const seq = typeof details.seq === 'number' ? details.seq : null;
    const problem = typeof details.problem === 'string' ? details.problem : null;
    // One message per break: a write retried on the same broken trail finds it queued already.
    const message: OutboxMessage = {
      id: `${id}:audit-broken:${seq ?? 0}:${problem ?? 'unknown'}`,
      caseId: id,
      notification: { type: 'audit.broken', caseId: id, code: 'AUDIT_TRAIL_BROKEN', seq, problem, at: now().toISOString() },
      attempts: 0,
      availableAt: 0,
    };
    if (store.enqueue) await store.enqueue([message]);
    else await fallback(message);
  };
  const watch = async <R>(caseId: string | undefined, write: () => Promise<R>): Promise<R> => {
    try {
      return await write();
    } catch (error) {
      // The refusal stands whether or not the notice could be queued: the host hears of it either way.
      if (isStepDownError(error, 'AUDIT_TRAIL_BROKEN')) await notify(error, caseId).catch(() => undefined);
      throw error;
    }
  };
  const options = policy.writeOptions;
  return {
    ...store,
    create: (record, audit, outbox) => watch(record.caseId, () => store.create(record, audit, outbox, options)),
    save: (record, expectedVersion, audit, outbox) =>
      watch(record.caseId, () => store.save(record, expectedVersion, audit, outbox, options)),
    saveMany: (writes) => watch(undefined, () => store.saveMany(writes, options)),
    appendAudit: (audit, outbox) => watch(audit.caseId, () => store.appendAudit(audit, outbox, options)),
  };
}
