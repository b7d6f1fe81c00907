/**
 * The file store after a crash at each point of a save and of a save of several cases, and its
 * lock between processes.
 *
 * A save (`commit` in `adapters/file.ts`) takes these steps, each a file written to a temporary
 * name, flushed and renamed, except the audit append and removals:
 *   1. a marker in `pending/` naming the case and the next-due file it adds, by which
 *      `claimOutbox` finds an unfinished write (and removes that file if the write never commits);
 *   2. the new next-due index file;
 *   3. the case file, holding the new record, `last`, `index` and a `pending` section (the audit
 *      entry, the outbox messages, the work-list files to write and remove, the old next-due
 *      time) — the commit point;
 *   4. the audit line appended (a crash mid-append leaves a torn line with no newline);
 *   5. one file per outbox message;
 *   6. the case's new work-list files in `work/`;
 *   7. its old work-list files removed;
 *   8. the old next-due index file removed;
 *   9. the case file again, with `pending` cleared;
 *  10. the marker removed.
 * A save of several cases (`saveMany`) writes a marker naming the batch for every case, then every
 * case's next-due file (steps 1–2 for each case), then one batch file holding every case's new case
 * file, renamed into `batches/` — its one commit point — then each case file (step 3), then
 * finishes each case (steps 4–10), and last removes the batch file.
 * Each crash is simulated by building the on-disk state it leaves from the store's own files just
 * before and just after a real save, then opening a new store on the directory, as a restarted
 * process would. Whatever is read first — a case, its trail, the outbox, the work list or the
 * family — the store shows the previous version (crash before the commit point) or the completed
 * one (after it) of every case, never a mix, and the outbox holds exactly the notifications of the
 * versions it shows.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import {
  createCaseEngine,
  verifyAuditTrail,
  type AuditDraft,
  type AuditEntry,
  type CaseStore,
  type CaseWrite,
  type OutboxMessage,
  type StoredCase,
  type WorkItem,
} from '../../src/index.js';
import { samplePeople, samplePersonAdded } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { workItem, workSteps } from './store-records.js';
import { deadPid, hostTag } from './dead-process.js';

const clock = () => new Date('2024-07-01T09:00:00Z');
const tm = { id: samplePeople.teamManager.id, role: 'team-manager' as const };
const caseId = 'C-CRASH';
const name = fileStoreName(caseId);

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
  for (const [path, content] of contents) {
    await fs.mkdir(dirname(join(dir, path)), { recursive: true });
    await fs.writeFile(join(dir, path), content);
  }
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
  const seen = async () => ({ files: await files(dir), view: await engine.get(caseId), trail: await engine.history(caseId), work: await engine.worklist() });
  const before = await seen();
  await engine.send(caseId, crashingSave);
  const after = await seen();
  return { before, after };
}
type Reference = Awaited<ReturnType<typeof reference>>;
/** One reference for the tests that only read it (each writes its crash state to a directory of its own). */
let sharedRef: Promise<Reference> | null = null;
const sharedReference = () => (sharedRef ??= reference());

const casePath = `cases/${name}.json`;
const auditPath = `audit/${name}.jsonl`;
const markerPath = `pending/${name}`;
const only = (all: Map<string, Buffer>, prefix: string) => [...all].filter(([path]) => path.startsWith(prefix));

/** Temporary files a crashed process (`dead`) left, and one a live process is writing (this one). */
const leftovers = (dead: number) => ({
  dead: [`${casePath}.${hostTag}.${dead}.00000000-0000-0000-0000-000000000000.tmp`, `outbox/${name}.json.${hostTag}.${dead}.00000000-0000-0000-0000-000000000001.tmp`],
  live: `${casePath}.${hostTag}.${process.pid}.00000000-0000-0000-0000-000000000002.tmp`,
});

type Files = Map<string, Buffer>;
const json = (content: Buffer) => JSON.parse(content.toString('utf8'));

/**
 * A case's file as the commit point writes it, from its files before and after the write: the
 * case file after, with the `pending` section the flush then clears (the audit entry, the new
 * outbox messages, and the index change: the new work-list files, the old ones that go, the
 * family before and after).
 */
