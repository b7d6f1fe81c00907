/**
 * The file store after a crash at each point of a save, and its lock between processes.
 *
 * A save (`commit` in `adapters/file.ts`) takes these steps, each a file written to a temporary
 * name, flushed and renamed, except the audit append:
 *   1. the new next-due index file;
 *   2. a marker in `pending/` naming the case, by which `claimOutbox` finds an unfinished write;
 *   3. the case file, holding the new record, `last` and a `pending` section (the audit entry and
 *      the outbox messages) — the commit point;
 *   4. the old next-due index file removed;
 *   5. the audit line appended (a crash mid-append leaves a torn line with no newline);
 *   6. one file per outbox message;
 *   7. the case file again, with `pending` cleared;
 *   8. the marker removed.
 * Each crash is simulated by building the on-disk state it leaves from the store's own files just
 * before and just after a real save, then opening a new store on the directory, as a restarted
 * process would. Whatever is read first — the case, its trail or the outbox — the store shows the
 * previous version (crash before the commit point) or the completed one (after it), never a mix,
 * and the outbox holds exactly the notifications of the version it shows.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import {
  createCaseEngine,
  verifyAuditTrail,
  type AuditDraft,
  type AuditEntry,
  type CaseStore,
  type OutboxMessage,
  type StoredCase,
} from '../../src/index.js';
import { samplePeople, samplePersonAdded } from '../events/samples.js';
import { event } from '../machine/harness.js';

const clock = () => new Date('2024-07-01T09:00:00Z');
const tm = { id: samplePeople.teamManager.id, role: 'team-manager' as const };
const caseId = 'C-CRASH';
const name = fileStoreName(caseId);
/** The tag of this machine the store puts in its temporary files' and locks' names. */
const hostTag = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** The id of a process that has exited: nothing runs under it (until the system reuses it). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

const directories: string[] = [];
afterAll(async () => void (await Promise.all(directories.map((d) => fs.rm(d, { recursive: true, force: true })))));
afterEach(() => void vi.restoreAllMocks());

async function directory(): Promise<string> {
  const made = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-crash-'));
  directories.push(made);
  return made;
}

/** Every file of a store directory, by path relative to it. */
async function files(dir: string): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.set(path.slice(dir.length + 1), await fs.readFile(path));
  }
  return found;
}

async function writeFiles(dir: string, contents: Map<string, Buffer>): Promise<void> {
  for (const sub of ['cases', 'audit', 'locks', 'outbox', 'due', 'pending']) await fs.mkdir(join(dir, sub), { recursive: true });
  for (const [path, content] of contents) await fs.writeFile(join(dir, path), content);
}

const openCase = (engine: ReturnType<typeof createCaseEngine>) =>
  engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
/** The save the crashes interrupt: it changes the next-due index and queues notifications. */
const crashingSave = event('decision.agreed', '2024-03-05T10:00:00Z');
const nextSave = samplePersonAdded(samplePeople.child, '2024-03-07T10:00:00Z');

/** The store's files before and after one real save, and what the engine showed at each. */
async function reference() {
  const dir = await directory();
  // Nothing is delivered, so the outbox files of each save stay on disk to be compared.
  const store: CaseStore = { ...fileStore({ directory: dir }), acknowledge: async () => undefined };
  const engine = createCaseEngine({ store, now: clock });
  await openCase(engine);
  const before = { files: await files(dir), view: await engine.get(caseId), trail: await engine.history(caseId) };
  await engine.send(caseId, crashingSave);
  const after = { files: await files(dir), view: await engine.get(caseId), trail: await engine.history(caseId) };
  return { before, after };
}
type Reference = Awaited<ReturnType<typeof reference>>;

const casePath = `cases/${name}.json`;
const auditPath = `audit/${name}.jsonl`;
const markerPath = `pending/${name}`;
const only = (all: Map<string, Buffer>, prefix: string) => [...all].filter(([path]) => path.startsWith(prefix));

