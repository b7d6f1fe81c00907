import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { StepDownError, isStepDownError } from '../src/errors.js';
import type { DeadLetterReason } from '../src/engine/delivery.js';
import type { AuditEntry, CaseStore, OutboxMessage, StoredCase, WorkItem } from '../src/engine/store.js';
import type { PersistedCase } from '../src/machine/persistence.js';

/**
 * Optional encryption at rest for the file and PostgreSQL stores. The host supplies the keys and
 * says which one seals new records; every key that sealed a record still kept must stay in `keys`
 * for that record to be read, so keys rotate without rewriting anything at once.
 *
 * @example
 * ```ts
 * const encryption = {
 *   keys: { '2025-01': Buffer.from(process.env.STEP_DOWN_KEY_2025_01!, 'base64') },
 *   current: '2025-01',
 * };
 * const store = fileStore({ directory: '/var/lib/step-down', encryption });
 * ```
 */
export interface EncryptionOptions {
  /**
   * AES-256 keys by key id: 32 bytes each. An id is 1–64 letters, digits, `.`, `_`, `:` or `-`,
   * because it is stored in clear beside every record and named in error messages.
   */
  readonly keys: Readonly<Record<string, Uint8Array>>;
  /** The id of the key that seals every new record (and every record `rekey` touches). */
  readonly current: string;
  /**
   * HMAC-SHA256 key (32 bytes) for the store's lookup columns: the person, user and family ids the
   * work list and family groups are found by are kept as `#` + the hex HMAC of the id under this
   * key, never in clear. It does not rotate with `keys` (a lookup must find rows written under any
   * data key), so keep it as long as the store. Required by the PostgreSQL store when `encryption`
   * is given (`INVALID_ARGUMENT` without it); see `docs/security.md`.
   */
  readonly indexKey?: Uint8Array;
}

/**
 * A sealed payload as stored: AES-256-GCM with a random 96-bit IV, its 128-bit tag, and the id of
 * the key. Plain JSON, so it fits a JSON line and a `jsonb` column alike and a host in another
 * language can open it with the key and the additional data described in `docs/security.md`.
 */
export interface Seal {
  /** The format of this seal; only 1 exists. */
  readonly v: 1;
  readonly alg: 'A256GCM';
  /** The id of the key that sealed it, in `EncryptionOptions.keys`. */
  readonly kid: string;
  /** base64 of the 12-byte IV. */
  readonly iv: string;
  /** base64 of the 16-byte authentication tag. */
  readonly tag: string;
  /** base64 of the ciphertext of the payload's JSON. */
  readonly data: string;
}

/**
 * An audit entry as a sealing store keeps it: everything the store and an auditor without the key
 * need stays in clear (ids, sequence, hashes, event type, actor role, dates, states, rule ids,
 * accepted and error code); the event and the actor's id are in `sealed`.
 */
export type SealedAuditEntry = Omit<AuditEntry, 'event' | 'actor'> & {
  readonly actor: { readonly role: string } | null;
  readonly sealed: Seal;
};

/** An audit entry as stored: in clear (no encryption, or written before it was turned on) or sealed. */
export type StoredAuditEntry = AuditEntry | SealedAuditEntry;

/** A snapshot as a sealing store keeps it: the machine version and state value in clear, the context sealed. */
export interface SealedSnapshot {
  readonly machineVersion: unknown;
  readonly value: unknown;
  readonly sealed: Seal;
}

/** A snapshot as stored: in clear or sealed. */
export type StoredSnapshot = PersistedCase | SealedSnapshot;

/**
 * A work-list item as a sealing store keeps it: what the list is ordered and filtered by, and what
 * is policy rather than personal (case id, stage, step, role, rule, due, breached), in clear; the
 * family, person and user ids and the detail (a person's or a disagreement's id) in `sealed`.
 */
export type SealedWorkItem = Omit<WorkItem, 'familyId' | 'detail' | 'personId' | 'actorId'> & { readonly sealed: Seal };

/** A work-list item as stored: in clear or sealed. */
export type StoredWorkItem = WorkItem | SealedWorkItem;

