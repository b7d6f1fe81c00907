/**
 * The file store under ids that once broke it, under faults, and at a cost that does not grow with
 * the trail: file names that no id can make too long or make collide, locks of dead processes,
 * temporary files left behind, failures that quote no path, and a directory in the layout of
 * before (base64url names) still read.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import {
  createCaseEngine,
  isStepDownError,
  verifyAuditTrail,
  type AuditDraft,
  type CaseStore,
  type OutboxMessage,
  type StoredCase,
} from '../../src/index.js';
import { auditDraft } from './store-records.js';
import { deadPid, hostTag } from './dead-process.js';

const directories: string[] = [];
afterAll(async () => void (await Promise.all(directories.map((d) => fs.rm(d, { recursive: true, force: true })))));
afterEach(() => void vi.restoreAllMocks());

async function directory(): Promise<string> {
  const made = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-files-'));
  directories.push(made);
  return made;
}


const record = (caseId: string, version: number, nextDueAt: number | null = null): StoredCase => ({
  caseId,
  version,
  snapshot: { machineVersion: 1, value: 'x', context: { caseId } } as unknown as StoredCase['snapshot'],
  nextDueAt,
});
const message = (id: string, caseId: string): OutboxMessage => ({
  id,
  caseId,
  notification: { type: 'case.opened', caseId, at: '2024-05-01T10:00:00+01:00' },
  attempts: 0,
  availableAt: 0,
});
const far = Date.parse('2100-01-01T00:00:00Z');

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isStepDownError(error) ? error.code : `not a StepDownError: ${(error as Error).message}`;
  }
  return 'no error';
}

/** Every file under `dir`, by path relative to it. */
async function names(dir: string): Promise<string[]> {
  const found = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return found.filter((f) => f.isFile()).map((f) => join(f.parentPath, f.name).slice(dir.length + 1)).sort();
}

/** Creates the case, saves it once, refuses once (a refusal message id embeds the case id), and checks it all reads back. */
async function roundTrip(store: CaseStore, caseId: string): Promise<void> {
  const refusal = `${caseId}:refused:${randomUUID()}`;
  await store.create(record(caseId, 1, 5_000), auditDraft(caseId, 1), [message(`${caseId}:v1:0`, caseId)]);
  await store.appendAudit(auditDraft(caseId, 1, false), [message(refusal, caseId)]);
  await store.save(record(caseId, 2, 4_000), 1, auditDraft(caseId, 2), [message(`${caseId}:v2:0`, caseId)]);
  expect((await store.load(caseId))!.version).toBe(2);
  const trail = await store.audit(caseId);
  expect(trail.map((e) => e.caseId)).toEqual([caseId, caseId, caseId]);
  expect(verifyAuditTrail(trail).ok).toBe(true);
  expect(await store.dueCases(4_001, 10)).toContain(caseId);
  const claimed = await store.claimOutbox(far, 100, 1_000);
  expect(claimed.filter((m) => m.caseId === caseId).map((m) => m.id).sort()).toEqual([`${caseId}:v1:0`, `${caseId}:v2:0`, refusal].sort());
  await store.release(refusal, 0);
  expect((await store.claimOutbox(far + 10_000, 100, 1_000)).find((m) => m.id === refusal)?.attempts).toBe(1);
  await store.acknowledge(claimed.map((m) => m.id));
  expect((await store.claimOutbox(far + 20_000, 100, 1_000)).filter((m) => m.caseId === caseId)).toEqual([]);
}