/** Temporary files a crashed process (`dead`) left, and one a live process is writing (this one). */
const leftovers = (dead: number) => ({
  dead: [`${casePath}.${hostTag}.${dead}.00000000-0000-0000-0000-000000000000.tmp`, `outbox/${name}.json.${hostTag}.${dead}.00000000-0000-0000-0000-000000000001.tmp`],
  live: `${casePath}.${hostTag}.${process.pid}.00000000-0000-0000-0000-000000000002.tmp`,
});

/**
 * The state a crash leaves after step `step` of the save above (0: nothing done yet but torn
 * temporary files), built from the files before and after it. `dead` is the crashed process.
 */
function crashState(
  ref: Reference,
  step: 'temp' | 'due' | 'marked' | 'committed' | 'torn' | 'appended' | 'outbox',
  dead: number,
): Map<string, Buffer> {
  const { before, after } = ref;
  const state = new Map(before.files);
  const finalCase = JSON.parse(after.files.get(casePath)!.toString('utf8'));
  const newOutbox = only(after.files, 'outbox/').filter(([path]) => !before.files.has(path));
  const pending = {
    ...finalCase,
    pending: { audit: finalCase.last, outbox: newOutbox.map(([, content]) => JSON.parse(content.toString('utf8'))) },
  };
  const line = Buffer.from(`${JSON.stringify(finalCase.last)}\n`);
  // Writes cut short before their rename: half a JSON document under a temporary name.
  const temporary = leftovers(dead);
  state.set(temporary.dead[0]!, Buffer.from(JSON.stringify(pending).slice(0, 100)));
  state.set(temporary.dead[1]!, Buffer.from('{"id":'));
  state.set(temporary.live, Buffer.from('{"record":'));
  if (step === 'temp') return state;
  for (const [path, content] of only(after.files, 'due/')) state.set(path, content);
  if (step === 'due') return state;
  state.set(markerPath, Buffer.from(JSON.stringify(caseId)));
  if (step === 'marked') return state;
  state.set(casePath, Buffer.from(JSON.stringify(pending)));
  for (const [path] of only(before.files, 'due/')) if (!after.files.has(path)) state.delete(path);
  if (step === 'committed') return state;
  const audit = before.files.get(auditPath)!;
  if (step === 'torn') return state.set(auditPath, Buffer.concat([audit, line.subarray(0, Math.floor(line.length / 2))]));
  state.set(auditPath, Buffer.concat([audit, line]));
  if (step === 'appended') return state;
  for (const [path, content] of newOutbox) state.set(path, content);
  return state;
}