function committedCaseFile(before: Files, after: Files, key: string, outbox: readonly [string, Buffer][]) {
  const previous = json(before.get(`cases/${key}.json`)!);
  const final = json(after.get(`cases/${key}.json`)!);
  const names: string[] = final.index.work;
  return {
    ...final,
    pending: {
      audit: final.last,
      outbox: outbox.map(([, content]) => json(content)),
      previousDue: previous.record.nextDueAt,
      index: {
        work: names.map((n) => [n, after.get(`work/${n}`)!.toString('utf8')]),
        remove: (previous.index.work as string[]).filter((n) => !names.includes(n)),
        family: final.index.family,
        previousFamily: previous.index.family,
      },
    },
  };
}
/** The outbox files a write added for one case. */
const addedOutbox = (before: Files, after: Files, id: string) =>
  only(after, 'outbox/').filter(([path, content]) => !before.has(path) && json(content).caseId === id);
/** The work-list files of one case (by its file key), by path. */
const workOf = (all: Files, key: string) => only(all, 'work/').filter(([path]) => path.includes(`~${key.slice(0, 32)}~`));

const saveSteps = ['temp', 'marked', 'due', 'committed', 'torn', 'appended', 'outbox', 'indexed', 'unindexed', 'due-moved', 'flushed'] as const;
type SaveStep = (typeof saveSteps)[number];

/**
 * The state a crash leaves after step `step` of the save above (temp: nothing done yet but torn
 * temporary files), built from the files before and after it. `dead` is the crashed process.
 */
function crashState(ref: Reference, step: SaveStep, dead: number): Files {
  const { before, after } = ref;
  const state = new Map(before.files);
  const newOutbox = addedOutbox(before.files, after.files, caseId);
  const pending = committedCaseFile(before.files, after.files, name, newOutbox);
  const line = Buffer.from(`${JSON.stringify(pending.last)}\n`);
  // Writes cut short before their rename: half a JSON document under a temporary name.
  const temporary = leftovers(dead);
  state.set(temporary.dead[0]!, Buffer.from(JSON.stringify(pending).slice(0, 100)));
  state.set(temporary.dead[1]!, Buffer.from('{"id":'));
  state.set(temporary.live, Buffer.from('{"record":'));
  const steps = saveSteps.slice(1, saveSteps.indexOf(step) + 1);
  for (const done of steps) {
    if (done === 'marked') state.set(markerPath, Buffer.from(JSON.stringify({ caseId, due: pending.record.nextDueAt })));
    if (done === 'due') for (const [path, content] of only(after.files, 'due/')) state.set(path, content);
    if (done === 'committed') state.set(casePath, Buffer.from(JSON.stringify(pending)));
    const audit = before.files.get(auditPath)!;
    if (done === 'torn') state.set(auditPath, Buffer.concat([audit, line.subarray(0, Math.floor(line.length / 2))]));
    if (done === 'appended') state.set(auditPath, Buffer.concat([audit, line]));
    if (done === 'outbox') for (const [path, content] of newOutbox) state.set(path, content);
    if (done === 'indexed') for (const [path, content] of workOf(after.files, name)) state.set(path, content);
    if (done === 'unindexed') for (const [path] of workOf(before.files, name)) if (!after.files.has(path)) state.delete(path);
    if (done === 'due-moved') for (const [path] of only(before.files, 'due/')) if (!after.files.has(path)) state.delete(path);
    if (done === 'flushed') state.set(casePath, after.files.get(casePath)!);
  }
  return state;
}

const workNames = (all: Files) => only(all, 'work/').map(([path]) => path).filter((p) => !p.endsWith('.tmp')).sort();

