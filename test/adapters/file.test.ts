import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import { memoryStore } from '../../adapters/memory.js';
import { verifyAuditTrail, type AuditDraft, type CaseStore, type StoredCase, type WorkItem, type WorklistQuery } from '../../src/index.js';
import { testStore } from './conformance.js';
import { testDeliveryStore } from './conformance-delivery.js';
import { testCalendarUpdate } from './conformance-calendar.js';
import { testSealing, type Raw, type SealedPlace } from './sealing-suite.js';
import { auditDraft, workItem, workSteps } from './store-records.js';

const directories: string[] = [];
const cleanup = async () => void (await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

async function directory(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'caf-step-down-'));
  directories.push(made);
  return made;
}

testStore('file', {
  make: async () => fileStore({ directory: await directory() }),
  cleanup,
});
testDeliveryStore('file', { make: async () => ((dir) => ({ store: fileStore({ directory: dir }), reopen: () => fileStore({ directory: dir }) }))(await directory()), cleanup });
testCalendarUpdate('file', { make: async () => fileStore({ directory: await directory() }), cleanup });

const sealedKey = randomBytes(32);
testStore('file (sealed)', {
  make: async () => fileStore({ directory: await directory(), encryption: { keys: { k: sealedKey }, current: 'k' } }),
  cleanup,
});

/** The file store's data as someone with the disk sees it: the case file and the audit log's lines. */
async function filePlace(): Promise<SealedPlace> {
  const dir = await directory();
  const name = fileStoreName;
  const casePath = (caseId: string) => join(dir, 'cases', `${name(caseId)}.json`);
  const auditPath = (caseId: string) => join(dir, 'audit', `${name(caseId)}.jsonl`);
  const outboxPath = (messageId: string) => join(dir, 'outbox', `${name(messageId)}.json`);
  const lines = async (caseId: string) => (await readFile(auditPath(caseId), 'utf8')).split('\n').filter((l) => l.length > 0);
  return {
    open: (encryption) => fileStore({ directory: dir, encryption }),
    async raw() {
      const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
      const texts = await Promise.all(files.map(async (f) => `${f.name}\n${await readFile(join(f.parentPath, f.name), 'utf8')}`));
      return texts.join('\n');
    },
    async readEntry(caseId, seq) {
      return (await lines(caseId)).map((l) => JSON.parse(l) as Raw).find((e) => e.seq === seq)!;
    },
    async writeEntry(caseId, seq, entry) {
      const edited = (await lines(caseId)).map((l) => ((JSON.parse(l) as Raw).seq === seq ? JSON.stringify(entry) : l));
      await writeFile(auditPath(caseId), `${edited.join('\n')}\n`);
    },
    async readSnapshot(caseId) {
      return JSON.parse(await readFile(casePath(caseId), 'utf8')).record.snapshot as Raw;
    },
    async writeSnapshot(caseId, snapshot) {
      const file = JSON.parse(await readFile(casePath(caseId), 'utf8'));
      await writeFile(casePath(caseId), JSON.stringify({ ...file, record: { ...file.record, snapshot } }));
    },
    async readNotification(messageId) {
      return JSON.parse(await readFile(outboxPath(messageId), 'utf8')).notification as Raw;
    },
    async writeNotification(messageId, notification) {
      const file = JSON.parse(await readFile(outboxPath(messageId), 'utf8'));
      await writeFile(outboxPath(messageId), JSON.stringify({ ...file, notification }));
    },
  };
}

testSealing('file', { place: filePlace, cleanup });

const indexKey = randomBytes(32);
testStore('file (sealed, index key)', {
  make: async () => fileStore({ directory: await directory(), encryption: { keys: { k: sealedKey }, current: 'k', indexKey } }),
  cleanup,
});

/** The same place, opened with an index key beside whatever keys the suite gives. */
async function filePlaceWithIndexKey(): Promise<SealedPlace> {
  const place = await filePlace();
  return { ...place, open: (encryption) => place.open(encryption && { ...encryption, indexKey }) };
}
testSealing('file (index key)', { place: filePlaceWithIndexKey, cleanup });