/**
 * A notification as a sealing store keeps it in the outbox and the dead letters: its type in clear
 * (the dead-letter listing shows it, and it is policy vocabulary, as an audit entry's event type
 * is), the whole notification in `sealed`.
 */
export interface SealedNotification {
  readonly type: string;
  readonly sealed: Seal;
}

/** A notification as stored: in clear (no encryption, or written before it was turned on) or sealed. */
export type StoredNotification = OutboxMessage['notification'] | SealedNotification;

/** An outbox message (or a dead letter's message) as stored: its ids, attempts and times in clear, its notification perhaps sealed. */
export type StoredOutboxMessage = Omit<OutboxMessage, 'notification'> & { readonly notification: StoredNotification };

/** A case record as stored: {@link StoredCase} with its snapshot perhaps sealed. */
export type StoredRecord = Omit<StoredCase, 'snapshot'> & { readonly snapshot: StoredSnapshot };

/** What `rekeyAll` did. */
export interface RekeyResult {
  /** Cases with at least one record re-sealed. */
  readonly cases: number;
  /** Records re-sealed: snapshots plus audit entries. */
  readonly records: number;
}

/**
 * A store that can seal its records: the file and PostgreSQL stores. `rekey` and `rekeyAll` move
 * records onto the current key, so an old key can be retired (see `docs/security.md`).
 */
export interface SealingStore extends CaseStore {
  /**
   * Re-seals one case's snapshot and audit entries under `encryption.current`, sealing any written
   * in clear before encryption was turned on, inside the case's lock. The hash chain is untouched:
   * hashes cover the clear entries, which re-sealing does not change. Returns how many records it
   * re-sealed (0 when all were already under the current key). `INVALID_ARGUMENT` without
   * encryption options; `ENCRYPTION_KEY_MISSING` / `DECRYPTION_FAILED` when a record cannot be opened.
   */
  rekey(caseId: string): Promise<number>;
  /**
   * {@link SealingStore.rekey} on every case that has a record not under the current key, then the
   * notifications of the outbox and the dead letters (not counted in the result).
   */
  rekeyAll(): Promise<RekeyResult>;
}

/**
 * Seals records on the way into a store and opens them on the way out. Without encryption options it
 * seals nothing and opens only clear records: meeting a sealed one is `ENCRYPTION_KEY_MISSING`, never
 * a silent read of ciphertext as if it were data.
 */
export interface Sealer {
  /** The id of the key that seals new records, or null when this store seals nothing. */
  readonly current: string | null;
  /** The entry as it is to be stored: sealed under the current key, or unchanged without keys. */
  sealEntry(entry: AuditEntry): StoredAuditEntry;
  /**
   * The entry as the engine wrote it, read as an entry of case `caseId`: the case whose row or log it
   * was read from, never the entry's own clear case id, so a sealed entry moved to another case's
   * trail fails to open (`DECRYPTION_FAILED`) whatever its clear fields say.
   */
  openEntry(stored: StoredAuditEntry, caseId: string): AuditEntry;
  /** The snapshot as it is to be stored, bound to its case and version. */
  sealSnapshot(caseId: string, version: number, snapshot: PersistedCase): StoredSnapshot;
  /** The snapshot as the engine wrote it. */
  openSnapshot(caseId: string, version: number, stored: StoredSnapshot): PersistedCase;
  /**
   * The work-list item as it is to be stored at position `n` of its case's list: its ids sealed under
   * the current key, or unchanged without keys.
   */
  sealWork(item: WorkItem, n: number): StoredWorkItem;
  /** The work-list item as the engine wrote it. */
  openWork(caseId: string, n: number, stored: StoredWorkItem): WorkItem;
  /**
   * An id as a lookup column keeps it: `#` and the hex HMAC-SHA256 of its UTF-8 under
   * `encryption.indexKey` when the store seals, the id itself when it does not. The `#` can never
   * begin an id, so a hashed value never equals a clear one.
   */
  indexed(id: string): string;
  /** True when `rekey` would re-seal this record: it is in clear, or under a key other than `current`. */
  stale(stored: StoredAuditEntry | StoredSnapshot | StoredWorkItem | StoredNotification): boolean;
  /**
   * The outbox message as it is to be stored: its notification sealed under the current key, bound
   * to the message id, the case id and the notification type (which stays in clear beside it).
   */
  sealMessage(message: OutboxMessage): StoredOutboxMessage;
  /**
   * The outbox message as the engine wrote it, opened as the message of the id and case id its row
   * or file keeps: a sealed notification moved to another message fails (`DECRYPTION_FAILED`). A
   * notification in clear (written before the store sealed) is read as it is.
   */
  openMessage(stored: StoredOutboxMessage): OutboxMessage;
}

const keyIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;
const ivBytes = 12;
const tagBytes = 16;

/**
 * A {@link Sealer} for the given options, checked once here so a misconfigured key fails at start
 * (`INVALID_ARGUMENT`) rather than at the first write.
 *
 * @example
 * ```ts
 * const sealer = createSealer({ keys: { k1: randomBytes(32) }, current: 'k1' });
 * const stored = sealer.sealEntry(entry);   // event and actor id sealed, the rest in clear
 * sealer.openEntry(stored);                 // equal to entry
 * ```
 */
export function createSealer(options: EncryptionOptions | undefined): Sealer {
  const keys = options ? checkedKeys(options) : new Map<string, Buffer>();
  const current = options?.current ?? null;
  const indexKey = options?.indexKey === undefined ? null : checkedIndexKey(options.indexKey, keys);

  const seal = (payload: unknown, aad: (kid: string) => Buffer): Seal => {
    const kid = current!;
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', keys.get(kid)!, iv, { authTagLength: tagBytes });
    cipher.setAAD(aad(kid));
    const data = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return { v: 1, alg: 'A256GCM', kid, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  };

  /** `what` names the record in errors: ids and numbers only, never anything from inside it. */
  const open = (found: unknown, aad: (kid: string) => Buffer, what: string, details: Record<string, unknown>): unknown => {
    const s = found as Partial<Seal> | null;
    const kid = typeof s?.kid === 'string' && keyIdPattern.test(s.kid) ? s.kid : null;
    if (kid === null || s?.v !== 1 || s.alg !== 'A256GCM' || typeof s.iv !== 'string' || typeof s.tag !== 'string' || typeof s.data !== 'string') {
      // A key id that is not one we could have written is not quoted: it may be anything.
      throw new StepDownError('DECRYPTION_FAILED', `${what} carries a malformed seal: the record was changed after it was written.`, {
        ...details,
        keyId: kid,
      });
    }
    const key = keys.get(kid);
    if (!key) {
      throw new StepDownError(
        'ENCRYPTION_KEY_MISSING',
        `${what} is sealed with key '${kid}', which this store was not given: add it to encryption.keys.`,
        { ...details, keyId: kid },
      );
    }
    try {
      const iv = Buffer.from(s.iv, 'base64');
      const tag = Buffer.from(s.tag, 'base64');
      if (iv.length !== ivBytes || tag.length !== tagBytes) throw new Error('bad lengths');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
      decipher.setAAD(aad(kid));
      decipher.setAuthTag(tag);
      const text = Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]).toString('utf8');
      return JSON.parse(text);
    } catch {
      // Node's own message says nothing useful ("Unsupported state or unable to authenticate data");
      // ours names the three causes a host can act on.
      throw new StepDownError(
        'DECRYPTION_FAILED',
        `${what} cannot be opened with key '${kid}': the key given under that id is not the one that sealed it, ` +
          'or the record was changed or moved from another record.',
        { ...details, keyId: kid },
      );
    }
  };

  // The additional data binds a seal to its place: the case id and the entry's sequence number (or
  // the snapshot's version) and the key id. On opening, the case id is the one the record is read
  // for (its row's or log's), not one the record states: a trail moved whole, its clear case ids
  // edited to match or not, cannot open under another case. A record in place has the same id in
  // both, so the additional data, and everything sealed before this rule, is unchanged. A seal copied onto another record fails to open, so no
  // one with write access can shuffle sealed payloads between entries or cases unnoticed. The clear
  // fields are not bound here: the hash chain covers them, and verifyAuditTrail names what changed.
  const entryAad = (caseId: string, seq: number) => (kid: string) =>
    Buffer.from(JSON.stringify(['caf-step-down', 1, 'audit', caseId, seq, kid]), 'utf8');
  const snapshotAad = (caseId: string, version: number) => (kid: string) =>
    Buffer.from(JSON.stringify(['caf-step-down', 1, 'case', caseId, version, kid]), 'utf8');
  const workAad = (caseId: string, n: number) => (kid: string) =>
    Buffer.from(JSON.stringify(['caf-step-down', 1, 'work', caseId, n, kid]), 'utf8');
  // The type is bound too: it stays in clear for the dead-letter listing, and a clear copy that
  // could be edited without the seal noticing would let the listing lie about what is buried.
  const messageAad = (caseId: string, messageId: string, type: string) => (kid: string) =>
    Buffer.from(JSON.stringify(['caf-step-down', 1, 'outbox', caseId, messageId, type, kid]), 'utf8');

  return {
    current,
    sealEntry(entry) {
      if (current === null) return entry;
      const { event, actor, ...clear } = entry;
      const { role, ...actorRest } = actor ?? { role: '' };
      // The role stays in clear (who may do what is policy, not personal data) and the hash covers
      // it; the actor's id, like the event, is the person's and is sealed.
      const sealed = seal(actor === null ? { event } : { event, actor: actorRest }, entryAad(entry.caseId, entry.seq));
      return { ...clear, actor: actor === null ? null : { role }, sealed };
    },
    openEntry(stored, caseId) {
      if (!isSealed(stored)) return stored;
      const { sealed, actor, ...clear } = stored;
      const payload = open(sealed, entryAad(caseId, stored.seq), `Audit entry ${stored.seq} of case ${caseId}`, {
        caseId,
        seq: stored.seq,
      }) as { event?: unknown; actor?: Record<string, unknown> };
      const opened = { ...clear, event: payload.event ?? null, actor: actor === null ? null : { ...payload.actor, role: actor.role } };
      return opened as AuditEntry;
    },
    sealSnapshot(caseId, version, snapshot) {
      if (current === null) return snapshot;
      // The machine version must be readable before anything else (SNAPSHOT_VERSION is decided on
      // it), and the state value is what an operator needs to see where cases stand; the context
      // holds the people, their views and reasons, so it is sealed whole.
      const { machineVersion, value, ...rest } = snapshot;
      return { machineVersion, value, sealed: seal(rest, snapshotAad(caseId, version)) };
    },
    openSnapshot(caseId, version, stored) {
      if (!isSealed(stored)) return stored;
      const { sealed, machineVersion, value } = stored;
      const rest = open(sealed, snapshotAad(caseId, version), `The stored snapshot of case ${caseId} (version ${version})`, {
        caseId,
        version,
      }) as Record<string, unknown>;
      return { machineVersion, value, ...rest } as PersistedCase;
    },
    sealWork(item, n) {
      if (current === null) return item;
      const { familyId, detail, personId, actorId, ...clear } = item;
      return { ...clear, sealed: seal({ familyId, detail, personId, actorId }, workAad(item.caseId, n)) };
    },
    openWork(caseId, n, stored) {
      if (!isSealed(stored)) return stored;
      const { sealed, ...clear } = stored;
      const ids = open(sealed, workAad(caseId, n), `Work-list item ${n} of case ${caseId}`, { caseId, n }) as Pick<
        WorkItem,
        'familyId' | 'detail' | 'personId' | 'actorId'
      >;
      return { ...clear, familyId: ids.familyId ?? null, detail: ids.detail ?? null, personId: ids.personId ?? null, actorId: ids.actorId ?? null };
    },
    indexed(id) {
      if (current === null) return id;
      if (indexKey === null) {
        throw new StepDownError('INVALID_ARGUMENT', 'encryption.indexKey (32 bytes) is needed to keep lookup ids out of clear.');
      }
      return `#${createHmac('sha256', indexKey).update(id, 'utf8').digest('hex')}`;
    },
    stale(stored) {
      return current !== null && (!isSealed(stored) || (stored.sealed as Partial<Seal>).kid !== current);
    },
    sealMessage(message) {
      if (current === null) return message;
      const { notification } = message;
      const sealed = seal(notification, messageAad(message.caseId, message.id, notification.type));
      return { ...message, notification: { type: notification.type, sealed } };
    },
    openMessage(stored) {
      const { notification } = stored;
      if (!isSealed(notification)) return stored as OutboxMessage;
      const what = `Outbox message ${stored.id} of case ${stored.caseId}`;
      const opened = open(notification.sealed, messageAad(stored.caseId, stored.id, notification.type), what, {
        caseId: stored.caseId,
        messageId: stored.id,
      }) as OutboxMessage['notification'];
      return { ...stored, notification: opened };
    },
  };
}