describe('the file store after a crash mid-save', () => {
  it('the reference save queues notifications and appends one entry', async () => {
    const { before, after } = await reference();
    expect(after.view.version).toBe(before.view.version + 1);
    expect(after.trail).toHaveLength(before.trail.length + 1);
    expect(only(after.files, 'outbox/').length).toBeGreaterThan(only(before.files, 'outbox/').length);
  });

  const shown = (step: SaveStep) => (saveSteps.indexOf(step) < saveSteps.indexOf('committed') ? 'before' : 'after');
  describe.concurrent.each(saveSteps.map((step) => [step, shown(step)] as const))('crashed after step "%s": a new store shows the %s version', (step, shows) => {
    it.each(['case', 'trail', 'outbox', 'worklist'] as const)('whole and consistent when the %s is read first, and the next save works', { timeout: 60_000 }, async (first) => {
      const ref = await sharedReference();
      const expected = ref[shows];
      const dir = await directory();
      const dead = await deadPid();
      await writeFiles(dir, crashState(ref, step, dead));
      const store = fileStore({ directory: dir });
      const engine = createCaseEngine({ store, now: clock });

      // A relay started after the crash claims before anything reads the case.
      const claimedFirst = first === 'outbox' ? await store.claimOutbox(Date.now() + 1e12, 100, 1000) : null;
      // The work list is read from its index, which the crash left as it was before the commit point.
      const workFirst = first === 'worklist' ? await engine.worklist() : null;
      const view = first === 'case' ? await engine.get(caseId) : null;
      const trail = await engine.history(caseId);
      expect(workFirst ?? (await engine.worklist())).toEqual(expected.work);
      expect(expected.work.length).toBeGreaterThan(0);
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
      expect(workNames(disk)).toEqual(workNames(ref[shows].files));
      const claimed = claimedFirst ?? (await store.claimOutbox(Date.now() + 1e12, 100, 1000));
      // Once a relay has looked, the next-due index is the version's: no file of a write that never committed.
      const dues = (found: Files) => only(found, 'due/').map(([p]) => p).filter((p) => !p.endsWith('.tmp')).sort();
      expect(dues(await files(dir))).toEqual(dues(ref[shows].files));
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
      expect(await engine.worklist()).toEqual((await engine.get(caseId)).pending.length > 0 ? expect.any(Array) : []);
    });
  });

  it('the reference save changes the case\'s work list: one file per step, the decision\'s removed', async () => {
    const { before, after } = await reference();
    expect(before.work.map((w) => w.step)).toEqual(['decision.agreed']);
    expect(after.work.length).toBeGreaterThan(1);
    expect(workNames(before.files)).toHaveLength(1);
    expect(workNames(after.files)).toHaveLength(after.work.length);
    expect(after.files.has(workNames(before.files)[0]!)).toBe(false);
  });
});

/** The id the crash states give the batch file of the interrupted `saveMany`. */
const batchId = '00000000-0000-4000-8000-00000000000b';
const batchSteps = ['temp', 'marked', 'due', 'committed', 'case-1', 'cases', 'flushed-1', 'flushed'] as const;
type BatchStep = (typeof batchSteps)[number];

/**
 * The state a crash leaves after step `step` of a `saveMany` of `ids` (in the order it writes
 * them), built from the store's files before and after it. `dead` is the crashed process.
 */
function batchCrashState(before: Files, after: Files, ids: readonly string[], step: BatchStep, dead: number): Files {
  const state = new Map(before);
  const keys = ids.map((id) => fileStoreName(id));
  const outboxes = ids.map((id) => addedOutbox(before, after, id));
  const committed = keys.map((key, i) => committedCaseFile(before, after, key, outboxes[i]!));
  const batch = {
    cases: ids.map((caseId, i) => {
      const previous = json(before.get(`cases/${keys[i]}.json`)!);
      return { caseId, before: { version: previous.record.version, last: previous.last?.hash ?? null }, file: committed[i] };
    }),
  };
  // A work-list file's name holds the case key's first 32 hex digits; every other name the whole key.
  const ofCase = (all: Files, prefix: string, key: string) => only(all, prefix).filter(([path]) => path.includes(key.slice(0, 32)));
  state.set(`batches/${batchId}.json.${hostTag}.${dead}.00000000-0000-0000-0000-000000000003.tmp`, Buffer.from(JSON.stringify(batch).slice(0, 200)));
  state.set(`cases/${keys[0]}.json.${hostTag}.${dead}.00000000-0000-0000-0000-000000000004.tmp`, Buffer.from('{"record":'));
  const commitCase = (i: number) => state.set(`cases/${keys[i]}.json`, Buffer.from(JSON.stringify(committed[i])));
  const flushCase = (i: number) => {
    const key = keys[i]!;
    for (const prefix of ['audit/', 'outbox/', 'work/', 'family/', 'cases/', 'due/']) {
      for (const [path] of ofCase(before, prefix, key)) if (!after.has(path)) state.delete(path);
      for (const [path, content] of ofCase(after, prefix, key)) if (prefix !== 'outbox/') state.set(path, content);
    }
    for (const [path, content] of outboxes[i]!) state.set(path, content);
    state.delete(`pending/${key}`);
  };
  for (const done of batchSteps.slice(1, batchSteps.indexOf(step) + 1)) {
    if (done === 'due') for (const [path, content] of only(after, 'due/')) state.set(path, content);
    if (done === 'marked') {
      ids.forEach((caseId, i) => state.set(`pending/${keys[i]}`, Buffer.from(JSON.stringify({ caseId, batch: batchId, due: committed[i].record.nextDueAt }))));
    }
    if (done === 'committed') state.set(`batches/${batchId}.json`, Buffer.from(JSON.stringify(batch)));
    if (done === 'case-1') commitCase(0);
    if (done === 'cases') ids.forEach((_, i) => commitCase(i));
    if (done === 'flushed-1') flushCase(0);
    if (done === 'flushed') ids.forEach((_, i) => flushCase(i));
  }
  return state;
}