describe('file store: names no id can break', () => {
  it('a case id of 128 characters takes refusals through the engine, again and again', async () => {
    const caseId = `C${'0123456789'.repeat(12)}-abcdef`;
    expect(caseId).toHaveLength(128);
    const store = fileStore({ directory: await directory() });
    const engine = createCaseEngine({ store, now: () => new Date('2024-07-01T09:00:00Z') });
    await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: { id: 'tm-1', role: 'team-manager' } });
    for (let i = 0; i < 3; i += 1) {
      expect(await code(engine.send(caseId, { type: 'no.such.event', at: '2024-03-05T10:00:00Z' } as never))).toBe('INVALID_EVENT');
    }
    const trail = await engine.history(caseId);
    expect(trail.map((e) => e.accepted)).toEqual([true, false, false, false]);
    expect(verifyAuditTrail(trail).ok).toBe(true);
    expect((await engine.get(caseId)).version).toBe(1);
  });

  it.each([
    ['200 characters of an id', `C-${'x'.repeat(198)}`],
    ['1,000 characters of anything', 'ü/\\:*?"<>| '.repeat(100)],
    ['a path', '../../etc/passwd'],
    ['dots', '..'],
    ['a reserved Windows name', 'CON'],
    ['an emoji', 'case-🙂'],
  ])('any string a caller passes works as a case id: %s', async (_what, caseId) => {
    const dir = await directory();
    await roundTrip(fileStore({ directory: dir }), caseId);
    // Nothing outside the store's folders, and no name longer than a SHA-256 and its suffixes.
    for (const name of await names(dir)) {
      expect(name).toMatch(/^(cases|audit|locks|outbox|due|pending)\/[^/]+$/);
      expect(name.split('/')[1]!.length).toBeLessThanOrEqual(64 + 17);
    }
  });

  it('names every file in lower-case hex: ids that differ only in case stay apart on a case-insensitive file system', async () => {
    const dir = await directory();
    const store = fileStore({ directory: dir });
    await roundTrip(store, 'Case-A');
    await roundTrip(store, 'case-a');
    const all = await names(dir);
    for (const name of all) expect(name).toMatch(/^(cases\/[0-9a-f]{64}\.json|audit\/[0-9a-f]{64}\.jsonl|due\/\d{16}~[0-9a-f]{64})$/);
    expect(new Set(all.map((n) => n.toLowerCase())).size).toBe(all.length);
    expect((await store.audit('Case-A')).every((e) => e.caseId === 'Case-A')).toBe(true);
    expect((await store.audit('case-a')).every((e) => e.caseId === 'case-a')).toBe(true);
  });

  it('lone surrogates: ids that UTF-8 would make one are three cases', async () => {
    const store = fileStore({ directory: await directory() });
    const ids = ['\uD800', '\uDBFF', '\uFFFD'];
    expect(new Set(ids.map((id) => Buffer.from(id, 'utf8').toString('hex'))).size).toBe(1);
    for (const [i, caseId] of ids.entries()) {
      await store.create(record(caseId, 1), auditDraft(caseId, 1), [message(`${caseId}:m`, caseId)]);
      await store.save(record(caseId, 2 + i), 1, auditDraft(caseId, 2 + i), []);
    }
    for (const [i, caseId] of ids.entries()) {
      expect((await store.load(caseId))!.version).toBe(2 + i);
      expect((await store.audit(caseId)).map((e) => e.caseId)).toEqual([caseId, caseId]);
    }
    expect((await store.claimOutbox(far, 10, 1_000)).map((m) => m.id).sort()).toEqual(ids.map((id) => `${id}:m`).sort());
  });

  it('fileStoreName is the SHA-256 of the UTF-8 id, and of the UTF-16 units (behind 0xff) for an id that is not well-formed', () => {
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(fileStoreName('C-1')).toBe(sha(Buffer.from('C-1', 'utf8')));
    expect(fileStoreName('\uD800x')).toBe(sha(Buffer.concat([Buffer.from([0xff]), Buffer.from('\uD800x', 'utf16le')])));
    expect(fileStoreName('\uD83D\uDE42')).toBe(sha(Buffer.from('🙂', 'utf8')));
  });
});

describe('file store: write cost', () => {
  it('a write never reads the audit log whole, however long the trail', async () => {
    const dir = await directory();
    const store = fileStore({ directory: dir });
    const caseId = 'C-LONG';
    await store.create(record(caseId, 1), auditDraft(caseId, 1), []);
    for (let v = 2; v <= 60; v += 1) await store.save(record(caseId, v), v - 1, auditDraft(caseId, v), []);
    const auditFile = join(dir, 'audit', `${fileStoreName(caseId)}.jsonl`);
    const auditBytes = (await fs.stat(auditFile)).size;
    const readFile = fs.readFile.bind(fs) as (...a: unknown[]) => Promise<unknown>;
    const reads: string[] = [];
    vi.spyOn(fs, 'readFile').mockImplementation((async (...args: unknown[]) => {
      reads.push(String(args[0]));
      return readFile(...args);
    }) as typeof fs.readFile);
    await store.save(record(caseId, 61), 60, auditDraft(caseId, 61), [message('m-61', caseId)]);
    await store.appendAudit(auditDraft(caseId, 61, false), []);
    vi.restoreAllMocks();
    expect(reads.filter((path) => path.includes(`${join(dir, 'audit')}`))).toEqual([]);
    expect((await fs.stat(auditFile)).size).toBeGreaterThan(auditBytes);
    const trail = await store.audit(caseId);
    expect(trail).toHaveLength(62);
    expect(verifyAuditTrail(trail).ok).toBe(true);
  });
});

