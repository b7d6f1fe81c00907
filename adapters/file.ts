import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
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
  /** A lock older than this is taken to be left by a crashed process and broken (default 30 s). */
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
 * finished before the case is touched again. `last` is the newest audit entry, for its seq and hash.
 */
interface CaseFile {
  readonly record: StoredRecord;
  readonly last: StoredAuditEntry | null;
  readonly pending: { readonly audit: StoredAuditEntry; readonly outbox: readonly OutboxMessage[] } | null;
}

/**
 * A store in one directory: a JSON file per case, an append-only audit log (JSON lines) per case, a
 * file per outbox message and an index of next-due times kept as file names. Every file is written
 * to a temporary name, flushed to disk and renamed, so a crash mid-write loses nothing already
 * saved; a lock file per case keeps two processes from interleaving writes to one case. With
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
    case: (id: string) => join(dir, 'cases', `${encode(id)}.json`),
    audit: (id: string) => join(dir, 'audit', `${encode(id)}.jsonl`),
    lock: (name: string) => join(dir, 'locks', `${name}.lock`),
    outbox: (id: string) => join(dir, 'outbox', `${encode(id)}.json`),
    due: (at: number, id: string) => join(dir, 'due', `${String(at).padStart(16, '0')}~${encode(id)}`),
  };
  let ready: Promise<void> | null = null;
  const init = () =>
    (ready ??= Promise.all(
      ['cases', 'audit', 'locks', 'outbox', 'due'].map((sub) => fs.mkdir(join(dir, sub), { recursive: true })),
    ).then(() => undefined));

  /**
   * Takes the lock file with an exclusive create, holding a token of its own in it. A lock older
   * than `staleLockMs` is broken by renaming it aside — only one process can move a given file —
   * and checking the age of what was moved: a breaker that judged a stale lock but moved a fresh
   * one (another breaker freed the name and a third process took it in between) puts it back
   * rather than deleting it. Release removes the lock only while it still holds this token, so an
   * owner that overran `staleLockMs` and was broken never frees the next owner's lock.
   */
  const withLock = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    await init();
    const path = paths.lock(name);
    const token = `${process.pid}.${randomUUID()}`;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await fs.writeFile(path, token, { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw storeFailure(error);
        const stat = await fs.stat(path).catch(() => null);
        if (stat && isStale(stat.mtimeMs)) await breakLock(path);
        else await sleep(Math.min(50, 2 + attempt));
      }
    }
    try {
      return await work();
    } finally {
      await releaseLock(path, token);
    }
  };
  const isStale = (mtimeMs: number) => Date.now() - mtimeMs > staleLockMs;
  /** Moves the lock at `path` aside; `keep` decides, from what was moved, whether it goes back. */
  const moveAside = async (path: string, keep: (aside: string) => Promise<boolean>): Promise<void> => {
    const aside = `${path}.${process.pid}.${randomUUID()}.aside`;
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
  const breakLock = (path: string) =>
    moveAside(path, async (aside) => {
      const stat = await fs.stat(aside).catch(() => null);
      return stat !== null && !isStale(stat.mtimeMs);
    });
  const releaseLock = async (path: string, token: string): Promise<void> => {
    const holds = async (file: string) => (await fs.readFile(file, 'utf8').catch(() => null)) === token;
    // Not ours any more (broken as stale and taken again): leave it alone, the name never freed.
    if (await holds(path)) await moveAside(path, async (aside) => !(await holds(aside)));
  };

  const readCase = async (caseId: string): Promise<CaseFile | null> => {
    try {
      return JSON.parse(await fs.readFile(paths.case(caseId), 'utf8')) as CaseFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StepDownError('INVALID_SNAPSHOT', `The file of case ${caseId} cannot be read as JSON.`, { caseId });
    }
  };

  /** Finishes a committed write: the audit line (unless already there) and the outbox files. */
  const flush = async (file: CaseFile): Promise<CaseFile> => {
    if (!file.pending) return file;
    const { audit, outbox } = file.pending;
    const { entries: trail, complete, length } = await readTrailFile(audit.caseId);
    if ((trail.at(-1)?.seq ?? 0) < audit.seq) {
      // A crash mid-append leaves part of this very entry (appends happen only here, under the
      // case's lock, and only for the pending entry the case file still holds). Cut it off before
      // appending, or the whole line would follow the fragment and the trail could never be read.
      if (complete < length) await fs.truncate(paths.audit(audit.caseId), complete);
      const handle = await fs.open(paths.audit(audit.caseId), 'a');
      try {
        await handle.appendFile(`${JSON.stringify(audit)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const message of outbox) await writeAtomic(paths.outbox(message.id), JSON.stringify(message));
    const flushed = { ...file, pending: null };
    await writeAtomic(paths.case(audit.caseId), JSON.stringify(flushed));
    return flushed;
  };

  /**
   * The audit log's complete lines, and how many of its bytes they take. A last line without its
   * newline is an append in progress in another process (readers take no lock) or one cut short by
   * a crash: either way it is not yet part of the trail, so it is left out rather than parsed.
   */
  const readTrailFile = async (caseId: string): Promise<{ entries: StoredAuditEntry[]; complete: number; length: number }> => {
    const bytes = await fs.readFile(paths.audit(caseId)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw storeFailure(error);
    });
    const complete = bytes.lastIndexOf(0x0a) + 1;
    const text = bytes.subarray(0, complete).toString('utf8');
    const entries = text.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as StoredAuditEntry);
    return { entries, complete, length: bytes.length };
  };
  const readTrail = async (caseId: string): Promise<AuditEntry[]> => (await readTrailFile(caseId)).entries.map(sealer.openEntry);

  /** A case record from the engine, as it is to be stored (its snapshot sealed when the store seals). */
  const sealRecord = (record: StoredCase): StoredRecord => ({
    ...record,
    snapshot: sealer.sealSnapshot(record.caseId, record.version, record.snapshot),
  });

  /**
   * The commit point is the rename of the case file; everything after it is repeatable by `flush`.
   * `record` is already in its stored form: a refusal keeps the stored record exactly as it was.
   * The entry is chained in clear, then sealed: the hash covers what the engine wrote.
   */
  const commit = async (
    previous: CaseFile | null,
    record: StoredRecord,
    draft: AuditDraft,
    outbox: readonly OutboxMessage[],
  ): Promise<AuditEntry> => {
    const audit = chainEntry(previous?.last ?? null, draft);
    const stored = sealer.sealEntry(audit);
    if (record.nextDueAt !== null) await writeAtomic(paths.due(record.nextDueAt, record.caseId), '');
    await writeAtomic(paths.case(record.caseId), JSON.stringify({ record, last: stored, pending: { audit: stored, outbox } }));
    const old = previous?.record.nextDueAt;
    if (old !== undefined && old !== null && old !== record.nextDueAt) await fs.rm(paths.due(old, record.caseId), { force: true });
    await flush({ record, last: stored, pending: { audit: stored, outbox } });
    return audit;
  };

  /**
   * Re-seals a case's records not under the current key, under its lock. The audit log is replaced
   * whole (written aside, then renamed), so a reader sees the old log or the new, never a mix, and
   * a crash between the log and the case file leaves both readable with the keys supplied.
   */
  const rekey = async (caseId: string): Promise<number> => {
    if (sealer.current === null) throw rekeyWithoutKeys();
    return withLock(encode(caseId), async () => {
      const stored = await readCase(caseId);
      if (!stored) throw new StepDownError('UNKNOWN_CASE', `No case ${caseId}.`, { caseId });
      const file = await flush(stored);
      const { entries } = await readTrailFile(caseId);
      const stale = entries.filter((e) => sealer.stale(e)).length;
      if (stale > 0) {
        const resealed = entries.map((e) => (sealer.stale(e) ? sealer.sealEntry(sealer.openEntry(e)) : e));
        await writeAtomic(paths.audit(caseId), resealed.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
      const { record, last } = file;
      const snapshotStale = sealer.stale(record.snapshot);
      // `last` repeats the newest entry; re-sealed too, so no copy stays under the old key.
      if (snapshotStale || (last !== null && sealer.stale(last))) {
        const snapshot = sealer.openSnapshot(caseId, record.version, record.snapshot);
        await writeAtomic(
          paths.case(caseId),
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
      const { record } = file.pending ? await withLock(encode(caseId), async () => flush((await readCase(caseId))!)) : file;
      return { ...record, snapshot: sealer.openSnapshot(caseId, record.version, record.snapshot) };
    },
    async create(record, draft, outbox) {
      return withLock(encode(record.caseId), async () => {
        if (await readCase(record.caseId)) {
          throw new StepDownError('CASE_EXISTS', `Case ${record.caseId} already exists; open it once, then send events.`, {
            caseId: record.caseId,
          });
        }
        return commit(null, sealRecord(record), draft, outbox);
      });
    },
    async save(record, expectedVersion, draft, outbox) {
      return withLock(encode(record.caseId), async () => {
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
      return withLock(encode(draft.caseId), async () => {
        const stored = await readCase(draft.caseId);
        if (!stored) throw new StepDownError('UNKNOWN_CASE', `No case ${draft.caseId}.`, { caseId: draft.caseId });
        const current = await flush(stored);
        return commit(current, current.record, draft, outbox);
      });
    },
    async audit(caseId) {
      await init();
      const file = await readCase(caseId);
      if (file?.pending) await withLock(encode(caseId), async () => flush((await readCase(caseId))!));
      return readTrail(caseId);
    },
    async dueCases(at, limit) {
      await init();
      const names = (await fs.readdir(join(dir, 'due'))).sort();
      const ids: string[] = [];
      for (const name of names) {
        const [time, id] = name.split('~');
        if (Number(time) >= at) break;
        const caseId = decode(id!);
        if (!ids.includes(caseId)) ids.push(caseId);
        if (ids.length >= limit) break;
      }
      return ids;
    },
    async claimOutbox(now, limit, leaseMs) {
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
      for (const id of ids) await fs.rm(paths.outbox(id), { force: true });
    },
    async release(id, availableAt) {
      await withLock('outbox', async () => {
        const text = await fs.readFile(paths.outbox(id), 'utf8').catch(() => null);
        if (text === null) return;
        const message = JSON.parse(text) as OutboxMessage;
        await writeAtomic(paths.outbox(id), JSON.stringify({ ...message, attempts: message.attempts + 1, availableAt }));
      });
    },
    rekey,
    async rekeyAll() {
      if (sealer.current === null) throw rekeyWithoutKeys();
      await init();
      let cases = 0;
      let records = 0;
      // Temporary files of atomic writes share the directory; only `<id>.json` names a case.
      for (const name of (await fs.readdir(join(dir, 'cases'))).filter((n) => /^[A-Za-z0-9_-]*\.json$/.test(n))) {
        const count = await rekey(decode(name.slice(0, -'.json'.length)));
        if (count > 0) cases += 1;
        records += count;
      }
      return { cases, records };
    },
  };
}

/** Writes a whole file or nothing: to a temporary name, flushed to disk, then renamed over the target. */
async function writeAtomic(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await fs.open(temporary, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, path);
}

function encode(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decode(name: string): string {
  return Buffer.from(name, 'base64url').toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function storeFailure(error: unknown): StepDownError {
  return new StepDownError('STORE_FAILURE', `The file store could not complete the write: ${(error as Error).message}`);
}