describe('the file store after a crash mid-save', () => {
  it('the reference save queues notifications and appends one entry', async () => {
    const { before, after } = await reference();
    expect(after.view.version).toBe(before.view.version + 1);
    expect(after.trail).toHaveLength(before.trail.length + 1);
    expect(only(after.files, 'outbox/').length).toBeGreaterThan(only(before.files, 'outbox/').length);
  });

  const steps = [
    ['temp', 'before'],
    ['due', 'before'],
    ['marked', 'before'],
    ['committed', 'after'],
    ['torn', 'after'],
    ['appended', 'after'],
    ['outbox', 'after'],
  ] as const;
  describe.each(steps)('crashed after step "%s": a new store shows the %s version', (step, shows) => {
    it.each(['case', 'trail', 'outbox'] as const)('whole and consistent when the %s is read first, and the next save works', async (first) => {
      const ref = await reference();
      const expected = ref[shows];
      const dir = await directory();
      const dead = await deadPid();
      await writeFiles(dir, crashState(ref, step, dead));
      const store = fileStore({ directory: dir });
      const engine = createCaseEngine({ store, now: clock });

      // A relay started after the crash claims before anything reads the case.
      const claimedFirst = first === 'outbox' ? await store.claimOutbox(Date.now() + 1e12, 100, 1000) : null;
      const view = first === 'case' ? await engine.get(caseId) : null;
      const trail = await engine.history(caseId);
      expect(view ?? (await engine.get(caseId))).toEqual(expected.view);
      expect(trail).toEqual(expected.trail);
      expect(verifyAuditTrail(trail)).toEqual({ ok: true, entries: expected.trail.length });
      expect((await store.load(caseId))?.version).toBe(expected.view.version);
      expect(await engine.rebuild(caseId)).toEqual(expected.view);

      // Recovery finished the write: no pending section, exactly one line per entry,
      // every notification of the committed save in the outbox, and the dead process's
      // temporary files gone (the live one's kept).
      const disk = await files(dir);
      expect(JSON.parse(disk.get(casePath)!.toString('utf8')).pending).toBeNull();
      for (const path of leftovers(dead).dead) expect(disk.has(path)).toBe(false);
      expect(disk.has(leftovers(dead).live)).toBe(true);
      expect(disk.get(auditPath)!.toString('utf8')).toBe(expected.trail.map((e) => `${JSON.stringify(e)}\n`).join(''));
      const outbox = (found: Map<string, Buffer>) => only(found, 'outbox/').filter(([p]) => p.endsWith('.json')).map(([p]) => p).sort();
      expect(outbox(disk)).toEqual(outbox(ref[shows].files));
      const claimed = claimedFirst ?? (await store.claimOutbox(Date.now() + 1e12, 100, 1000));
      const saved = only(ref[shows].files, 'outbox/').map(([, content]) => (JSON.parse(content.toString('utf8')) as OutboxMessage).id);
      expect(claimed.map((m) => m.id).sort()).toEqual(saved.sort());
      // A marker of a write that never reached its commit point is gone once a relay has looked.
      expect(only(await files(dir), 'pending/')).toEqual([]);

      // The next save chains on from what is shown: after "before", the interrupted save again.
      if (shows === 'before') {
        await engine.send(caseId, crashingSave);
        expect(await engine.get(caseId)).toEqual(ref.after.view);
      }
      await engine.send(caseId, nextSave);
      const final = await engine.history(caseId);
      expect(final).toHaveLength(ref.after.trail.length + 1);
      expect(final.map((e) => e.seq)).toEqual(final.map((_, i) => i + 1));
      expect(verifyAuditTrail(final).ok).toBe(true);
      expect((await engine.get(caseId)).version).toBe(ref.after.view.version + 1);
      expect(await engine.rebuild(caseId)).toEqual(await engine.get(caseId));
    });
  });
});

/** A store-level draft: the store knows nothing of the policy, so any well-formed entry will do. */
function draft(version: number, type = 'test.saved', accepted = true): AuditDraft {
  return {
    caseId,
    type,
    event: { type, n: version },
    actor: tm,
    at: '2024-03-05T10:00:00Z',
    recordedAt: '2024-07-01T09:00:00Z',
    stateBefore: null,
    stateAfter: null,
    version,
    rules: { checked: [], breached: [] },
    accepted,
    errorCode: accepted ? null : 'NOT_ALLOWED',
  };
}

/** A case opened through the engine, so its record is a real one. */
async function opened(dir: string): Promise<StoredCase> {
  await openCase(createCaseEngine({ store: fileStore({ directory: dir }), now: clock }));
  return (await fileStore({ directory: dir }).load(caseId))!;
}

/** Saves the next version, retrying after a fresh load whenever another writer got there first. */
async function saveNext(store: CaseStore): Promise<number> {
  for (;;) {
    const current = (await store.load(caseId))!;
    const version = current.version + 1;
    try {
      await store.save({ ...current, version }, current.version, draft(version), []);
      return version;
    } catch (error) {
      if ((error as { code?: string }).code !== 'VERSION_CONFLICT') throw error;
    }
  }
}

function expectWholeTrail(trail: AuditEntry[], entries: number): void {
  expect(trail).toHaveLength(entries);
  expect(trail.map((e) => e.seq)).toEqual(trail.map((_, i) => i + 1));
  expect(verifyAuditTrail(trail)).toEqual({ ok: true, entries });
}

const lockPath = (dir: string) => join(dir, 'locks', `${name}.lock`);
const settled = async (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => true, () => true), new Promise((resolve) => setTimeout(() => resolve(false), 150))]);