function batchRecord(caseId: string, version: number, work: readonly Partial<WorkItem>[], familyId: string | null): StoredCase {
  const items = work.map((w) => workItem(caseId, familyId, w));
  const dated = items.map((w) => w.dueAt).filter((d): d is number => d !== null);
  return {
    caseId,
    version,
    snapshot: { machineVersion: 2, value: 'x', context: { caseId, version }, ledger: {} } as unknown as StoredCase['snapshot'],
    nextDueAt: dated.length > 0 ? Math.min(...dated) : null,
    familyId,
    work: items,
  };
}
const storeDraft = (id: string, version: number, accepted = true): AuditDraft => ({ ...draft(version, accepted ? 'test.saved' : 'test.refused', accepted), caseId: id });
const storeMessage = (id: string, forCase: string): OutboxMessage => ({
  id,
  caseId: forCase,
  notification: { type: 'case.opened', caseId: forCase, at: '2024-05-01T10:00:00+01:00' },
  attempts: 0,
  availableAt: 0,
});

const day = 86_400_000;
const t0 = Date.parse('2024-03-04T09:00:00Z');
/**
 * The batch the store-level crashes interrupt, written in this order: a case with no family and
 * no steps joins the family with a dated step; one loses a dated step and keeps an undated one
 * (its first step's file goes); one with a refusal after its last save (so its version alone does
 * not name its state) loses two of its three steps and moves its first.
 */
const batchIdsInOrder = ['C-BC', 'C-BA', 'C-BB'] as const;
const family = 'F-CRASH';
const batchWrites = (): CaseWrite[] => [
  { record: batchRecord('C-BC', 2, [{ step: 'consent.given', dueAt: t0 + day }], family), expectedVersion: 1, audit: storeDraft('C-BC', 2), outbox: [storeMessage('bc-2', 'C-BC')] },
  { record: batchRecord('C-BA', 2, [{ step: 'person.added', detail: 'child' }], family), expectedVersion: 1, audit: storeDraft('C-BA', 2), outbox: [storeMessage('ba-2', 'C-BA')] },
  { record: batchRecord('C-BB', 3, [{ step: 'finalMeeting.held', dueAt: t0 + 4 * day }], family), expectedVersion: 2, audit: storeDraft('C-BB', 3), outbox: [] },
];

/** The store-level reference: the store's files and answers before and after one real `saveMany`. */
async function batchReference() {
  const dir = await directory();
  const store: CaseStore = { ...fileStore({ directory: dir }), acknowledge: async () => undefined };
  await store.create(batchRecord('C-BA', 1, [{ step: 'decision.agreed', role: 'team-manager', dueAt: t0 + 2 * day }, {}], family), storeDraft('C-BA', 1), [storeMessage('ba-1', 'C-BA')]);
  await store.create(batchRecord('C-BB', 1, [], family), storeDraft('C-BB', 1), []);
  await store.save(batchRecord('C-BB', 2, [{ dueAt: t0 + 3 * day }, { step: 'consent.given', dueAt: t0 + day }, { detail: 'leo' }], family), 1, storeDraft('C-BB', 2), []);
  await store.appendAudit(storeDraft('C-BB', 2, false), [storeMessage('bb-refused', 'C-BB')]);
  await store.create(batchRecord('C-BC', 1, [], null), storeDraft('C-BC', 1), []);
  const seen = async () => ({
    files: await files(dir),
    cases: await Promise.all(batchIdsInOrder.map((id) => store.load(id))),
    trails: await Promise.all(batchIdsInOrder.map((id) => store.audit(id))),
    work: await store.worklist({ limit: 100 }),
    family: await store.familyCases(family),
  });
  const before = await seen();
  await store.saveMany(batchWrites());
  const after = await seen();
  return { before, after };
}

