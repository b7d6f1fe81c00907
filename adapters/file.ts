import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StepDownError } from '../src/errors.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import type { AuditDraft, AuditEntry, CaseWrite, DeadLetter, OutboxMessage, StoredCase, WorkItem, WorklistQuery, WriteOptions } from '../src/engine/store.js';
import { byBurial, deadLetter, type BuriedMessage } from '../src/engine/dead-letters.js';
import { checkTrailHead, nextHead } from '../src/engine/heads-check.js';
import type { SignedHead } from '../src/engine/heads.js';
import { workMatches, workOrder } from '../src/engine/worklist.js';
import {
  createSealer,
  rekeyWithoutKeys,
  resealed,
  unopenedReason,
  type EncryptionOptions,
  type SealingStore,
  type StoredAuditEntry,
  type StoredOutboxMessage,
  type StoredRecord,
  type StoredWorkItem,
} from './sealing.js';

export type { EncryptionOptions, RekeyResult, Seal, SealingStore } from './sealing.js';

/** Options of the file store. */
export interface FileStoreOptions {
  /** The directory that holds the store; created if missing. */
  readonly directory: string;
  /**
   * A lock older than this is taken to be left by a crashed process and broken (default 30 s). A
   * lock whose owner is known to be dead (a process of this machine that no longer runs) is
   * broken at once.
   */
  readonly staleLockMs?: number;
  /**
   * Seals each audit entry's event and actor id, each snapshot's context, each work-list item's
   * family, person and user ids and detail, and each outbox message's and dead letter's
   * notification (its type kept beside the seal), with AES-256-GCM under `current`; records
   * sealed under any key in `keys` stay readable. With `indexKey` the work list's person and user
   * ids are also kept beside the seal as HMACs (and tagged in the file names from them), so a
   * query by person or user reads only the steps it returns, and a family's directory is named
   * from the HMAC of its id. Without it (not required here, unlike the PostgreSQL store) a query
   * by person or user opens every step it passes over, and a family's directory is named by the
   * SHA-256 of its id, as case files are by the case id's. Without `encryption` nothing is sealed,
   * and a sealed record met on reading is `ENCRYPTION_KEY_MISSING`. See `docs/security.md` and
   * `docs/decisions.md` ("The file store's work list, family groups and batches").
   */
  readonly encryption?: EncryptionOptions;
}

/**
 * What a case file holds, as stored (sealed when the store seals). `pending` is the write that was
 * committed with the case but whose audit line, outbox files and index files may not be on disk
 * yet; it is finished before the case is touched again, and by the next `claimOutbox` (a marker in
 * `pending/` names the case). `last` is the newest audit entry: the next entry chains from it, so
 * a write never reads the audit log. `index` names the case's files in the work-list and family
 * indexes as of `record` (absent in a file written before the indexes), so the next write knows
 * which to remove. `record` never holds the work list or the family id: they are in the indexes.
 */
interface CaseFile {
  readonly record: StoredRecord;
  readonly last: StoredAuditEntry | null;
  readonly pending: PendingWrite | null;
  readonly index?: CaseIndex;
  /** The case's head, written with `last` (absent in a file written before heads were kept). */
  readonly head?: SignedHead;
}

/** A committed write still to be finished by {@link flush}. */
interface PendingWrite {
  readonly audit: StoredAuditEntry;
  /** Sealed already when the store seals: the case file, a batch file and the outbox file all hold them so. */
  readonly outbox: readonly StoredOutboxMessage[];
  /** The case's next-due time before the write, whose file goes unless it is still the case's (absent in older files). */
  readonly previousDue?: number | null;
  /** The index files to write and remove; null (or absent) for a refusal, which changes no index. */
  readonly index?: IndexChange | null;
}

/** A case's files in the indexes: its work-list files' names and its family's directory. */
interface CaseIndex {
  readonly work: readonly string[];
  readonly family: string | null;
}

/**
 * What a write changes in the indexes: each work-list file's name and content (written whole,
 * replacing one of the same name), the names of the case's previous work-list files that are no
 * longer its, and the family directory the case is listed in, before and after.
 */
interface IndexChange {
  readonly work: readonly (readonly [name: string, content: string])[];
  readonly remove: readonly string[];
  readonly family: string | null;
  readonly previousFamily: string | null;
}

/**
 * One work-list file: the item (its ids sealed when the store seals) and, in clear, what a query
 * filters on. `person` and `actor` are the ids as lookups (the id in clear, or `#` and its HMAC
 * under `indexKey`); absent when the store seals without `indexKey`, and then a query by person or
 * user opens the item.
 */
interface WorkFile {
  readonly role: string;
  readonly breached: boolean;
  readonly person?: string | null;
  readonly actor?: string | null;
  readonly item: StoredWorkItem;
}

/**
 * A write of several cases (`saveMany`) whose rename into `batches/` was its commit point: each
 * case's new case file, and the state the case was in before it (its version and the hash of its
 * last audit entry), so the write is applied to a case only while the case is still in that state.
 */
interface BatchFile {
  readonly cases: readonly {
    readonly caseId: string;
    readonly before: { readonly version: number; readonly last: string | null };
    readonly file: CaseFile;
  }[];
}

/** An outbox file: the message (its notification sealed when the store seals), marked `revived` when it came back from the dead letters. */
type OutboxFile = StoredOutboxMessage & { readonly revived?: boolean };

/** A dead letter's file: {@link BuriedMessage} with the message as stored. */
interface DeadFile {
  readonly message: StoredOutboxMessage;
  readonly reason: BuriedMessage['reason'];
}

/**
 * What a marker in `pending/` says: the case, the batch its write belongs to (if any), and the
 * next-due file the write adds (if any), written after the marker and before the commit point, so
 * that a write that never committed leaves no next-due file behind once its marker is settled.
 */
interface Marker {
  readonly caseId: string;
  readonly batch: string | null;
  readonly due: number | null;
}

const subdirectories = ['cases', 'audit', 'locks', 'outbox', 'due', 'pending', 'work', 'family', 'batches', 'dead'] as const;
const hexName = /^[0-9a-f]{64}$/;
const dueName = /^(\d{16})~([0-9a-f]{64})$/;
/**
 * A work-list file: due field, case-order field, the first 32 hex digits of the case file key, the
 * position in the case's list, then the tags of its role, breached flag, person and user.
 */
const workName = /^(\d{17}|u{17})~((?:[0-9a-f]{4})*[-.])~([0-9a-f]{32})~(\d{4,})~([0-9a-f]{8})([01])(x{8}|u{8}|[0-9a-f]{8})(x{8}|u{8}|[0-9a-f]{8})$/;
const batchName = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;

/**
 * The name the file store gives the files of a case id or outbox message id: the SHA-256 of the
 * id, in lower-case hex. Any string gets a name of 64 characters that no other string gets, on any
 * file system, case-insensitive ones included; the id itself is kept inside the files. An id that
 * is not well-formed UTF-16 (a lone surrogate) is hashed from its UTF-16 code units behind a byte
 * UTF-8 never contains, so it cannot share a name with the id its UTF-8 form would become.
 *
 * @example
 * ```ts
 * import { fileStoreName } from 'caf-step-down/adapters/file';
 * const name = fileStoreName('C-2024-0187');
 * // `${directory}/cases/${name}.json` is the case, `${directory}/audit/${name}.jsonl` its trail
 * ```
 */