/** True when a stored record carries a seal; a clear audit entry or snapshot never has `sealed`. */
export function isSealed<T extends object>(stored: T): stored is Extract<T, { sealed: Seal }> {
  const found = (stored as { sealed?: unknown }).sealed;
  return typeof found === 'object' && found !== null;
}

/**
 * Why a claimed message whose notification cannot be opened goes to the dead letters instead of
 * being delivered: the sealing error's code (`DECRYPTION_FAILED`, `ENCRYPTION_KEY_MISSING`) under
 * the emitter name `store`. Buried, it neither blocks the messages behind it nor is claimed again
 * and again; once the keys are right, `engine.redeliver(id)` puts it back. Any other error is
 * thrown again.
 *
 * @example
 * ```ts
 * try { message = sealer.openMessage(stored); } catch (error) { await bury(stored.id, unopenedReason(error, now)); }
 * ```
 */
export function unopenedReason(error: unknown, now: number): DeadLetterReason {
  if (isStepDownError(error, 'DECRYPTION_FAILED') || isStepDownError(error, 'ENCRYPTION_KEY_MISSING')) {
    return { emitter: 'store', code: error.code, status: null, at: new Date(now).toISOString() };
  }
  throw error;
}

/**
 * The message re-sealed under the current key, or null when it needs no re-sealing or cannot be
 * opened (it is then buried on its claim, or stays buried, as any unopenable message).
 *
 * @example
 * ```ts
 * const next = resealed(sealer, stored);
 * if (next !== null) await write(next);
 * ```
 */