describe('file store: what dead processes leave', () => {
  it('breaks at once a lock whose owner process is dead, not after staleLockMs', async () => {
    const dir = await directory();
    const store = fileStore({ directory: dir }); // staleLockMs: the default 30 s
    await store.create(record('C-1', 1), auditDraft('C-1', 1), []);
    const lock = join(dir, 'locks', `${fileStoreName('C-1')}.lock`);
    await fs.writeFile(lock, JSON.stringify({ host: hostTag, pid: await deadPid(), id: randomUUID() }));
    const started = Date.now();
    await store.save(record('C-1', 2), 1, auditDraft('C-1', 2), []);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await store.load('C-1'))!.version).toBe(2);
    expect(await fs.readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('waits for a lock whose owner lives, whose owner is on another machine, or that names no owner', async () => {
    const dir = await directory();
    const store = fileStore({ directory: dir, staleLockMs: 60_000 });
    await store.create(record('C-1', 1), auditDraft('C-1', 1), []);
    const lock = join(dir, 'locks', `${fileStoreName('C-1')}.lock`);
    const dead = await deadPid();
    let version = 1;
    for (const content of [
      JSON.stringify({ host: hostTag, pid: process.ppid, id: randomUUID() }), // the test runner's parent: alive
      JSON.stringify({ host: hostTag === '00000000' ? '11111111' : '00000000', pid: dead, id: randomUUID() }),
      'another process',
      '',
    ]) {
      await fs.writeFile(lock, content);
      const waiting = store.save(record('C-1', version + 1), version, auditDraft('C-1', version + 1), []);
      const settled = await Promise.race([waiting.then(() => true, () => true), new Promise((resolve) => setTimeout(() => resolve(false), 200))]);
      expect(settled).toBe(false);
      await fs.rm(lock);
      await waiting;
      version += 1;
    }
    expect((await store.load('C-1'))!.version).toBe(5);
  });

  it('removes temporary files of dead processes on opening, and old ones of any, but never a live writer’s', async () => {
    const dir = await directory();
    await fileStore({ directory: dir }).create(record('C-1', 1), auditDraft('C-1', 1), []);
    const dead = await deadPid();
    const key = fileStoreName('C-1');
    const uuid = () => randomUUID();
    const gone = [
      `cases/${key}.json.${hostTag}.${dead}.${uuid()}.tmp`,
      `audit/${key}.jsonl.${hostTag}.${dead}.${uuid()}.tmp`,
      `outbox/${fileStoreName('m')}.json.${hostTag}.${dead}.${uuid()}.tmp`,
      `due/0000001700000000~${key}.${hostTag}.${dead}.${uuid()}.tmp`,
      `pending/${key}.${hostTag}.${dead}.${uuid()}.tmp`,
      `locks/${key}.lock.${hostTag}.${dead}.${uuid()}.aside`,
      `cases/${key}.json.4242.${uuid()}.tmp`, // the form of before, an hour old
    ];
    const kept = [
      `cases/${key}.json.${hostTag}.${process.pid}.${uuid()}.tmp`, // this process: alive
      `cases/${key}.json.${hostTag === '00000000' ? '11111111' : '00000000'}.${dead}.${uuid()}.tmp`, // another machine
      `outbox/${fileStoreName('m')}.json.4243.${uuid()}.tmp`, // the form of before, fresh
    ];
    for (const path of [...gone, ...kept]) await fs.writeFile(join(dir, path), '{"half":');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await fs.utimes(join(dir, gone.at(-1)!), hourAgo, hourAgo);
    const store = fileStore({ directory: dir });
    expect((await store.load('C-1'))!.version).toBe(1);
    const left = await names(dir);
    for (const path of gone) expect(left).not.toContain(path);
    for (const path of kept) expect(left).toContain(path);
  });

  it('a write left unfinished by a crash is finished by the next claim, unless a live process holds the case', async () => {
    const dir = await directory();
    const store = fileStore({ directory: dir });
    await store.create(record('C-1', 1), auditDraft('C-1', 1), []);
    // The state a crash right after the commit point leaves: the case file holds the pending
    // write (its audit line already appended, the outbox file not yet written), and the marker.
    const key = fileStoreName('C-1');
    const casePath = join(dir, 'cases', `${key}.json`);
    const file = JSON.parse(await fs.readFile(casePath, 'utf8'));
    await fs.writeFile(casePath, JSON.stringify({ ...file, pending: { audit: file.last, outbox: [message('m-late', 'C-1')] } }));
    await fs.writeFile(join(dir, 'pending', key), JSON.stringify('C-1'));
    // A live process holds the case's lock: the claim does not wait for it, nor take its write.
    const lock = join(dir, 'locks', `${key}.lock`);
    await fs.writeFile(lock, JSON.stringify({ host: hostTag, pid: process.ppid, id: randomUUID() }));
    const relay = fileStore({ directory: dir });
    expect(await relay.claimOutbox(far, 10, 1_000)).toEqual([]);
    await fs.rm(lock);
    expect((await relay.claimOutbox(far, 10, 1_000)).map((m) => m.id)).toEqual(['m-late']);
    expect(await fs.readdir(join(dir, 'pending'))).toEqual([]);
    expect(await relay.audit('C-1')).toHaveLength(1);
  });
});

describe('file store: failures quote no path', () => {
  it('a file system failure names its code, never the directory or a file name', async () => {
    const caseId = `C-${'y'.repeat(100)}`;
    const dir = await directory();
    const store = fileStore({ directory: dir });
    await store.create(record(caseId, 1), auditDraft(caseId, 1), []);
    await fs.rm(join(dir, 'locks'), { recursive: true });
    let failure: unknown = null;
    await store.save(record(caseId, 2), 1, auditDraft(caseId, 2), []).catch((error: unknown) => (failure = error));
    expect(failure).toMatchObject({ code: 'STORE_FAILURE', details: { errno: 'ENOENT' } });
    const text = `${(failure as Error).message} ${JSON.stringify(failure)}`;
    expect(text).toContain('ENOENT');
    for (const secret of [dir, fileStoreName(caseId), Buffer.from(caseId).toString('base64url').slice(0, 40), 'y'.repeat(20)]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('file store: a directory written before files were named by their SHA-256', () => {
  it('is moved to the new names on opening: cases, trails, due times and outbox all found', async () => {
    const dir = await directory();
    const caseId = 'C-OLD';
    const first = fileStore({ directory: dir });
    await first.create(record(caseId, 1, 2_000), auditDraft(caseId, 1), [message('C-OLD:v1:0', caseId)]);
    await first.appendAudit(auditDraft(caseId, 1, false), [message('C-OLD:refused:1', caseId)]);
    // Put every file under its name of before: the base64url of the id, due files empty.
    const b64 = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
    const key = fileStoreName(caseId);
    await fs.rename(join(dir, 'cases', `${key}.json`), join(dir, 'cases', `${b64(caseId)}.json`));
    await fs.rename(join(dir, 'audit', `${key}.jsonl`), join(dir, 'audit', `${b64(caseId)}.jsonl`));
    for (const id of ['C-OLD:v1:0', 'C-OLD:refused:1']) {
      await fs.rename(join(dir, 'outbox', `${fileStoreName(id)}.json`), join(dir, 'outbox', `${b64(id)}.json`));
    }
    await fs.rm(join(dir, 'due', `${'2000'.padStart(16, '0')}~${key}`));
    await fs.writeFile(join(dir, 'due', `${'2000'.padStart(16, '0')}~${b64(caseId)}`), '');
    await fs.rm(join(dir, 'pending'), { recursive: true });

    const store = fileStore({ directory: dir });
    expect((await store.load(caseId))!.version).toBe(1);
    expect(await store.audit(caseId)).toHaveLength(2);
    expect(await store.dueCases(3_000, 10)).toEqual([caseId]);
    expect((await store.claimOutbox(far, 10, 1_000)).map((m) => m.id).sort()).toEqual(['C-OLD:refused:1', 'C-OLD:v1:0']);
    await store.save(record(caseId, 2), 1, auditDraft(caseId, 2), []);
    expect(verifyAuditTrail(await store.audit(caseId)).ok).toBe(true);
    for (const name of await names(dir)) expect(name).not.toContain(b64(caseId));
  });
});