export function fileStoreName(id: string): string {
  const bytes = wellFormed(id) ? Buffer.from(id, 'utf8') : Buffer.concat([Buffer.from([0xff]), Buffer.from(id, 'utf16le')]);
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A store in one directory: a JSON file per case, an append-only audit log (JSON lines) per case, a
 * file per outbox message, an index of next-due times kept as file names, a work-list index of one
 * small file per pending step (`work/`, named in the work-list order) and a directory per family
 * group (`family/`). Files are named by {@link fileStoreName}, never by an id itself. Every file
 * is written to a temporary name, flushed to disk and renamed, so a crash mid-write loses nothing
 * already saved; a lock file per case keeps two processes from interleaving writes to one case. A
 * write costs the same however long the case's trail. `saveMany` takes every case's lock and has
 * one commit point, a batch file renamed into `batches/`, so a crash leaves every case before it
 * or every case after it. Opening the store removes temporary files left by dead processes and
 * finishes batches a crash interrupted. With `encryption`, the event payloads, snapshots' context
 * and work-list ids in those files are sealed.
 *
 * @example
 * ```ts
 * import { fileStore } from 'caf-step-down/adapters/file';
 * const engine = createCaseEngine({ store: fileStore({ directory: '/var/lib/step-down' }) });
 * ```
 */
export function fileStore(options: FileStoreOptions): SealingStore {
  const dir = options.directory;
  const staleLockMs = options.staleLockMs ?? 30_000;
  const sealer = createSealer(options.encryption);
  const paths = {
    case: (key: string) => join(dir, 'cases', `${key}.json`),
    audit: (key: string) => join(dir, 'audit', `${key}.jsonl`),
    lock: (key: string) => join(dir, 'locks', `${key}.lock`),
    outbox: (key: string) => join(dir, 'outbox', `${key}.json`),
    dead: (key: string) => join(dir, 'dead', `${key}.json`),
    due: (at: number, key: string) => join(dir, 'due', `${String(at).padStart(16, '0')}~${key}`),
    pending: (key: string) => join(dir, 'pending', key),
    work: (name: string) => join(dir, 'work', name),
    family: (family: string, key: string) => join(dir, 'family', family, key),
    batch: (id: string) => join(dir, 'batches', `${id}.json`),
  };
  let ready: Promise<void> | null = null;
  const init = () =>
    (ready ??= (async () => {
      await Promise.all(subdirectories.map((sub) => fs.mkdir(join(dir, sub), { recursive: true })));
      await migrateEncodedNames(dir);
      await removeLeftovers();
      // A write of several cases that a crash interrupted after its commit point is finished
      // before this store reads anything.
      await finishBatches();
    })().catch((error: unknown) => {
      ready = null;
      throw error;
    }));

  const isStale = (mtimeMs: number) => Date.now() - mtimeMs > staleLockMs;

  /**
   * Removes what dead writers left: temporary files of atomic writes and locks moved aside. Each
   * name says which process made it (see {@link temporaryName}); one of a process of this machine
   * that no longer runs goes at once, any other only when older than `staleLockMs`, so the
   * temporary file another live process is writing is never taken from under it.
   */
  const removeLeftovers = async (): Promise<void> => {
    const families = (await fs.readdir(join(dir, 'family'))).filter((name) => hexName.test(name)).map((name) => join(dir, 'family', name));
    for (const folder of [...subdirectories.map((sub) => join(dir, sub)), ...families]) {
      for (const name of await fs.readdir(folder)) {
        if (!name.endsWith('.tmp') && !name.endsWith('.aside')) continue;
        const owner = temporaryOwner(name);
        const path = join(folder, name);
        const abandoned = (owner !== null && ownerIsDead(owner)) || isStale((await fs.stat(path).catch(() => null))?.mtimeMs ?? Infinity);
        if (abandoned) await fs.rm(path, { force: true });
      }
    }
  };

  /**
   * Takes the lock file with an exclusive create, holding a token of its own in it that names this
   * process. A lock is broken when its owner is dead (a process of this machine that no longer
   * runs: `process.kill(pid, 0)` says so) or it is older than `staleLockMs`, by renaming it aside —
   * only one process can move a given file — and judging again what was moved: a breaker that
   * judged one lock but moved another (another breaker freed the name and a third process took it
   * in between) puts it back rather than deleting it. Release removes the lock only while it still
   * holds this token, so an owner that overran `staleLockMs` and was broken never frees the next
   * owner's lock. With `wait: false`, a lock that is held and cannot be broken gives null at once.
   */
  const acquire = async (path: string, wait: boolean): Promise<string | null> => {
    const token = JSON.stringify({ host: hostTag(), pid: process.pid, id: randomUUID() });
    for (let attempt = 0; ; attempt += 1) {
      try {
        await fs.writeFile(path, token, { flag: 'wx' });
        return token;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw storeFailure(error);
        if (await breakable(path)) await breakLock(path);
        else if (!wait) return null;
        else await sleep(Math.min(50, 2 + attempt));
      }
    }
  };
  const withLock = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    await init();
    const path = paths.lock(key);
    const token = (await acquire(path, true))!;
    try {
      return await work();
    } finally {
      await releaseLock(path, token);
    }
  };
  /** As {@link withLock}, but does nothing (null) when another live process holds the lock. */
  const ifUnlocked = async (key: string, work: () => Promise<void>): Promise<void> => {
    const path = paths.lock(key);
    const token = await acquire(path, false);
    if (token === null) return;
    try {
      await work();
    } finally {
      await releaseLock(path, token);
    }
  };
  /** True when the lock at `path` is stale or its owner is dead; false when it is live or gone. */
  const breakable = async (path: string): Promise<boolean> => {
    const stat = await fs.stat(path).catch(() => null);
    if (stat === null) return false;
    if (isStale(stat.mtimeMs)) return true;
    const owner = lockOwner(await fs.readFile(path, 'utf8').catch(() => ''));
    return owner !== null && ownerIsDead(owner);
  };
  /** Moves the lock at `path` aside; `keep` decides, from what was moved, whether it goes back. */
  const moveAside = async (path: string, keep: (aside: string) => Promise<boolean>): Promise<void> => {
    const aside = temporaryName(path, 'aside');
    try {
      await fs.rename(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // already gone: someone else broke or released it
      throw storeFailure(error);
    }
    // `link` never replaces: if the name was taken meanwhile, the newer lock stands.
    if (await keep(aside)) await fs.link(aside, path).catch(() => undefined);
    await fs.rm(aside, { force: true });
  };
  const breakLock = (path: string) => moveAside(path, async (aside) => !(await breakable(aside)) && (await exists(aside)));
  const releaseLock = async (path: string, token: string): Promise<void> => {
    const holds = async (file: string) => (await fs.readFile(file, 'utf8').catch(() => null)) === token;
    // Not ours any more (broken as stale and taken again): leave it alone, the name never freed.
    if (await holds(path)) await moveAside(path, async (aside) => !(await holds(aside)));
  };

  const readCase = async (caseId: string): Promise<CaseFile | null> => {
    try {
      return JSON.parse(await fs.readFile(paths.case(fileStoreName(caseId)), 'utf8')) as CaseFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StepDownError('INVALID_SNAPSHOT', `The file of case ${caseId} cannot be read as JSON.`, { caseId });
    }
  };

  /**
   * Finishes a committed write: the audit line (unless already there), the outbox files (unless
   * already there: a message a relay has claimed keeps its lease), the index files (the case's new
   * work-list files written whole, then its old ones removed; its entry moved to its new family),
   * the case's old next-due file removed, the case file without `pending`, and last the marker
   * that told `claimOutbox` the case had a write to finish. Every step can be repeated, so a crash
   * anywhere in it is finished by the next.
   */
  const flush = async (file: CaseFile): Promise<CaseFile> => {
    if (!file.pending) return file;
    const { audit, outbox, index, previousDue } = file.pending;
    const key = fileStoreName(audit.caseId);
    await appendOnce(paths.audit(key), `${JSON.stringify(audit)}\n`);
    for (const message of outbox) await writeNew(paths.outbox(fileStoreName(message.id)), JSON.stringify(message));
    if (index) await writeIndex(audit.caseId, key, index);
    if (previousDue !== undefined && previousDue !== null && previousDue !== file.record.nextDueAt) {
      await fs.rm(paths.due(previousDue, key), { force: true });
    }
    const flushed = { ...file, pending: null };
    await writeAtomic(paths.case(key), JSON.stringify(flushed));
    await fs.rm(paths.pending(key), { force: true });
    return flushed;
  };

  /**
   * Writes what a write changes in the indexes. New files before old ones go, so a reader between
   * the two may see a case's old and new steps together for a moment, but never neither.
   */
  const writeIndex = async (caseId: string, key: string, change: IndexChange): Promise<void> => {
    for (const [name, content] of change.work) await writeAtomic(paths.work(name), content);
    for (const name of change.remove) await fs.rm(paths.work(name), { force: true });
    if (change.family === change.previousFamily) return;
    if (change.family !== null) {
      await fs.mkdir(join(dir, 'family', change.family), { recursive: true });
      await writeAtomic(paths.family(change.family, key), JSON.stringify(caseId));
    }
    if (change.previousFamily !== null) await fs.rm(paths.family(change.previousFamily, key), { force: true });
  };

  /**
   * Appends `line` to the audit log at `path` unless it is already its last line, reading only the
   * log's tail. Appends happen only here, under the case's lock, and only for the pending entry
   * the case file holds: a log that does not end with a newline ends with part of this very entry,
   * cut short by a crash mid-append. It is cut off before appending, or the whole line would follow
   * the fragment and the trail could never be read.
   */
  const appendOnce = async (path: string, line: string): Promise<void> => {
    const wanted = Buffer.from(line, 'utf8');
    const handle = await fs.open(path, 'a+');
    try {
      const { size } = await handle.stat();
      // One byte more than the line: a fragment shorter than it is preceded by a newline or the start.
      const window = Math.min(size, wanted.length + 1);
      const tail = Buffer.alloc(window);
      if (window > 0) await handle.read(tail, 0, window, size - window);
      const appended = window === wanted.length + 1 ? tail[0] === 0x0a : size === wanted.length;
      if (appended && tail.subarray(window - Math.min(window, wanted.length)).equals(wanted)) return;
      let end = size;
      if (size > 0 && tail[window - 1] !== 0x0a) {
        const newline = tail.lastIndexOf(0x0a);
        end = newline >= 0 ? size - window + newline + 1 : size === window ? 0 : await lastLineEnd(path);
        await handle.truncate(end);
      }
      await handle.appendFile(wanted);
      await handle.sync();
    } finally {
      await handle.close();
    }
  };

  /**
   * The audit log's complete lines. A last line without its newline is an append in progress in
   * another process (readers take no lock) or one cut short by a crash: either way it is not yet
   * part of the trail, so it is left out rather than parsed.
   */
  const readTrailFile = async (caseId: string): Promise<StoredAuditEntry[]> => {
    const bytes = await fs.readFile(paths.audit(fileStoreName(caseId))).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw storeFailure(error);
    });
    const text = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1).toString('utf8');
    return text.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as StoredAuditEntry);
  };
  const readTrail = async (caseId: string): Promise<AuditEntry[]> => (await readTrailFile(caseId)).map((e) => sealer.openEntry(e, caseId));

  /**
   * The audit log's last complete line, read from the end in growing windows: a write checks the
   * trail's actual end without reading the whole log. Null for an empty or missing log.
   */
  const readLastEntry = async (caseId: string): Promise<AuditEntry | null> => {
    const handle = await fs.open(paths.audit(fileStoreName(caseId)), 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw storeFailure(error);
    });
    if (handle === null) return null;
    try {
      const { size } = await handle.stat();
      for (let window = Math.min(size, 16_384); window > 0; window = Math.min(size, window * 4)) {
        const bytes = Buffer.alloc(window);
        await handle.read(bytes, 0, window, size - window);
        // A last line without its newline is an append cut short: not part of the trail (as readTrailFile).
        const end = bytes.lastIndexOf(0x0a);
        // (lastIndexOf with offset -1 would search from the end again.)
        const start = end <= 0 ? -1 : bytes.lastIndexOf(0x0a, end - 1);
        if (end > 0 && (start >= 0 || window === size)) {
          const line = bytes.subarray(start + 1, end).toString('utf8');
          return sealer.openEntry(JSON.parse(line) as StoredAuditEntry, caseId);
        }
        if (window === size) return null;
      }
      return null;
    } finally {
      await handle.close();
    }
  };
  /** The head check before a write onto an existing case, under its lock, after it is settled. */
  const checkHead = async (caseId: string, file: CaseFile, writeOptions: WriteOptions | undefined): Promise<void> => {
    const recorded = file.last === null ? null : { seq: file.last.seq, hash: file.last.hash };
    checkTrailHead(caseId, file.record.version, file.head, recorded, await readLastEntry(caseId), writeOptions);
  };

  /**
   * A case record from the engine, as it is to be stored: its snapshot sealed when the store
   * seals, and without its work list and family id, which are kept in the indexes.
   */
  const sealRecord = (record: StoredCase): StoredRecord => {
    const { work: _work, familyId: _familyId, ...rest } = record;
    return { ...rest, snapshot: sealer.sealSnapshot(record.caseId, record.version, record.snapshot) };
  };

  /** True when the work list's person and user ids can be kept as lookups: in clear, or as HMACs under `indexKey`. */
  const canIndex = sealer.current === null || options.encryption?.indexKey !== undefined;
  /**
   * An id of a work-list file as a query compares it: the id itself in clear, its HMAC (`#` and
   * hex) when the store seals with `indexKey`, or undefined (not kept) when it seals without one.
   */
  const lookup = (id: string | null): string | null | undefined => (id === null ? null : canIndex ? sealer.indexed(id) : undefined);
  /**
   * The directories a family's cases may be listed in, the one new entries go to first: named by
   * the SHA-256 of the family id's lookup (its HMAC when the store seals with `indexKey`), then by
   * that of the id itself, where a case saved before the store sealed with `indexKey` may still
   * be listed until its next save moves it.
   */
  const familyDirs = (familyId: string): string[] => {
    const dirs = [fileStoreName(canIndex ? sealer.indexed(familyId) : familyId), fileStoreName(familyId)];
    return dirs[0] === dirs[1] ? [dirs[0]!] : dirs;
  };

  /** The work-list file of the `n`th pending step of a case: its ids sealed, its lookups beside them. */
  const workFile = (item: WorkItem, n: number): WorkFile => ({
    role: item.role,
    breached: item.breached === true,
    person: lookup(item.personId ?? null),
    actor: lookup(item.actorId ?? null),
    item: sealer.sealWork(item, n),
  });

  /**
   * True when a work-list file's stored lookup matches the id a query asks for. A lookup in clear
   * is compared as it is (a file written before the store sealed); an HMAC, when this store has
   * `indexKey`, with the id's HMAC; otherwise (not kept, or an HMAC this store cannot make) the
   * item is opened and its id compared.
   */
  const sameId = (stored: string | null | undefined, wanted: string, opened: () => WorkItem, field: 'personId' | 'actorId'): boolean => {
    if (stored === null) return false;
    if (stored !== undefined && !stored.startsWith('#')) return stored === wanted;
    if (stored !== undefined && canIndex) return stored === sealer.indexed(wanted);
    return opened()[field] === wanted;
  };

  /** The name and content of the work-list file of the `n`th pending step of a case. */
  const workEntry = (caseId: string, item: WorkItem, n: number): [string, string] => {
    const file = workFile(item, n);
    return [workFileName(caseId, item, n, file.person, file.actor), JSON.stringify(file)];
  };

  /** The index files of a case record: its work-list files, named and written, and its family's directory. */
  const indexOf = (record: StoredCase): { index: CaseIndex; work: [string, string][] } => {
    const work = (record.work ?? []).map((item, n) => workEntry(record.caseId, item, n));
    const familyId = record.familyId ?? null;
    return { index: { work: work.map(([name]) => name), family: familyId === null ? null : familyDirs(familyId)[0]! }, work };
  };

  /**
   * The case file of a write, with its pending section, and the audit entry it appends. `next` is
   * the record the engine wrote, or null for a refusal, which keeps the stored record and its
   * indexes exactly as they were. The entry is chained in clear from the case file's `last`, then
   * sealed: the hash covers what the engine wrote.
   */
  const prepare = (
    previous: CaseFile | null,
    next: StoredCase | null,
    draft: AuditDraft,
    messages: readonly OutboxMessage[],
    writeOptions?: WriteOptions,
  ): { audit: AuditEntry; file: CaseFile } => {
    const audit = chainEntry(previous?.last ?? null, draft);
    const stored = sealer.sealEntry(audit);
    const outbox = messages.map((m) => sealer.sealMessage(m));
    const previousDue = previous?.record.nextDueAt ?? null;
    const head = nextHead(audit, next?.version ?? previous!.record.version, writeOptions);
    if (next === null) return { audit, file: { ...previous!, last: stored, pending: { audit: stored, outbox, previousDue, index: null }, head } };
    const before = previous?.index ?? { work: [], family: null };
    const { index, work } = indexOf(next);
    const kept = new Set(index.work);
    const change: IndexChange = { work, remove: before.work.filter((name) => !kept.has(name)), family: index.family, previousFamily: before.family };
    return { audit, file: { record: sealRecord(next), last: stored, pending: { audit: stored, outbox, previousDue, index: change }, index, head } };
  };

  /**
   * The commit point is the rename of the case file; everything after it is repeatable by `flush`.
   * Before it: the marker in `pending/` by which `claimOutbox` finds a write that a crash left
   * unfinished, naming the next-due file it is about to add, then that file. Everything is
   * serialised before anything is written, so a value that cannot be leaves no file behind.
   */
  const commit = async (file: CaseFile): Promise<void> => {
    const { record } = file;
    const key = fileStoreName(record.caseId);
    const text = JSON.stringify(file);
    await writeAtomic(paths.pending(key), markerText(record.caseId, null, record.nextDueAt));
    if (record.nextDueAt !== null) await writeAtomic(paths.due(record.nextDueAt, key), JSON.stringify(record.caseId));
    await writeAtomic(paths.case(key), text);
    await flush(file);
  };
  const markerText = (caseId: string, batch: string | null, due: number | null) =>
    JSON.stringify({ caseId, ...(batch === null ? {} : { batch }), ...(due === null ? {} : { due }) });

  /** The marker of a case's write in `pending/`, or null: {caseId, batch?, due?}, or a JSON string (the case id) as written before. */
  const readMarker = async (key: string): Promise<Marker | null> => {
    const text = await fs.readFile(paths.pending(key), 'utf8').catch(() => null);
    if (text === null) return null;
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'string') return { caseId: value, batch: null, due: null }; // as written before batches
      const { caseId, batch, due } = (value ?? {}) as { caseId?: unknown; batch?: unknown; due?: unknown };
      if (typeof caseId !== 'string') return null;
      return {
        caseId,
        batch: typeof batch === 'string' && batchName.test(`${batch}.json`) ? batch : null,
        due: typeof due === 'number' && Number.isFinite(due) ? due : null,
      };
    } catch {
      return null; // cut short before its rename: only temporary names are ever partly written
    }
  };
  /** A batch file, or null when it is not there (never committed, or finished and removed). */
  const readBatch = async (id: string): Promise<BatchFile | null> => {
    const text = await fs.readFile(paths.batch(id), 'utf8').catch(() => null);
    return text === null ? null : (JSON.parse(text) as BatchFile);
  };
  /** The state a case is in, as a batch records it: its version and the hash of its last entry. */
  const stateOf = (file: CaseFile) => ({ version: file.record.version, last: file.last?.hash ?? null });

  /**
   * Brings a case to its committed state, under its lock: a batch its marker names whose write the
   * case has not yet taken (it is still in the state the batch recorded) is applied to it, a
   * committed write is finished, and a marker of a write that never reached its commit point is
   * removed with the next-due file that write added. Every path that reads a case under its lock reads it through here.
   */
  const settle = async (caseId: string): Promise<CaseFile | null> => {
    const key = fileStoreName(caseId);
    let file = await readCase(caseId);
    const marker = await readMarker(key);
    if (marker?.batch && file !== null) {
      const entry = (await readBatch(marker.batch))?.cases.find((c) => c.caseId === caseId);
      const now = stateOf(file);
      if (entry !== undefined && entry.before.version === now.version && entry.before.last === now.last) {
        await writeAtomic(paths.case(key), JSON.stringify(entry.file));
        file = entry.file;
      }
    }
    if (file?.pending) return flush(file);
    if (marker !== null) {
      // A crash before the commit point: the next-due file it may have added is not the case's.
      if (marker.due !== null && marker.due !== file?.record.nextDueAt) await fs.rm(paths.due(marker.due, key), { force: true });
      await fs.rm(paths.pending(key), { force: true });
    }
    return file;
  };
  /** True when the case has a batch waiting to be applied to it (its marker names a batch file that is there). */
  const batchWaiting = async (key: string): Promise<boolean> => {
    const batch = (await readMarker(key))?.batch;
    return batch !== null && batch !== undefined && (await exists(paths.batch(batch)));
  };

  /** Takes the locks of `keys` in key order (waiting, or giving up at the first held by a live process), or null. */
  const lockAll = async (keys: readonly string[], wait: boolean): Promise<(() => Promise<void>) | null> => {
    const held: [string, string][] = [];
    const release = async () => {
      for (const [path, token] of held.reverse()) await releaseLock(path, token);
    };
    try {
      for (const key of [...new Set(keys)].sort()) {
        const token = await acquire(paths.lock(key), wait);
        if (token === null) {
          await release();
          return null;
        }
        held.push([paths.lock(key), token]);
      }
    } catch (error) {
      await release();
      throw error;
    }
    return release;
  };

  /**
   * Finishes every batch (a write of several cases) whose commit point a crash left behind: each
   * of its cases is settled under the locks of all of them, then the batch file is removed. A
   * batch one of whose cases a live process has locked is left: that process is writing it, or
   * will settle that case before it reads it, and the next call finishes the rest.
   */
  const finishBatches = async (): Promise<void> => {
    for (const name of await fs.readdir(join(dir, 'batches'))) {
      const id = batchName.exec(name)?.[1];
      if (id === undefined) continue;
      const batch = await readBatch(id);
      if (batch === null) continue; // finished since the listing
      const release = await lockAll(batch.cases.map((c) => fileStoreName(c.caseId)), false);
      if (release === null) continue;
      try {
        if (!(await exists(paths.batch(id)))) continue;
        for (const { caseId } of batch.cases) await settle(caseId);
        await fs.rm(paths.batch(id), { force: true });
      } finally {
        await release();
      }
    }
  };

  /**
   * Finishes every write a crash left committed but unfinished, found by the batch files and the
   * markers in `pending/`, so their notifications reach the outbox and their steps the work list.
   * A case whose lock a live process holds is left to that process, which finishes its own write.
   */
  const finishPending = async (): Promise<void> => {
    await finishBatches();
    for (const key of (await fs.readdir(join(dir, 'pending'))).filter((name) => hexName.test(name))) {
      const marker = await readMarker(key);
      if (marker === null || fileStoreName(marker.caseId) !== key) continue;
      await ifUnlocked(key, async () => void (await settle(marker.caseId)));
    }
  };

  /**
   * Finishes a burial or revival a crash cut short, for a message found in the outbox while it also
   * has a dead letter; true when the message belongs in the outbox. Called under the outbox lock.
   */
  /**
   * Moves an outbox file's message to the dead letters, counting the attempt. The dead letter first,
   * then the outbox file goes: a crash between leaves both, which the next claim settles as a
   * burial (the outbox copy is not marked `revived`). Called under the outbox lock.
   */
  const buryFile = async (path: string, message: StoredOutboxMessage, reason: BuriedMessage['reason']): Promise<void> => {
    const buried: DeadFile = { message: { ...message, attempts: message.attempts + 1 }, reason };
    await writeAtomic(paths.dead(fileStoreName(message.id)), JSON.stringify(buried));
    await fs.rm(path, { force: true });
  };

  const settleBurial = async (outboxPath: string, id: string, revived: boolean): Promise<boolean> => {
    const deadPath = paths.dead(fileStoreName(id));
    if (!(await exists(deadPath))) return true;
    if (revived) {
      await fs.rm(deadPath, { force: true });
      return true;
    }
    await fs.rm(outboxPath, { force: true });
    return false;
  };

  /** The case, settled under its lock when it has a write to finish or a batch to take; else as read. */
  const current = async (caseId: string): Promise<CaseFile | null> => {
    await init();
    const key = fileStoreName(caseId);
    const file = await readCase(caseId);
    if (file?.pending || (await batchWaiting(key))) return withLock(key, () => settle(caseId));
    return file;
  };

  /**
   * The work list: the names of `work/` sorted (the work-list order, but for steps due at the same
   * instant in cases whose ids share their first 20 UTF-16 units, which come together), walked
   * from the start group by group. A name whose tags rule it out (role, breached, person, user) is
   * passed over unread; the others are read, checked on what their file keeps in clear, the
   * matches opened and sorted by `workOrder`. The walk stops at the limit or at the first group
   * due at or after `dueBefore`. It lists the names, reads only files a query may return, and
   * never reads a case.
   */
  const worklist = async (query: WorklistQuery): Promise<WorkItem[]> => {
    await init();
    await finishPending();
    if (query.dueBefore !== undefined && Number.isNaN(query.dueBefore)) return [];
    const names = (await fs.readdir(join(dir, 'work'))).filter((name) => workName.test(name)).sort();
    const mayMatch = nameFilter(query);
    const found: WorkItem[] = [];
    for (let start = 0; start < names.length && found.length < query.limit; ) {
      const [, due, order] = workName.exec(names[start]!)!;
      const group = `${due}~${order}~`;
      let end = start + 1;
      while (end < names.length && names[end]!.startsWith(group)) end += 1;
      const dueAt = dueOfField(due!);
      // Every step of this group and after is due at or after its floor, so none is due before.
      if (query.dueBefore !== undefined && (dueAt === null || dueAt >= query.dueBefore)) break;
      const matches: WorkItem[] = [];
      for (const name of names.slice(start, end)) {
        if (!mayMatch(name)) continue;
        const item = await readWorkItem(name, query);
        if (item !== null && workMatches(item, query)) matches.push(item);
      }
      for (const item of matches.sort(workOrder)) {
        if (found.length >= query.limit) break;
        found.push(item);
      }
      start = end;
    }
    return found;
  };
  /**
   * Whether a work-list file's name leaves it a candidate for the query: its role's tag, its
   * breached flag, and its person's and user's tags. A tag is 8 hex digits of the SHA-256 of the
   * role or of the id's lookup, so two values may share one (the file's content decides), but a
   * name never rules out a step the query wants. A person or user tag this store cannot make (an
   * HMAC, when it seals without `indexKey`) or did not keep (`u`) leaves the step a candidate.
   */
  const nameFilter = (query: WorklistQuery) => {
    const tagsOf = (id: string) => new Set([nameTag(id), ...(canIndex ? [nameTag(sealer.indexed(id))] : [])]);
    const role = query.role === undefined ? null : nameTag(query.role);
    const breached = query.breached === undefined ? null : query.breached ? '1' : '0';
    const person = query.personId === undefined ? null : tagsOf(query.personId);
    const actor = query.actorId === undefined ? null : tagsOf(query.actorId);
    const idMay = (tag: string, wanted: Set<string>) => tag !== noIdTag && (tag === unknownIdTag || !canIndex || wanted.has(tag));
    return (name: string): boolean => {
      const [, , , , , roleTag, breachedTag, personTag, actorTag] = workName.exec(name)!;
      return (
        (role === null || roleTag === role) &&
        (breached === null || breachedTag === breached) &&
        (person === null || idMay(personTag!, person)) &&
        (actor === null || idMay(actorTag!, actor))
      );
    };
  };
  /** The item of a work-list file if it passes the query's filters on what the file keeps in clear; null if not, or gone since the listing. */
  const readWorkItem = async (name: string, query: WorklistQuery): Promise<WorkItem | null> => {
    const text = await fs.readFile(paths.work(name), 'utf8').catch(() => null);
    if (text === null) return null;
    const stored = JSON.parse(text) as WorkFile;
    const n = Number(workName.exec(name)![4]);
    let item: WorkItem | null = null;
    const opened = () => (item ??= sealer.openWork(stored.item.caseId, n, stored.item));
    if (query.role !== undefined && stored.role !== query.role) return null;
    if (query.breached !== undefined && stored.breached !== query.breached) return null;
    if (query.personId !== undefined && !sameId(stored.person, query.personId, opened, 'personId')) return null;
    if (query.actorId !== undefined && !sameId(stored.actor, query.actorId, opened, 'actorId')) return null;
    return opened();
  };

  /** The ids of a family's cases, from the entries of its directories, in case-id order. */
  const familyCases = async (familyId: string): Promise<string[]> => {
    await init();
    await finishPending();
    const ids = new Set<string>();
    for (const family of familyDirs(familyId)) {
      const folder = join(dir, 'family', family);
      const names = await fs.readdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw storeFailure(error);
      });
      for (const name of names.filter((n) => hexName.test(n))) {
        const caseId = await readId(join(folder, name));
        if (caseId !== null && fileStoreName(caseId) === name) ids.add(caseId);
      }
    }
    return [...ids].sort(byCodeUnits);
  };

  /**
   * Saves several cases as one write, all or nothing, also across a crash. Under the locks of
   * every case (taken in key order, so two batches over the same cases wait for each other rather
   * than deadlock), each case is settled and its version checked before anything is written. Then:
   * a marker per case naming the batch, the new next-due files; the batch file, holding every
   * case's new case file, renamed into `batches/` — the one commit point; each case file; each
   * case's write finished (`flush`); the batch file removed. A crash before the rename leaves every
   * case as it was; after it, the batch is applied to every case still in the state it recorded,
   * before anything reads that case (see {@link settle}).
   */
  const saveMany = async (writes: readonly CaseWrite[], writeOptions?: WriteOptions): Promise<AuditEntry[]> => {
    const ids = writes.map((w) => w.record.caseId);
    if (new Set(ids).size !== ids.length) {
      throw new StepDownError('INVALID_ARGUMENT', 'saveMany takes each case at most once.', { caseIds: ids });
    }
    if (writes.length === 0) return [];
    await init();
    const keys = ids.map((id) => fileStoreName(id));
    const release = (await lockAll(keys, true))!;
    try {
      const currents: CaseFile[] = [];
      for (const w of writes) {
        const file = await settle(w.record.caseId);
        checkVersion(w.record.caseId, file, w.expectedVersion);
        await checkHead(w.record.caseId, file!, writeOptions);
        currents.push(file!);
      }
      const prepared = writes.map((w, i) => prepare(currents[i]!, w.record, w.audit, w.outbox, writeOptions));
      const batchId = randomUUID();
      const batch: BatchFile = {
        cases: prepared.map(({ file }, i) => ({ caseId: ids[i]!, before: stateOf(currents[i]!), file })),
      };
      const batchText = JSON.stringify(batch);
      const texts = prepared.map(({ file }) => JSON.stringify(file));
      for (const [i, { file }] of prepared.entries()) {
        await writeAtomic(paths.pending(keys[i]!), markerText(ids[i]!, batchId, file.record.nextDueAt));
      }
      for (const [i, { file }] of prepared.entries()) {
        if (file.record.nextDueAt !== null) await writeAtomic(paths.due(file.record.nextDueAt, keys[i]!), JSON.stringify(ids[i]));
      }
      await writeAtomic(paths.batch(batchId), batchText);
      for (const [i] of prepared.entries()) await writeAtomic(paths.case(keys[i]!), texts[i]!);
      for (const { file } of prepared) await flush(file);
      await fs.rm(paths.batch(batchId), { force: true });
      return prepared.map(({ audit }) => audit);
    } finally {
      await release();
    }
  };

  /**
   * Re-seals a case's work-list files not under the current key, with their lookups and names
   * made again (an id in clear becomes its HMAC under `indexKey`, so the name's tag changes too).
   * A file whose name changes is written under its new name and the old one removed; the case file
   * lists both names first, so a crash in between leaves no file the case does not list (its next
   * save removes what it lists), and the case file then lists the new names only. Running it again
   * after a crash finishes it.
   */
  const resealWork = async (caseId: string, key: string, file: CaseFile): Promise<CaseFile> => {
    const names = file.index?.work ?? [];
    const resealed = new Map<string, [string, string]>();
    for (const name of names) {
      const text = await fs.readFile(paths.work(name), 'utf8').catch(() => null);
      if (text === null) continue;
      const stored = JSON.parse(text) as WorkFile;
      if (!sealer.stale(stored.item)) continue;
      const n = Number(workName.exec(name)![4]);
      resealed.set(name, workEntry(caseId, sealer.openWork(caseId, n, stored.item), n));
    }
    if (resealed.size === 0) return file;
    const renamed = [...resealed].filter(([name, [next]]) => next !== name);
    const withIndex = (work: readonly string[]): CaseFile => ({ ...file, index: { work, family: file.index?.family ?? null } });
    if (renamed.length > 0) await writeAtomic(paths.case(key), JSON.stringify(withIndex([...names, ...renamed.map(([, [next]]) => next)])));
    for (const [, [next, content]] of resealed) await writeAtomic(paths.work(next), content);
    for (const [name] of renamed) await fs.rm(paths.work(name), { force: true });
    if (renamed.length === 0) return file;
    const updated = withIndex(names.map((name) => resealed.get(name)?.[0] ?? name));
    await writeAtomic(paths.case(key), JSON.stringify(updated));
    return updated;
  };

  /**
   * Re-seals a case's records not under the current key, under its lock. The audit log is replaced
   * whole (written aside, then renamed), so a reader sees the old log or the new, never a mix, and
   * a crash between the log and the case file leaves both readable with the keys supplied. The
   * case's work-list files are re-sealed too (not counted: they are an index, not records).
   */
  const rekey = async (caseId: string): Promise<number> => {
    if (sealer.current === null) throw rekeyWithoutKeys();
    const key = fileStoreName(caseId);
    return withLock(key, async () => {
      const settled = await settle(caseId);
      if (!settled) throw new StepDownError('UNKNOWN_CASE', `No case ${caseId}.`, { caseId });
      const entries = await readTrailFile(caseId);
      const stale = entries.filter((e) => sealer.stale(e)).length;
      if (stale > 0) {
        const resealed = entries.map((e) => (sealer.stale(e) ? sealer.sealEntry(sealer.openEntry(e, caseId)) : e));
        await writeAtomic(paths.audit(key), resealed.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
      const file = await resealWork(caseId, key, settled);
      const { record, last } = file;
      const snapshotStale = sealer.stale(record.snapshot);
      // `last` repeats the newest entry; re-sealed too, so no copy stays under the old key.
      if (snapshotStale || (last !== null && sealer.stale(last))) {
        const snapshot = sealer.openSnapshot(caseId, record.version, record.snapshot);
        await writeAtomic(
          paths.case(key),
          JSON.stringify({
            ...file,
            record: snapshotStale ? sealRecord({ ...record, snapshot }) : record,
            last: last === null ? null : sealer.sealEntry(sealer.openEntry(last, caseId)),
          }),
        );
      }
      return stale + (snapshotStale ? 1 : 0);
    });
  };

  /**
   * Re-seals the notifications of the outbox and dead-letter files not under the current key (not
   * counted: a message is not a record of the case), under the outbox lock that every writer of
   * those files takes, so no claim, release or burial is overwritten.
   */
  const resealMessages = async (): Promise<void> => {
    await withLock('outbox', async () => {
      for (const where of ['outbox', 'dead'] as const) {
        for (const name of (await fs.readdir(join(dir, where))).filter((n) => n.endsWith('.json') && hexName.test(n.slice(0, -5)))) {
          const path = join(dir, where, name);
          const text = await fs.readFile(path, 'utf8').catch(() => null);
          if (text === null) continue;
          const file = JSON.parse(text) as OutboxFile | DeadFile;
          const stored = where === 'dead' ? (file as DeadFile).message : (file as OutboxFile);
          const next = resealed(sealer, stored);
          if (next === null) continue;
          await writeAtomic(path, JSON.stringify(where === 'dead' ? { ...file, message: next } : { ...file, notification: next.notification }));
        }
      }
    });
  };

  return {
    async load(caseId) {
      const file = await current(caseId);
      if (!file) return null;
      const { work: _work, familyId: _familyId, ...record } = file.record;
      const opened = { ...record, snapshot: sealer.openSnapshot(caseId, record.version, record.snapshot) };
      return file.head ? { ...opened, head: file.head } : opened;
    },
    async create(record, draft, outbox, writeOptions) {
      return withLock(fileStoreName(record.caseId), async () => {
        if (await settle(record.caseId)) {
          throw new StepDownError('CASE_EXISTS', `Case ${record.caseId} already exists; open it once, then send events.`, {
            caseId: record.caseId,
          });
        }
        const { audit, file } = prepare(null, record, draft, outbox, writeOptions);
        await commit(file);
        return audit;
      });
    },
    async save(record, expectedVersion, draft, outbox, writeOptions) {
      return withLock(fileStoreName(record.caseId), async () => {
        const stored = await settle(record.caseId);
        checkVersion(record.caseId, stored, expectedVersion);
        await checkHead(record.caseId, stored!, writeOptions);
        const { audit, file } = prepare(stored, record, draft, outbox, writeOptions);
        await commit(file);
        return audit;
      });
    },
    saveMany,
    worklist,
    familyCases,
    async appendAudit(draft, outbox, writeOptions) {
      return withLock(fileStoreName(draft.caseId), async () => {
        const stored = await settle(draft.caseId);
        if (!stored) throw new StepDownError('UNKNOWN_CASE', `No case ${draft.caseId}.`, { caseId: draft.caseId });
        await checkHead(draft.caseId, stored, writeOptions);
        const { audit, file } = prepare(stored, null, draft, outbox, writeOptions);
        await commit(file);
        return audit;
      });
    },
    async audit(caseId) {
      await current(caseId);
      return readTrail(caseId);
    },
    async dueCases(at, limit) {
      await init();
      const names = (await fs.readdir(join(dir, 'due'))).filter((name) => dueName.test(name)).sort();
      const ids: string[] = [];
      const seen = new Set<string>();
      for (const name of names) {
        if (ids.length >= limit) break;
        const [, time, key] = dueName.exec(name)!;
        if (Number(time) >= at) break;
        if (seen.has(key!)) continue;
        seen.add(key!);
        // Gone since the listing: the case's deadline moved, and its new file is listed or later.
        const caseId = await readId(join(dir, 'due', name));
        if (caseId !== null) ids.push(caseId);
      }
      return ids;
    },
    async claimOutbox(now, limit, leaseMs) {
      await init();
      await finishPending();
      return withLock('outbox', async () => {
        const claimed: OutboxMessage[] = [];
        for (const name of await fs.readdir(join(dir, 'outbox'))) {
          if (claimed.length >= limit) break;
          if (!name.endsWith('.json')) continue;
          const path = join(dir, 'outbox', name);
          const text = await fs.readFile(path, 'utf8').catch(() => null);
          if (text === null) continue;
          const { revived, ...stored } = JSON.parse(text) as OutboxFile;
          if (stored.availableAt > now) continue;
          if (!(await settleBurial(path, stored.id, revived === true))) continue;
          let message: OutboxMessage;
          try {
            message = sealer.openMessage(stored);
          } catch (error) {
            await buryFile(path, stored, unopenedReason(error, now));
            continue;
          }
          await writeAtomic(path, JSON.stringify({ ...stored, availableAt: now + leaseMs }));
          claimed.push(message);
        }
        return claimed;
      });
    },
    async acknowledge(ids) {
      await init();
      // Under the outbox lock: a re-sealing (rekeyAll) that read a file must not write it back after it went.
      await withLock('outbox', async () => {
        for (const id of ids) await fs.rm(paths.outbox(fileStoreName(id)), { force: true });
      });
    },
    async release(id, availableAt) {
      await withLock('outbox', async () => {
        const path = paths.outbox(fileStoreName(id));
        const text = await fs.readFile(path, 'utf8').catch(() => null);
        if (text === null) return;
        const message = JSON.parse(text) as OutboxFile;
        await writeAtomic(path, JSON.stringify({ ...message, attempts: message.attempts + 1, availableAt }));
      });
    },
    async renewLease(ids, until) {
      await init();
      await withLock('outbox', async () => {
        for (const id of ids) {
          const path = paths.outbox(fileStoreName(id));
          const text = await fs.readFile(path, 'utf8').catch(() => null);
          if (text !== null) await writeAtomic(path, JSON.stringify({ ...(JSON.parse(text) as OutboxFile), availableAt: until }));
        }
      });
    },
    async bury(id, reason) {
      await init();
      await withLock('outbox', async () => {
        const path = paths.outbox(fileStoreName(id));
        const text = await fs.readFile(path, 'utf8').catch(() => null);
        if (text === null) return;
        const { revived: _, ...message } = JSON.parse(text) as OutboxFile;
        await buryFile(path, message, reason);
      });
    },
    async deadLetters(limit) {
      await init();
      const letters: DeadLetter[] = [];
      for (const name of await fs.readdir(join(dir, 'dead'))) {
        if (!name.endsWith('.json') || !hexName.test(name.slice(0, -5))) continue;
        const text = await fs.readFile(join(dir, 'dead', name), 'utf8').catch(() => null);
        if (text === null) continue;
        // A revive that crashed between its two writes left the outbox copy marked `revived`: the next
        // claim delivers it, so the listing must not still call it dead.
        const copy = await fs.readFile(paths.outbox(name.slice(0, -5)), 'utf8').catch(() => null);
        if (copy !== null && (JSON.parse(copy) as OutboxFile).revived === true) continue;
        // The listing needs the notification's type only, which a sealed notification keeps in clear.
        letters.push(deadLetter(JSON.parse(text) as BuriedMessage));
      }
      return letters.sort(byBurial).slice(0, Math.max(0, limit));
    },
    async revive(id, availableAt) {
      await init();
      return withLock('outbox', async () => {
        const path = paths.dead(fileStoreName(id));
        const text = await fs.readFile(path, 'utf8').catch(() => null);
        if (text === null) return false;
        // Put back as stored: the seal, bound to the message's id and case, moves with it unopened.
        const { message } = JSON.parse(text) as DeadFile;
        // The outbox copy first, marked `revived`, then the dead letter goes: a crash between leaves
        // both, which the next claim settles as a revival.
        const revived: OutboxFile = { ...message, attempts: 0, availableAt, revived: true };
        await writeAtomic(paths.outbox(fileStoreName(id)), JSON.stringify(revived));
        await fs.rm(path, { force: true });
        return true;
      });
    },
    rekey,
    async enqueue(messages) {
      await init();
      for (const message of messages) await writeNew(paths.outbox(fileStoreName(message.id)), JSON.stringify(sealer.sealMessage(message)));
    },
    /**
     * Pages in the order of the case files' names (the SHA-256 of each id), not of the ids: the
     * names alone are listed and sorted, and only the page's files are read for their ids.
     */
    async caseIds(after, limit) {
      await init();
      const from = after === null ? '' : fileStoreName(after);
      const names = (await fs.readdir(join(dir, 'cases')))
        .filter((n) => n.endsWith('.json') && hexName.test(n.slice(0, -5)) && n.slice(0, -5) > from)
        .sort();
      const ids: string[] = [];
      for (const name of names) {
        if (ids.length >= limit) break;
        const text = await fs.readFile(join(dir, 'cases', name), 'utf8').catch(() => null);
        if (text !== null) ids.push((JSON.parse(text) as CaseFile).record.caseId);
      }
      return ids;
    },
    async rekeyAll() {
      if (sealer.current === null) throw rekeyWithoutKeys();
      await init();
      let cases = 0;
      let records = 0;
      // Temporary files of atomic writes share the directory; only `<name>.json` is a case.
      for (const name of (await fs.readdir(join(dir, 'cases'))).filter((n) => n.endsWith('.json') && hexName.test(n.slice(0, -5)))) {
        const text = await fs.readFile(join(dir, 'cases', name), 'utf8').catch(() => null);
        if (text === null) continue;
        const count = await rekey((JSON.parse(text) as CaseFile).record.caseId);
        if (count > 0) cases += 1;
        records += count;
      }
      await resealMessages();
      return { cases, records };
    },
  };
}

/** `VERSION_CONFLICT` (naming the case) unless the case is there at `expectedVersion`; `UNKNOWN_CASE` when it is not there. */
function checkVersion(caseId: string, file: CaseFile | null, expectedVersion: number): void {
  if (!file) throw new StepDownError('UNKNOWN_CASE', `No case ${caseId}.`, { caseId });
  if (file.record.version !== expectedVersion) {
    throw new StepDownError(
      'VERSION_CONFLICT',
      `Case ${caseId} is at version ${file.record.version}, not ${expectedVersion}: reload it and send again.`,
      { caseId, expectedVersion, actualVersion: file.record.version },
    );
  }
}

/** The due field of a step with no due instant: after every dated one in a sorted listing. */
const undatedField = 'u'.repeat(17);
const dueOffset = 10n ** 16n;
const dueFieldMax = 10n ** 17n - 1n;

/**
 * The name of a work-list file, so that a sorted listing of `work/` is in the work-list order
 * (`workOrder`) group by group: the due instant (epoch ms floored, plus 10^16 so any date's is
 * positive, in 17 digits; 17 `u` when undated), the case id's first 20 UTF-16 units in hex (4
 * digits each, so hex order is the ids' order) ended by `-` when that is the whole id and `.` when
 * it is cut (both sort before any hex digit: a shorter id first), the case's file key (its first
 * 32 hex digits), and the step's position in the case's list. Steps tied on the first two fields
 * form a group, read and sorted whole. Then what a query filters on, so that a walk passes over
 * what it does not want unread: the role's tag, `1` when breached (else `0`), and the tags of the
 * person's and the user's lookups (`x` × 8 for none, `u` × 8 when not kept). At most 163
 * characters, whatever the id.
 */
function workFileName(caseId: string, item: WorkItem, n: number, person: string | null | undefined, actor: string | null | undefined): string {
  let due = undatedField;
  const dueAt = item.dueAt ?? null;
  if (dueAt !== null && Number.isFinite(dueAt)) {
    const shifted = BigInt(Math.floor(dueAt)) + dueOffset;
    due = (shifted < 0n ? 0n : shifted > dueFieldMax ? dueFieldMax : shifted).toString().padStart(17, '0');
  }
  const units = Math.min(caseId.length, caseOrderUnits);
  let order = '';
  for (let i = 0; i < units; i += 1) order += caseId.charCodeAt(i).toString(16).padStart(4, '0');
  order += caseId.length > caseOrderUnits ? '.' : '-';
  const tags = `${nameTag(item.role)}${item.breached === true ? '1' : '0'}${idTag(person)}${idTag(actor)}`;
  return `${due}~${order}~${fileStoreName(caseId).slice(0, 32)}~${String(n).padStart(4, '0')}~${tags}`;
}
/** The tag of a role or an id's lookup in a work-list file's name: 8 hex digits of its SHA-256. */
function nameTag(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 8);
}
const noIdTag = 'x'.repeat(8);
const unknownIdTag = 'u'.repeat(8);
const idTag = (lookup: string | null | undefined) => (lookup === null ? noIdTag : lookup === undefined ? unknownIdTag : nameTag(lookup));
const caseOrderUnits = 20;

