import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StepDownError } from '../src/errors.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import type { AuditDraft, AuditEntry, OutboxMessage, StoredCase } from '../src/engine/store.js';
import {
  createSealer,
  rekeyWithoutKeys,
  type EncryptionOptions,
  type SealingStore,
  type StoredAuditEntry,
  type StoredRecord,
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
   * Seals each audit entry's event and actor id, and each snapshot's context, with AES-256-GCM
   * under `current`; records sealed under any key in `keys` stay readable. Without it nothing is
   * sealed, and a sealed record met on reading is `ENCRYPTION_KEY_MISSING`. See `docs/security.md`.
   */
  readonly encryption?: EncryptionOptions;
}

/**
 * What a case file holds, as stored (sealed when the store seals). `pending` is the write that was
 * committed with the case but whose audit line and outbox files may not be on disk yet; it is
 * finished before the case is touched again, and by the next `claimOutbox` (a marker in `pending/`
 * names the case). `last` is the newest audit entry: the next entry chains from it, so a write
 * never reads the audit log.
 */
interface CaseFile {
  readonly record: StoredRecord;
  readonly last: StoredAuditEntry | null;
  readonly pending: { readonly audit: StoredAuditEntry; readonly outbox: readonly OutboxMessage[] } | null;
}

const subdirectories = ['cases', 'audit', 'locks', 'outbox', 'due', 'pending'] as const;
const hexName = /^[0-9a-f]{64}$/;
const dueName = /^(\d{16})~([0-9a-f]{64})$/;

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
 * file per outbox message and an index of next-due times kept as file names. Files are named by
 * {@link fileStoreName}, never by an id itself. Every file is written to a temporary name, flushed
 * to disk and renamed, so a crash mid-write loses nothing already saved; a lock file per case keeps
 * two processes from interleaving writes to one case. A write costs the same however long the
 * case's trail. Opening the store removes temporary files left by dead processes. With
 * `encryption`, the event payloads and snapshots' context in those files are sealed.
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
    due: (at: number, key: string) => join(dir, 'due', `${String(at).padStart(16, '0')}~${key}`),
    pending: (key: string) => join(dir, 'pending', key),
  };
  let ready: Promise<void> | null = null;
  const init = () =>
    (ready ??= (async () => {
      await Promise.all(subdirectories.map((sub) => fs.mkdir(join(dir, sub), { recursive: true })));
      await migrateEncodedNames(dir);
      await removeLeftovers();
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
    for (const sub of subdirectories) {
      const folder = join(dir, sub);
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
   * already there: a message a relay has claimed keeps its lease), the case file without
   * `pending`, and last the marker that told `claimOutbox` the case had a write to finish.
   */
  const flush = async (file: CaseFile): Promise<CaseFile> => {
    if (!file.pending) return file;
    const { audit, outbox } = file.pending;
    const key = fileStoreName(audit.caseId);
    await appendOnce(paths.audit(key), `${JSON.stringify(audit)}\n`);
    for (const message of outbox) await writeNew(paths.outbox(fileStoreName(message.id)), JSON.stringify(message));
    const flushed = { ...file, pending: null };
    await writeAtomic(paths.case(key), JSON.stringify(flushed));
    await fs.rm(paths.pending(key), { force: true });
    return flushed;
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
  const readTrail = async (caseId: string): Promise<AuditEntry[]> => (await readTrailFile(caseId)).map(sealer.openEntry);

  /** A case record from the engine, as it is to be stored (its snapshot sealed when the store seals). */
  const sealRecord = (record: StoredCase): StoredRecord => ({
    ...record,
    snapshot: sealer.sealSnapshot(record.caseId, record.version, record.snapshot),
  });

  /**
   * The commit point is the rename of the case file; everything after it is repeatable by `flush`.
   * Before it: the new next-due file, and the marker in `pending/` by which `claimOutbox` finds
   * a write that a crash left unfinished. `record` is already in its stored form: a refusal keeps
   * the stored record exactly as it was. The entry is chained in clear from the case file's `last`,
   * then sealed: the hash covers what the engine wrote. Everything is serialised before anything is
   * written, so a value that cannot be leaves no file behind.
   */
  const commit = async (
    previous: CaseFile | null,
    record: StoredRecord,
    draft: AuditDraft,
    outbox: readonly OutboxMessage[],
  ): Promise<AuditEntry> => {
    const key = fileStoreName(record.caseId);
    const audit = chainEntry(previous?.last ?? null, draft);
    const stored = sealer.sealEntry(audit);
    const file: CaseFile = { record, last: stored, pending: { audit: stored, outbox } };
    const text = JSON.stringify(file);
    const id = JSON.stringify(record.caseId);
    if (record.nextDueAt !== null) await writeAtomic(paths.due(record.nextDueAt, key), id);
    await writeAtomic(paths.pending(key), id);
    await writeAtomic(paths.case(key), text);
    const old = previous?.record.nextDueAt;
    if (old !== undefined && old !== null && old !== record.nextDueAt) await fs.rm(paths.due(old, key), { force: true });
    await flush(file);
    return audit;
  };

  /**
   * Finishes every write a crash left committed but unfinished, found by the markers in
   * `pending/`, so their notifications reach the outbox. A case whose lock a live process holds is
   * left to that process, which finishes its own write.
   */
  const finishPending = async (): Promise<void> => {
    for (const key of (await fs.readdir(join(dir, 'pending'))).filter((name) => hexName.test(name))) {
      const caseId = await readId(paths.pending(key));
      if (caseId === null || fileStoreName(caseId) !== key) continue;
      await ifUnlocked(key, async () => {
        const file = await readCase(caseId);
        if (file?.pending) await flush(file);
        else await fs.rm(paths.pending(key), { force: true }); // a crash before the commit point
      });
    }
  };

  /**
   * Re-seals a case's records not under the current key, under its lock. The audit log is replaced
   * whole (written aside, then renamed), so a reader sees the old log or the new, never a mix, and
   * a crash between the log and the case file leaves both readable with the keys supplied.
   */
  const rekey = async (caseId: string): Promise<number> => {
    if (sealer.current === null) throw rekeyWithoutKeys();
    const key = fileStoreName(caseId);
    return withLock(key, async () => {
      const stored = await readCase(caseId);
      if (!stored) throw new StepDownError('UNKNOWN_CASE', `No case ${caseId}.`, { caseId });
      const file = await flush(stored);
      const entries = await readTrailFile(caseId);
      const stale = entries.filter((e) => sealer.stale(e)).length;
      if (stale > 0) {
        const resealed = entries.map((e) => (sealer.stale(e) ? sealer.sealEntry(sealer.openEntry(e)) : e));
        await writeAtomic(paths.audit(key), resealed.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
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
            last: last === null ? null : sealer.sealEntry(sealer.openEntry(last)),
          }),
        );
      }
      return stale + (snapshotStale ? 1 : 0);
    });
  };

  return {
    async load(caseId) {
      await init();
      const file = await readCase(caseId);
      if (!file) return null;
      const { record } = file.pending ? await withLock(fileStoreName(caseId), async () => flush((await readCase(caseId))!)) : file;
      return { ...record, snapshot: sealer.openSnapshot(caseId, record.version, record.snapshot) };
    },
    async create(record, draft, outbox) {
      return withLock(fileStoreName(record.caseId), async () => {
        if (await readCase(record.caseId)) {
          throw new StepDownError('CASE_EXISTS', `Case ${record.caseId} already exists; open it once, then send events.`, {
            caseId: record.caseId,
          });
        }
        return commit(null, sealRecord(record), draft, outbox);
      });
    },
    async save(record, expectedVersion, draft, outbox) {
      return withLock(fileStoreName(record.caseId), async () => {
        const stored = await readCase(record.caseId);
        if (!stored) throw new StepDownError('UNKNOWN_CASE', `No case ${record.caseId}.`, { caseId: record.caseId });
        const current = await flush(stored);
        if (current.record.version !== expectedVersion) {
          throw new StepDownError(
            'VERSION_CONFLICT',
            `Case ${record.caseId} is at version ${current.record.version}, not ${expectedVersion}: reload it and send again.`,
            { caseId: record.caseId, expectedVersion, actualVersion: current.record.version },
          );
        }
        return commit(current, sealRecord(record), draft, outbox);
      });
    },
    async appendAudit(draft, outbox) {
      return withLock(fileStoreName(draft.caseId), async () => {
        const stored = await readCase(draft.caseId);
        if (!stored) throw new StepDownError('UNKNOWN_CASE', `No case ${draft.caseId}.`, { caseId: draft.caseId });
        const current = await flush(stored);
        return commit(current, current.record, draft, outbox);
      });
    },
    async audit(caseId) {
      await init();
      const file = await readCase(caseId);
      if (file?.pending) await withLock(fileStoreName(caseId), async () => flush((await readCase(caseId))!));
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
          const message = JSON.parse(text) as OutboxMessage;
          if (message.availableAt > now) continue;
          await writeAtomic(path, JSON.stringify({ ...message, availableAt: now + leaseMs }));
          claimed.push(message);
        }
        return claimed;
      });
    },
    async acknowledge(ids) {
      await init();
      for (const id of ids) await fs.rm(paths.outbox(fileStoreName(id)), { force: true });
    },
    async release(id, availableAt) {
      await withLock('outbox', async () => {
        const path = paths.outbox(fileStoreName(id));
        const text = await fs.readFile(path, 'utf8').catch(() => null);
        if (text === null) return;
        const message = JSON.parse(text) as OutboxMessage;
        await writeAtomic(path, JSON.stringify({ ...message, attempts: message.attempts + 1, availableAt }));
      });
    },
    rekey,
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
      return { cases, records };
    },
  };
}

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