export function resealed(sealer: Sealer, stored: StoredOutboxMessage): StoredOutboxMessage | null {
  if (!sealer.stale(stored.notification)) return null;
  try {
    return sealer.sealMessage(sealer.openMessage(stored));
  } catch (error) {
    unopenedReason(error, 0);
    return null;
  }
}

/** The rekey call on a store without keys: there is no current key to move records onto. */
export function rekeyWithoutKeys(): StepDownError {
  return new StepDownError('INVALID_ARGUMENT', 'rekey needs the store to be opened with encryption options (keys and current).');
}

function checkedIndexKey(key: Uint8Array, keys: ReadonlyMap<string, Buffer>): Buffer {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new StepDownError('INVALID_ARGUMENT', 'encryption.indexKey must be 32 bytes (HMAC-SHA256).');
  }
  const copy = Buffer.from(key);
  // One secret in two roles: retiring the data key would not retire it, and the key id is not named.
  if ([...keys.values()].some((k) => k.equals(copy))) {
    throw new StepDownError('INVALID_ARGUMENT', 'encryption.indexKey must be a key of its own, not one of encryption.keys.');
  }
  return copy;
}

function checkedKeys(options: EncryptionOptions): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const [kid, key] of Object.entries(options.keys ?? {})) {
    if (!keyIdPattern.test(kid)) {
      throw new StepDownError('INVALID_ARGUMENT', 'An encryption key id must be 1–64 letters, digits, ".", "_", ":" or "-".');
    }
    if (!(key instanceof Uint8Array) || key.length !== 32) {
      // The key's bytes are never quoted, nor its length beyond "not 32": a key is a secret.
      throw new StepDownError('INVALID_ARGUMENT', `Encryption key '${kid}' must be 32 bytes (AES-256).`, { keyId: kid });
    }
    // A copy: a host that later zeroes or reuses its buffer must not change the key under the store.
    keys.set(kid, Buffer.from(key));
  }
  if (typeof options.current !== 'string' || !keys.has(options.current)) {
    throw new StepDownError('INVALID_ARGUMENT', 'encryption.current must be the id of one of encryption.keys.');
  }
  return keys;
}