/** The floor of the due instant a work-list file's due field holds; null for an undated step. */
function dueOfField(field: string): number | null {
  return field === undatedField ? null : Number(BigInt(field) - dueOffset);
}

/** Strings in the order of their UTF-16 code units (`<`), as `workOrder` compares ids. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Renames the files of a directory written before files were named by {@link fileStoreName} (their
 * names were the base64url of the id), so a store keeps its cases across the upgrade. Idempotent,
 * and safe to interrupt: the case file moves last, so a case still under its old name is moved
 * again, whole, next time.
 */
async function migrateEncodedNames(dir: string): Promise<void> {
  const legacy = (name: string, suffix: string) => {
    const stem = name.slice(0, name.length - suffix.length);
    return name.endsWith(suffix) && /^[A-Za-z0-9_-]+$/.test(stem) && !hexName.test(stem);
  };
  const decode = (name: string) => Buffer.from(name, 'base64url').toString('utf8');
  const move = (from: string, to: string) =>
    fs.rename(from, to).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw storeFailure(error);
    });
  for (const name of (await fs.readdir(join(dir, 'outbox'))).filter((n) => legacy(n, '.json'))) {
    await move(join(dir, 'outbox', name), join(dir, 'outbox', `${fileStoreName(decode(name.slice(0, -5)))}.json`));
  }
  for (const name of await fs.readdir(join(dir, 'due'))) {
    const [time, encoded, ...rest] = name.split('~');
    if (encoded === undefined || rest.length > 0 || !/^\d{16}$/.test(time!) || !legacy(encoded, '')) continue;
    const caseId = decode(encoded);
    await writeAtomic(join(dir, 'due', `${time}~${fileStoreName(caseId)}`), JSON.stringify(caseId));
    await fs.rm(join(dir, 'due', name), { force: true });
  }
  for (const name of (await fs.readdir(join(dir, 'cases'))).filter((n) => legacy(n, '.json'))) {
    const encoded = name.slice(0, -5);
    const caseId = decode(encoded);
    const key = fileStoreName(caseId);
    await move(join(dir, 'audit', `${encoded}.jsonl`), join(dir, 'audit', `${key}.jsonl`));
    const text = await fs.readFile(join(dir, 'cases', name), 'utf8').catch(() => null);
    // A write that a crash left unfinished is finished by the next claimOutbox, as any other.
    if (text !== null && (JSON.parse(text) as CaseFile).pending) await writeAtomic(join(dir, 'pending', key), JSON.stringify(caseId));
    await move(join(dir, 'cases', name), join(dir, 'cases', `${key}.json`));
  }
}