/** mulberry32: the same numbers for the same seed, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const storeRecord = (caseId: string, version: number, familyId: string | null, work: WorkItem[]): StoredCase => ({
  caseId,
  version,
  snapshot: { machineVersion: 2, value: 'x', context: { caseId }, ledger: {} } as unknown as StoredCase['snapshot'],
  nextDueAt: null,
  familyId,
  work,
});

/**
 * Case ids that test the order of the work-list file names: ids that are prefixes of others, upper
 * before lower case, two long ids that share their first 20 units (the names cut there), ids of
 * exactly 20 units, one with a character outside the BMP (two UTF-16 units), and one after it in
 * code-point order but before it in UTF-16 order.
 */
const trickyIds = [
  'C-1',
  'C-10',
  'C-2',
  'c-1',
  'Z',
  `C-${'x'.repeat(30)}b`,
  `C-${'x'.repeat(30)}a`,
  `C-${'x'.repeat(18)}`,
  `C-${'x'.repeat(17)}y`,
  'C-\u{1F600}',
  'C-\uFFFD',
];
const t0 = Date.parse('2024-03-04T09:00:00Z');
const day = 86_400_000;

describe('file store: the work list and family groups against the memory store', () => {
  const variants = [
    ['in clear', undefined],
    ['sealed with an index key', { keys: { k: sealedKey }, current: 'k', indexKey }],
    ['sealed without an index key', { keys: { k: sealedKey }, current: 'k' }],
  ] as const;
  it.each(variants)('%s: the same answers to random queries after random saves, batches and refusals', { timeout: 120_000 }, async (_name, encryption) => {
    for (const seed of [1, 2]) {
      const next = random(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
      const file = fileStore({ directory: await directory(), encryption });
      const memory = memoryStore();
      const versions = new Map<string, number>();
      const randomRecord = (caseId: string): StoredCase => {
        const familyId = pick([null, 'F-1', 'F-2']);
        const work = Array.from({ length: Math.floor(next() * 5) }, () => {
          const dueAt = pick([null, t0, t0 + day, t0 + day, t0 + 2 * day + 0.5, t0 - 400 * day]);
          return workItem(caseId, familyId, {
            dueAt,
            step: pick(['views.recorded', 'consent.given', 'stepDown.authorised']),
            role: pick(['social-worker', 'team-manager', 'lead-professional']),
            personId: pick([null, 'p-1', 'p-2']),
            actorId: pick([null, 'tm-1', 'tm-2']),
            detail: pick([null, 'leo', 'sarah', 'D-1']),
            breached: dueAt !== null && next() < 0.3,
          });
        });
        return storeRecord(caseId, (versions.get(caseId) ?? 0) + 1, familyId, work);
      };
      const both = async (run: (store: CaseStore) => Promise<unknown>) => {
        const [a, b] = await Promise.all([run(file), run(memory)]);
        expect(a).toEqual(b);
        return a;
      };
      const compare = async () => {
        for (let q = 0; q < 25; q += 1) {
          const query: WorklistQuery = {
            ...(next() < 0.3 ? { role: pick(['social-worker', 'team-manager', 'lead-professional', 'nobody']) } : {}),
            ...(next() < 0.3 ? { personId: pick(['p-1', 'p-2', 'p-3']) } : {}),
            ...(next() < 0.3 ? { actorId: pick(['tm-1', 'tm-2']) } : {}),
            ...(next() < 0.2 ? { breached: next() < 0.5 } : {}),
            ...(next() < 0.3 ? { dueBefore: pick([t0, t0 + 1, t0 + day + 1, t0 + 2 * day + 0.25, t0 + 2 * day + 1, Infinity]) } : {}),
            limit: pick([0, 1, 2, 3, 5, 8, 100]),
          };
          await both((store) => store.worklist(query));
        }
        for (const familyId of ['F-1', 'F-2', 'F-3']) await both((store) => store.familyCases(familyId));
      };
      for (const caseId of trickyIds) {
        const record = randomRecord(caseId);
        versions.set(caseId, 1);
        await both((store) => store.create(record, auditDraft(caseId, 1), []));
      }
      await compare();
      expect((await file.worklist({ limit: 1000 })).length).toBeGreaterThan(15);
      for (let round = 0; round < 12; round += 1) {
        const chosen = trickyIds.filter(() => next() < 0.3);
        if (round % 3 === 0 && chosen.length > 0) {
          const writes = chosen.map((caseId) => ({ record: randomRecord(caseId), expectedVersion: versions.get(caseId)!, audit: auditDraft(caseId, versions.get(caseId)! + 1), outbox: [] }));
          await both((store) => store.saveMany(writes));
        } else {
          for (const caseId of chosen) {
            const record = randomRecord(caseId);
            await both((store) => store.save(record, versions.get(caseId)!, auditDraft(caseId, record.version), []));
          }
        }
        for (const caseId of chosen) versions.set(caseId, versions.get(caseId)! + 1);
        const refused = pick(trickyIds);
        await both((store) => store.appendAudit(auditDraft(refused, versions.get(refused)!, false), []));
        await compare();
      }
    }
  });
});

describe('file store: the work list is an index, read in order and only as far as asked', () => {
  it('reads no case file, and only the work-list files a query may return', async () => {
    const dir = await directory();
    const store = fileStore({ directory: dir });
    for (let n = 0; n < 40; n += 1) {
      const caseId = `C-${String(n).padStart(3, '0')}`;
      const lp = { role: 'lead-professional', personId: n % 10 === 0 ? 'p-jo' : `p-${n}`, breached: n < 3 };
      const work = [
        workItem(caseId, null, { dueAt: t0 + n * day, role: n % 2 === 0 ? 'social-worker' : 'team-manager', ...(n % 2 === 0 ? {} : { actorId: `tm-${n % 3}` }) }),
        workItem(caseId, null, { step: 'consent.given' }),
        workItem(caseId, null, { step: 'familyPlanMeeting.held', dueAt: t0 + (n + 28) * day, ...lp }),
      ];
      await store.create(storeRecord(caseId, 1, null, work), auditDraft(caseId, 1), []);
    }
    const readFile = fs.readFile.bind(fs) as (...a: unknown[]) => Promise<unknown>;
    const read: string[] = [];
    vi.spyOn(fs, 'readFile').mockImplementation((async (...args: unknown[]) => {
      read.push(String(args[0]).slice(dir.length + 1));
      return readFile(...args);
    }) as typeof fs.readFile);
    const reads = async (query: WorklistQuery) => {
      read.length = 0;
      const items = await store.worklist(query);
      expect(read.filter((path) => !path.startsWith('work/'))).toEqual([]);
      return { items, files: read.length };
    };
    expect(await reads({ limit: 3 })).toEqual({ items: expect.any(Array), files: 3 });
    expect(workSteps((await reads({ limit: 3 })).items)).toEqual(['C-000 views.recorded', 'C-001 views.recorded', 'C-002 views.recorded']);
    // Filtered: the walk passes over the other roles' steps by their names, unread, and stops at the limit.
    const managers = await reads({ role: 'team-manager', limit: 2 });
    expect(workSteps(managers.items)).toEqual(['C-001 views.recorded', 'C-003 views.recorded']);
    expect(managers.files).toBe(2);
    // A Lead Professional's own list, a Team Manager's, the breached steps: only their files are read.
    const own = await reads({ personId: 'p-jo', limit: 100 });
    expect(own.items.map((w) => w.caseId)).toEqual(['C-000', 'C-010', 'C-020', 'C-030']);
    expect(own.files).toBe(4);
    const manager = await reads({ actorId: 'tm-1', limit: 100 });
    expect(manager.items.map((w) => w.caseId)).toEqual(['C-001', 'C-007', 'C-013', 'C-019', 'C-025', 'C-031', 'C-037']);
    expect(manager.files).toBe(7);
    const breached = await reads({ breached: true, limit: 100 });
    expect(breached.items.map((w) => w.caseId)).toEqual(['C-000', 'C-001', 'C-002']);
    expect(breached.files).toBe(3);
    // Due before the sixth day: the walk stops at the first step due then, reading nothing after it.
    const soon = await reads({ dueBefore: t0 + 5 * day, limit: 100 });
    expect(soon.items).toHaveLength(5);
    expect(soon.files).toBe(5);
    // The undated steps come after every dated one, in case-id order.
    const all = await reads({ limit: 1000 });
    expect(all.files).toBe(120);
    expect(workSteps(all.items.slice(80, 83))).toEqual(['C-000 consent.given', 'C-001 consent.given', 'C-002 consent.given']);
    vi.restoreAllMocks();
  });

  it('keeps no person, user or family id, and no detail, in clear; with an index key a family is not found by the SHA-256 of its id', async () => {
    const ids = { personId: 'MARKER-PERSON-jo-patel', actorId: 'MARKER-ACTOR-tm-ruth', detail: 'MARKER-DETAIL-leo', familyId: 'MARKER-FAMILY-taylor' };
    for (const withIndexKey of [false, true]) {
      const dir = await directory();
      const store = fileStore({ directory: dir, encryption: { keys: { k: sealedKey }, current: 'k', ...(withIndexKey ? { indexKey } : {}) } });
      const item = (caseId: string) => workItem(caseId, ids.familyId, { dueAt: t0, personId: ids.personId, actorId: ids.actorId, detail: ids.detail, role: 'lead-professional' });
      await store.create(storeRecord('C-1', 1, ids.familyId, [item('C-1')]), auditDraft('C-1', 1), []);
      await store.create(storeRecord('C-2', 1, ids.familyId, []), auditDraft('C-2', 1), []);
      await store.saveMany([{ record: storeRecord('C-2', 2, ids.familyId, [item('C-2')]), expectedVersion: 1, audit: auditDraft('C-2', 2), outbox: [] }]);
      const raw = await everything(dir);
      for (const id of Object.values(ids)) expect(raw).not.toContain(id);
      expect(raw).toContain('lead-professional');
      const work = JSON.parse(await readFile(join(dir, 'work', (await readdir(join(dir, 'work')))[0]!), 'utf8'));
      if (withIndexKey) expect(work.person).toMatch(/^#[0-9a-f]{64}$/);
      else expect(work).not.toHaveProperty('person');
      expect(await store.worklist({ personId: ids.personId, limit: 10 })).toEqual([item('C-1'), item('C-2')]);
      expect(await store.worklist({ actorId: ids.actorId, role: 'lead-professional', limit: 1 })).toEqual([item('C-1')]);
      expect(await store.worklist({ personId: 'someone-else', limit: 10 })).toEqual([]);
      expect(await store.familyCases(ids.familyId)).toEqual(['C-1', 'C-2']);
      expect(existsSync(join(dir, 'family', fileStoreName(ids.familyId)))).toBe(!withIndexKey);
    }
  });

  it('a store written in clear, then sealed with an index key: its old steps and families are still found, and rekeyAll seals them', async () => {
    const dir = await directory();
    const person = 'MARKER-PERSON-sam-okafor';
    const clear = fileStore({ directory: dir });
    const item = workItem('C-1', 'F-1', { personId: person, dueAt: t0 });
    await clear.create(storeRecord('C-1', 1, 'F-1', [item]), auditDraft('C-1', 1), []);
    expect(await everything(dir)).toContain(person);

    const sealed = fileStore({ directory: dir, encryption: { keys: { k: sealedKey }, current: 'k', indexKey } });
    expect(await sealed.worklist({ personId: person, limit: 10 })).toEqual([item]);
    expect(await sealed.familyCases('F-1')).toEqual(['C-1']);
    const [before] = await readdir(join(dir, 'work'));
    await sealed.rekeyAll();
    expect(await everything(dir)).not.toContain(person);
    expect(await sealed.worklist({ personId: person, limit: 10 })).toEqual([item]);
    // The step's file was renamed (its person's tag is now that of the HMAC): one file, the one the case lists.
    const after = await readdir(join(dir, 'work'));
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    expect(JSON.parse(await readFile(join(dir, 'cases', `${fileStoreName('C-1')}.json`), 'utf8')).index.work).toEqual(after);
    // Opened without the index key, the store still finds the step by opening it.
    expect(await fileStore({ directory: dir, encryption: { keys: { k: sealedKey }, current: 'k' } }).worklist({ personId: person, limit: 10 })).toEqual([item]);
    // The next save lists the case under the family's HMAC and leaves the old directory empty.
    await sealed.save(storeRecord('C-1', 2, 'F-1', [item]), 1, auditDraft('C-1', 2), []);
    expect(await sealed.familyCases('F-1')).toEqual(['C-1']);
    expect(await readdir(join(dir, 'family', fileStoreName('F-1')))).toEqual([]);
    // Without the keys the sealed steps cannot be read.
    await expect(fileStore({ directory: dir }).worklist({ limit: 10 })).rejects.toMatchObject({ code: 'ENCRYPTION_KEY_MISSING' });
  });
});

describe('file store: saveMany between processes', () => {
  it('two stores saving the same cases in opposite orders, and a third saving one of them, never deadlock and never lose a write', { timeout: 120_000 }, async () => {
    const dir = await directory();
    const ids = ['C-A', 'C-B', 'C-C'];
    const first = fileStore({ directory: dir });
    for (const caseId of ids) await first.create(storeRecord(caseId, 1, 'F-1', []), auditDraft(caseId, 1), []);
    const stores = [first, fileStore({ directory: dir }), fileStore({ directory: dir })];
    /** Writes the next version of `caseIds`, retrying on a conflict with a fresh read. */
    const writeNext = async (store: CaseStore, caseIds: string[]) => {
      for (;;) {
        const current = await Promise.all(caseIds.map(async (id) => (await store.load(id))!.version));
        const writes = caseIds.map((caseId, i) => ({
          record: storeRecord(caseId, current[i]! + 1, 'F-1', [workItem(caseId, 'F-1', { dueAt: t0 + current[i]! * day })]),
          expectedVersion: current[i]!,
          audit: auditDraft(caseId, current[i]! + 1),
          outbox: [{ id: `${caseId}:v${current[i]! + 1}`, caseId, notification: { type: 'case.opened' as const, caseId, at: '2024-05-01T10:00:00+01:00' }, attempts: 0, availableAt: 0 }],
        }));
        try {
          if (writes.length === 1) await store.save(writes[0]!.record, writes[0]!.expectedVersion, writes[0]!.audit, writes[0]!.outbox);
          else await store.saveMany(writes);
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== 'VERSION_CONFLICT') throw error;
        }
      }
    };
    const rounds = 8;
    await Promise.all([
      (async () => {
        for (let n = 0; n < rounds; n += 1) await writeNext(stores[0]!, ['C-A', 'C-B', 'C-C']);
      })(),
      (async () => {
        for (let n = 0; n < rounds; n += 1) await writeNext(stores[1]!, ['C-C', 'C-B', 'C-A']);
      })(),
      (async () => {
        for (let n = 0; n < rounds; n += 1) await writeNext(stores[2]!, ['C-B']);
      })(),
    ]);
    const versions = await Promise.all(ids.map(async (id) => (await first.load(id))!.version));
    expect(versions).toEqual([1 + 2 * rounds, 1 + 3 * rounds, 1 + 2 * rounds]);
    for (const [i, id] of ids.entries()) {
      const trail = await first.audit(id);
      expect(trail.map((e) => e.version)).toEqual(Array.from({ length: versions[i]! }, (_, v) => v + 1));
      expect(verifyAuditTrail(trail).ok).toBe(true);
    }
    // Each case has exactly its newest step in the index, and every write's message in the outbox.
    expect((await first.worklist({ limit: 100 })).map((w) => [w.caseId, w.dueAt])).toEqual(
      ids.map((id, i) => [id, t0 + (versions[i]! - 1) * day]).sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
    expect((await first.claimOutbox(Date.now(), 1000, 1000)).length).toBe(6 * rounds + rounds);
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
    expect(await readdir(join(dir, 'batches'))).toEqual([]);
    expect(await readdir(join(dir, 'pending'))).toEqual([]);
  });
});

/** Every file of a store directory, names and contents, as one text. */
async function everything(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  const texts = await Promise.all(files.map(async (f) => `${join(f.parentPath, f.name)}\n${await readFile(join(f.parentPath, f.name), 'utf8')}`));
  return texts.join('\n');
}