let sharedBatchRef: ReturnType<typeof batchReference> | null = null;
const sharedBatchReference = () => (sharedBatchRef ??= batchReference());

describe('the file store after a crash mid-saveMany', () => {
  it('the reference batch moves every case: versions, due index, work list (files removed too), family', async () => {
    const { before, after } = await batchReference();
    expect(before.cases.map((c) => c!.version)).toEqual([1, 1, 2]);
    expect(after.cases.map((c) => c!.version)).toEqual([2, 2, 3]);
    expect(before.family).toEqual(['C-BA', 'C-BB']);
    expect(after.family).toEqual(['C-BA', 'C-BB', 'C-BC']);
    expect(workSteps(before.work)).toEqual(['C-BB consent.given', 'C-BA decision.agreed', 'C-BB views.recorded', 'C-BA views.recorded', 'C-BB views.recorded|leo']);
    expect(workSteps(after.work)).toEqual(['C-BC consent.given', 'C-BB finalMeeting.held', 'C-BA person.added|child']);
    expect(workNames(before.files).filter((p) => !after.files.has(p))).toHaveLength(5);
    // The next-due index holds each case's next due time and nothing else, before and after.
    const dueFiles = (cases: (StoredCase | null)[]) =>
      cases.filter((c) => c!.nextDueAt !== null).map((c) => `due/${String(c!.nextDueAt).padStart(16, '0')}~${fileStoreName(c!.caseId)}`).sort();
    expect(only(before.files, 'due/').map(([path]) => path).sort()).toEqual(dueFiles(before.cases));
    expect(only(after.files, 'due/').map(([path]) => path).sort()).toEqual(dueFiles(after.cases));
    expect(dueFiles(after.cases)).toHaveLength(2);
    expect(only(after.files, 'batches/')).toEqual([]);
    expect(only(after.files, 'pending/')).toEqual([]);
  });

  const shown = (step: BatchStep) => (batchSteps.indexOf(step) < batchSteps.indexOf('committed') ? 'before' : 'after');
  const reads = ['case', 'case (store opened before the crash)', 'trail', 'outbox', 'worklist', 'family'] as const;
  describe.concurrent.each(batchSteps.map((step) => [step, shown(step)] as const))('crashed after step "%s": every case shows the %s version', (step, shows) => {
    it.each(reads)('whole and consistent when the %s is read first, and the next saveMany works', { timeout: 60_000 }, async (first) => {
      const ref = await sharedBatchReference();
      const expected = ref[shows];
      const dir = await directory();
      const dead = await deadPid();
      // A store of a process that was running when another crashed: it opened the directory before.
      const openBefore = first === 'case (store opened before the crash)';
      const store = openBefore ? fileStore({ directory: dir }) : null;
      if (store) await store.dueCases(0, 1);
      await writeFiles(dir, batchCrashState(ref.before.files, ref.after.files, batchIdsInOrder, step, dead));
      const opened = store ?? fileStore({ directory: dir });

      const far = Date.now() + 1e12;
      const claimedFirst = first === 'outbox' ? await opened.claimOutbox(far, 100, 1000) : null;
      const workFirst = first === 'worklist' ? await opened.worklist({ limit: 100 }) : null;
      const familyFirst = first === 'family' ? await opened.familyCases(family) : null;
      const trailFirst = first === 'trail' ? await opened.audit('C-BB') : null;
      const caseFirst = first.startsWith('case') ? await opened.load('C-BB') : null;
      expect(caseFirst ?? (await opened.load('C-BB'))).toEqual(expected.cases[2]);
      expect(trailFirst ?? (await opened.audit('C-BB'))).toEqual(expected.trails[2]);
      for (const [i, id] of batchIdsInOrder.entries()) {
        expect(await opened.load(id)).toEqual(expected.cases[i]);
        const trail = await opened.audit(id);
        expect(trail).toEqual(expected.trails[i]);
        expect(verifyAuditTrail(trail)).toEqual({ ok: true, entries: expected.trails[i]!.length });
      }
      expect(workFirst ?? (await opened.worklist({ limit: 100 }))).toEqual(expected.work);
      expect(familyFirst ?? (await opened.familyCases(family))).toEqual(expected.family);
      const claimed = claimedFirst ?? (await opened.claimOutbox(far, 100, 1000));
      const saved = only(expected.files, 'outbox/').map(([, content]) => (json(content) as OutboxMessage).id);
      expect(claimed.map((m) => m.id).sort()).toEqual(saved.sort());

      // Recovery finished the batch: no batch file, no marker, no pending section; the indexes are
      // exactly those of the version shown; the dead process's temporary files are gone.
      const disk = await files(dir);
      expect(only(disk, 'batches/').filter(([path]) => !openBefore || !path.endsWith('.tmp'))).toEqual([]);
      expect(only(disk, 'pending/')).toEqual([]);
      for (const id of batchIdsInOrder) expect(json(disk.get(`cases/${fileStoreName(id)}.json`)!).pending).toBeNull();
      expect(workNames(disk)).toEqual(workNames(expected.files));
      const names = (all: Files, prefix: string) => only(all, prefix).map(([path]) => path).filter((p) => !p.endsWith('.tmp')).sort();
      expect(names(disk, 'family/')).toEqual(names(expected.files, 'family/'));
      expect(names(disk, 'due/')).toEqual(names(expected.files, 'due/'));
      if (!openBefore) expect([...disk.keys()].filter((path) => path.includes(`.${dead}.`))).toEqual([]);

      // The next batch chains on from what is shown: after "before", the interrupted batch again;
      // after "after", the same batch is a VERSION_CONFLICT, not a second write.
      const again = opened.saveMany(batchWrites());
      if (shows === 'before') {
        await again;
        for (const [i, id] of batchIdsInOrder.entries()) expect(await opened.load(id)).toEqual(ref.after.cases[i]);
        expect(await opened.worklist({ limit: 100 })).toEqual(ref.after.work);
      } else {
        await expect(again).rejects.toMatchObject({ code: 'VERSION_CONFLICT', details: { caseId: 'C-BC' } });
      }
      const next = ref.after.cases.map((c) => ({ record: batchRecord(c!.caseId, c!.version + 1, [], family), expectedVersion: c!.version, audit: storeDraft(c!.caseId, c!.version + 1), outbox: [] }));
      await opened.saveMany(next);
      for (const [i, id] of batchIdsInOrder.entries()) {
        const trail = await opened.audit(id);
        expect(trail).toHaveLength(ref.after.trails[i]!.length + 1);
        expect(verifyAuditTrail(trail).ok).toBe(true);
        expect((await opened.load(id))!.version).toBe(ref.after.cases[i]!.version + 1);
      }
      expect(await opened.worklist({ limit: 100 })).toEqual([]);
      expect(await opened.familyCases(family)).toEqual(['C-BA', 'C-BB', 'C-BC']);
    });
  });

  it('a family send through the engine, crashed after its commit point: every sibling shows the new version on reopening', async () => {
    const dir = await directory();
    const store: CaseStore = { ...fileStore({ directory: dir }), acknowledge: async () => undefined };
    const engine = createCaseEngine({ store, now: clock });
    const siblings = ['C-SIB-2', 'C-SIB-1'];
    for (const id of siblings) await engine.open({ caseId: id, familyId: 'F-SIB', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    const seen = async () => ({ files: await files(dir), views: await engine.family('F-SIB'), work: await engine.worklist() });
    const before = await seen();
    const agreed = await engine.sendToFamily('F-SIB', { ...crashingSave, eventId: 'family-decision' });
    const after = await seen();
    expect(agreed.map((v) => [v.caseId, v.version])).toEqual([
      ['C-SIB-1', 2],
      ['C-SIB-2', 2],
    ]);
    for (const step of ['marked', 'committed', 'case-1'] as const) {
      const crashed = await directory();
      await writeFiles(crashed, batchCrashState(before.files, after.files, ['C-SIB-1', 'C-SIB-2'], step, await deadPid()));
      const reopened = createCaseEngine({ store: fileStore({ directory: crashed }), now: clock });
      const expected = step === 'marked' ? before : after;
      expect(await reopened.family('F-SIB')).toEqual(expected.views);
      expect(await reopened.worklist()).toEqual(expected.work);
      for (const id of siblings) expect(verifyAuditTrail(await reopened.history(id)).ok).toBe(true);
    }
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