/**
 * A temporary name beside `path`, naming the process that made it (a tag of this machine's name,
 * and the process id) so that {@link temporaryOwner} can tell, on opening, whether it was left by
 * a process that died.
 */
function temporaryName(path: string, kind: 'tmp' | 'aside'): string {
  return `${path}.${hostTag()}.${process.pid}.${randomUUID()}.${kind}`;
}

interface Owner {
  readonly host: string;
  readonly pid: number;
}

/** The process that made a temporary file, from its name; null for a name of another form. */
function temporaryOwner(name: string): Owner | null {
  const found = /\.([0-9a-f]{8})\.(\d{1,10})\.[0-9a-f-]{36}\.(?:tmp|aside)$/.exec(name);
  return found ? { host: found[1]!, pid: Number(found[2]) } : null;
}

/** The process that holds a lock, from the lock's content; null when it does not say (or not yet). */
function lockOwner(content: string): Owner | null {
  try {
    const { host, pid } = JSON.parse(content) as { host?: unknown; pid?: unknown };
    return typeof host === 'string' && typeof pid === 'number' ? { host, pid } : null;
  } catch {
    return null;
  }
}

/**
 * True only when `owner` is a process of this machine, not this one, that no longer runs. A
 * process of another machine sharing the directory cannot be asked: only age breaks its locks.
 */