describe('the file store lock', () => {
  it('two stores on one directory saving to one case never interleave: versions and seqs gapless, chain whole', { timeout: 60_000 }, async () => {
    const dir = await directory();
    await opened(dir);
    const stores = [fileStore({ directory: dir }), fileStore({ directory: dir })];
    const perStore = 25;
    const saved = await Promise.all(
      stores.map(async (store, i) => {
        const versions: number[] = [];
        for (let n = 0; n < perStore; n += 1) {
          versions.push(await saveNext(store));
          // Refusals take the same lock, and change no version.
          if (n % 5 === i) await store.appendAudit(draft(versions.at(-1)!, 'test.refused', false), []);
        }
        return versions;
      }),
    );
    const all = saved.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 2 * perStore }, (_, i) => i + 2));
    const trail = await stores[0]!.audit(caseId);
    expectWholeTrail(trail, 1 + 2 * perStore + 10);
    expect(trail.filter((e) => e.accepted).map((e) => e.version)).toEqual(Array.from({ length: 1 + 2 * perStore }, (_, i) => i + 1));
    expect((await stores[1]!.load(caseId))!.version).toBe(1 + 2 * perStore);
    expect(await fs.readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('waits for a live lock, and breaks one older than staleLockMs (left by a dead process)', async () => {
    const dir = await directory();
    const record = await opened(dir);
    const store = fileStore({ directory: dir, staleLockMs: 5_000 });
    await fs.writeFile(lockPath(dir), 'another process');
    const waiting = store.save({ ...record, version: 2 }, 1, draft(2), []);
    expect(await settled(waiting)).toBe(false);
    // Its owner died an hour ago: the lock is now older than staleLockMs.
    const old = new Date(Date.now() - 3_600_000);
    await fs.utimes(lockPath(dir), old, old);
    await waiting;
    expectWholeTrail(await store.audit(caseId), 2);
    expect(await fs.readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('a crashed process leaves a stale lock and a half-done save; the next store breaks the lock and finishes it', async () => {
    const ref = await reference();
    const dir = await directory();
    await writeFiles(dir, crashState(ref, 'torn', await deadPid()));
    await fs.writeFile(lockPath(dir), '');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lockPath(dir), old, old);
    const engine = createCaseEngine({ store: fileStore({ directory: dir }), now: clock });
    await engine.send(caseId, nextSave);
    expectWholeTrail(await engine.history(caseId), ref.after.trail.length + 1);
  });

  it('two processes breaking one stale lock at once: the later one does not remove the lock the earlier one took', async () => {
    const dir = await directory();
    const record = await opened(dir);
    await fs.writeFile(lockPath(dir), '');
    const old = new Date(Date.now() - 3_600_000);
    await fs.utimes(lockPath(dir), old, old);

    // Both see the stale lock; the second is slow to act on what it saw, long enough for the first
    // to break it, take the lock and start its save. The first is slow inside its save.
    const stat = fs.stat.bind(fs);
    let lockStats = 0;
    vi.spyOn(fs, 'stat').mockImplementation(async (...args: Parameters<typeof fs.stat>) => {
      const result = await stat(...args);
      if (args[0] === lockPath(dir) && ++lockStats === 2) await new Promise((resolve) => setTimeout(resolve, 60));
      return result;
    });
    const readFile = fs.readFile.bind(fs) as (...a: unknown[]) => Promise<unknown>;
    let caseReads = 0;
    vi.spyOn(fs, 'readFile').mockImplementation((async (...args: unknown[]) => {
      const result = await readFile(...args);
      if (String(args[0]).endsWith(`${name}.json`) && ++caseReads === 1) await new Promise((resolve) => setTimeout(resolve, 300));
      return result;
    }) as typeof fs.readFile);

    const stores = [fileStore({ directory: dir }), fileStore({ directory: dir })];
    const results = await Promise.allSettled(stores.map((store) => store.save({ ...record, version: 2 }, 1, draft(2), [])));
    vi.restoreAllMocks();

    expect(lockStats).toBeGreaterThanOrEqual(2);
    // One save won; the other waited for its lock and found the case moved on.
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'VERSION_CONFLICT' });
    expectWholeTrail(await stores[0]!.audit(caseId), 2);
    expect(await fs.readdir(join(dir, 'locks'))).toEqual([]);
  });
});