function ownerIsDead(owner: Owner): boolean {
  if (owner.host !== hostTag() || owner.pid === process.pid || !Number.isSafeInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

let host: string | null = null;
/** Eight hex characters of the SHA-256 of this machine's host name: short enough for any file name. */
function hostTag(): string {
  return (host ??= createHash('sha256').update(hostname()).digest('hex').slice(0, 8));
}

/** Writes a whole file or nothing: to a temporary name, flushed to disk, then renamed over the target. */
async function writeAtomic(path: string, content: string): Promise<void> {
  const temporary = await writeTemporary(path, content);
  await fs.rename(temporary, path);
}

/** Writes a whole file, as {@link writeAtomic}, unless one of that name is already there. */
async function writeNew(path: string, content: string): Promise<void> {
  const temporary = await writeTemporary(path, content);
  try {
    // `link` never replaces: an existing file stays as it is.
    await fs.link(temporary, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function writeTemporary(path: string, content: string): Promise<string> {
  const temporary = temporaryName(path, 'tmp');
  const handle = await fs.open(temporary, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temporary;
}

/** The id a due or pending file holds (a JSON string), or null when it is gone or holds no id. */
async function readId(path: string): Promise<string | null> {
  const text = await fs.readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const id = JSON.parse(text) as unknown;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Where the audit log's last complete line ends: for a log whose torn tail is longer than an entry. */
async function lastLineEnd(path: string): Promise<number> {
  const bytes = await fs.readFile(path);
  return bytes.lastIndexOf(0x0a) + 1;
}

async function exists(path: string): Promise<boolean> {
  return (await fs.stat(path).catch(() => null)) !== null;
}

/** True when `value` has no lone surrogate: its UTF-8 form is exactly it. */
function wellFormed(value: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A failure of the file system as a `StepDownError`. The message names the error code only: the
 * system's own message quotes the path, and a path holds a file name derived from an id.
 */
function storeFailure(error: unknown): StepDownError {
  const code = (error as NodeJS.ErrnoException).code;
  const failure = new StepDownError(
    'STORE_FAILURE',
    `The file store could not complete the write (${typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? code : 'file system error'}): ` +
      'try again once the directory is writable and has space.',
    typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? { errno: code } : {},
  );
  Object.defineProperty(failure, 'cause', { value: error, enumerable: false, writable: true, configurable: true });
  return failure;
}
