import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { migrate, migrationSql, migrations, postgresStore, type PGliteLike, type PgPoolLike } from '../../adapters/postgres.js';
import type { EncryptionOptions } from '../../adapters/sealing.js';
import { workMatches, workOrder } from '../../src/engine/worklist.js';
import { createCaseEngine, isStepDownError, type AuditDraft, type CaseStore, type CaseWrite, type StoredCase, type WorkItem, type WorklistQuery } from '../../src/index.js';
import { event } from '../machine/harness.js';
import { auditDraft } from './store-records.js';
import { sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { freshPrefix } from './postgres-place.js';
import { postgresServerUrl } from '../servers.js';

// The work list and family groups in PostgreSQL beyond the conformance suite: the same answers as
// the memory store and as a plain filter-and-sort over generated cases (ties, limits, clear and
// sealed), no id in clear in a sealed store, the index plan, migration 2 over a version-1 schema,
// and (on a server) two family writes over the same cases in opposite orders without a deadlock.

const encryption = (): EncryptionOptions => ({ keys: { k1: randomBytes(32) }, current: 'k1', indexKey: randomBytes(32) });

function draft(caseId: string, version: number): AuditDraft {
  return { ...auditDraft(caseId, version), type: 'test.event', event: { type: 'test.event' } };
}

const snapshot = (caseId: string) => ({ machineVersion: 2, value: 'x', context: { caseId }, ledger: {} }) as unknown as StoredCase['snapshot'];

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(next: () => number, values: readonly T[]): T => values[Math.floor(next() * values.length)]!;

/** A random step of a case, from few values, so ties on every key of the order are common. */
function randomItem(next: () => number, caseId: string, familyId: string | null): WorkItem {
  // A fractional instant too: a store keeps whatever number it is given, and compares it as JavaScript does.
  const dueAt = pick(next, [null, null, 1_000, 2_000, 2_000, 2_000.5, 3_000]);
  return {
    caseId,
    familyId,
    stage: pick(next, ['preparation', 'closure', 'early-help']),
    step: pick(next, ['views.recorded', 'disagreement.resolved', 'familyPlanMeeting.held']),
    role: pick(next, ['social-worker', 'team-manager', 'lead-professional', 'caf-link-worker']),
    rule: 'views-recorded',
    detail: pick(next, [null, 'a', 'b', 'leo', 'sarah']),
    personId: pick(next, [null, null, 'p-1', 'p-2']),
    actorId: pick(next, [null, null, 'tm-1', 'tm-2']),
    due: dueAt === null ? null : new Date(dueAt).toISOString(),
    dueAt,
    breached: dueAt !== null && next() < 0.3,
  };
}

function randomQuery(next: () => number): WorklistQuery {
  const query: { -readonly [K in keyof WorklistQuery]: WorklistQuery[K] } = { limit: 1 + Math.floor(next() * 12) };
  if (next() < 0.4) query.role = pick(next, ['social-worker', 'team-manager', 'lead-professional', 'nobody']);
  if (next() < 0.25) query.personId = pick(next, ['p-1', 'p-2', 'p-9']);
  if (next() < 0.25) query.actorId = pick(next, ['tm-1', 'tm-2']);
  if (next() < 0.25) query.breached = next() < 0.5;
  if (next() < 0.5) query.dueBefore = pick(next, [1_000, 1_500, 2_000, 2_000.25, 2_000.5, 3_001, Number.POSITIVE_INFINITY]);
  return query;
}

/** What a work list must answer: every case's steps, filtered, sorted by `workOrder` (a case's ties in its own order), cut at the limit. */
function expected(work: ReadonlyMap<string, readonly WorkItem[]>, query: WorklistQuery): WorkItem[] {
  return [...work.values()]
    .flat()
    .sort(workOrder)
    .filter((item) => workMatches(item, query))
    .slice(0, query.limit);
}

/**
 * The PostgreSQL store's work list and family groups on one database (PGlite or a server).
 * `client()` is called once, after `prepare`.
 */
function testPostgresWorklist(name: string, database: { prepare?(): Promise<void>; client(): PgPoolLike | PGliteLike; cleanup(): Promise<void> }): void {
  describe(`${name}: the work list and family groups`, () => {
    beforeAll(async () => database.prepare?.(), 120_000);
    afterAll(async () => database.cleanup());
    const fresh = async (options: { encryption?: EncryptionOptions } = {}) => {
      const tablePrefix = freshPrefix();
      await migrate(database.client(), tablePrefix);
      return { tablePrefix, store: postgresStore({ client: database.client(), tablePrefix, ...options }) };
    };

    it('answers every query as a filter and sort of the cases would, in clear and sealed, as the memory store does', { timeout: 120_000 }, async () => {
      for (const seed of [1, 2, 3]) {
        const next = random(seed);
        const stores: [string, CaseStore][] = [
          ['memory', memoryStore()],
          ['postgres', (await fresh()).store],
          ['postgres sealed', (await fresh({ encryption: encryption() })).store],
        ];
        const work = new Map<string, readonly WorkItem[]>();
        const versions = new Map<string, number>();
        const families = new Map<string, string | null>();
        const ids = ['C-1', 'C-2', 'C-10', 'C-a', 'C-B', 'c-b', 'C-3', 'C-4'];
        const recordOf = (caseId: string, version: number): StoredCase => {
          const familyId = families.get(caseId) ?? null;
          const items = Array.from({ length: Math.floor(next() * 5) }, () => randomItem(next, caseId, familyId));
          return { caseId, version, snapshot: snapshot(caseId), nextDueAt: null, familyId, work: items };
        };
        for (let step = 0; step < 60; step += 1) {
          const caseId = pick(next, ids);
          const version = versions.get(caseId);
          if (version === undefined) {
            families.set(caseId, pick(next, [null, 'F-1', 'F-2']));
            const created = recordOf(caseId, 1);
            for (const [, store] of stores) await store.create(created, draft(caseId, 1), []);
            versions.set(caseId, 1);
            work.set(caseId, created.work!);
          } else if (next() < 0.5) {
            const saved = recordOf(caseId, version + 1);
            for (const [, store] of stores) await store.save(saved, version, draft(caseId, version + 1), []);
            versions.set(caseId, version + 1);
            work.set(caseId, saved.work!);
          } else {
            // Several cases at once, one of them stale a third of the time: then none is written.
            const chosen = [...new Set([caseId, pick(next, [...versions.keys()]), pick(next, [...versions.keys()])])];
            const stale = next() < 0.33 ? pick(next, chosen) : null;
            const writes: CaseWrite[] = chosen.map((id) => {
              const v = versions.get(id)!;
              return { record: recordOf(id, v + 1), expectedVersion: id === stale ? v - 1 : v, audit: draft(id, v + 1), outbox: [] };
            });
            for (const [label, store] of stores) {
              const outcome = await store.saveMany(writes).then(
                () => 'saved',
                (error: unknown) => (isStepDownError(error) ? `${error.code} ${String(error.details?.caseId)}` : String(error)),
              );
              expect(outcome, `${label}, seed ${seed}, step ${step}`).toBe(stale === null ? 'saved' : `VERSION_CONFLICT ${stale}`);
            }
            if (stale === null) {
              for (const w of writes) {
                versions.set(w.record.caseId, w.record.version);
                work.set(w.record.caseId, w.record.work!);
              }
            }
          }
          for (let q = 0; q < 4; q += 1) {
            const query = randomQuery(next);
            const want = expected(work, query);
            for (const [label, store] of stores) expect(await store.worklist(query), `${label}, seed ${seed}, step ${step}, ${JSON.stringify(query)}`).toEqual(want);
          }
          for (const familyId of ['F-1', 'F-2']) {
            const want = [...families].filter(([id, f]) => f === familyId && versions.has(id)).map(([id]) => id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
            for (const [label, store] of stores) expect(await store.familyCases(familyId), label).toEqual(want);
          }
        }
      }
    });

    /**
     * True when `id` is in the rows outside the sealed values. A seal's IV, tag and ciphertext are
     * random base64, in which a short id such as `leo` turns up by chance in about one run in six:
     * those are blanked first, and everything else (ids, HMAC lookups, hashes) is searched as it is.
     */
    const inClear = (rows: string, id: string) => rows.replace(/"(iv|tag|data)":"[A-Za-z0-9+/=]*"/g, '"$1":""').includes(id);

    it('sealed, keeps no family, person, user or detail id in clear, and still finds each by it', async () => {
      const { tablePrefix, store } = await fresh({ encryption: encryption() });
      const engine = createCaseEngine({ store, now: () => new Date('2024-07-20T10:00:00Z') });
      const tm = { id: samplePeople.teamManager.id, role: 'team-manager' } as const;
      // Two siblings taken to the CSC closure: a Lead Professional's step (her person id) and, before
      // that, the Team Manager's (his user id) wait on them, and their family id is on both.
      const familyId = 'F-TAYLOR-FAMILY';
      for (const caseId of ['C-LEO', 'C-MIA']) {
        await engine.open({ caseId, familyId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
      }
      await engine.sendToFamily(familyId, event('decision.agreed', '2024-03-05T10:00:00Z'));
      for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.sendToFamily(familyId, added);
      const raw = async () =>
        (
          await Promise.all(
            ['cases', 'work'].map(async (table) => (await database.client().query<{ t: string }>(`SELECT row_to_json(r)::text AS t FROM ${tablePrefix}_${table} r`)).rows.map((r) => r.t)),
          )
        )
          .flat()
          .join('\n');
      // The steps waiting now name people by id (each child's view, the parent's consent).
      const waiting = await engine.worklist({ role: 'social-worker', limit: 1000 });
      expect(waiting.map((w) => w.detail)).toContain(samplePeople.parent);
      expect(waiting.every((w) => w.familyId === familyId)).toBe(true);
      const before = await raw();
      expect(before).toContain('views.recorded');
      for (const id of [familyId, samplePeople.parent, samplePeople.child, samplePeople.partner]) expect(inClear(before, id)).toBe(false);
      expect(await store.familyCases(familyId)).toEqual(['C-LEO', 'C-MIA']);

      // The decision's Team Manager is named on his steps: found by his id, which is not in the rows.
      await engine.sendToFamily(familyId, event('disagreement.raised', '2024-03-06T10:00:00Z'));
      const his = await engine.worklist({ actorId: tm.id });
      expect(his.map((w) => [w.caseId, w.step, w.actorId])).toEqual([
        ['C-LEO', 'disagreement.resolved', tm.id],
        ['C-MIA', 'disagreement.resolved', tm.id],
      ]);
      expect(await engine.worklist({ actorId: 'tm-someone-else' })).toEqual([]);
      const after = await raw();
      for (const id of [familyId, tm.id, samplePeople.parent, samplePeople.partner]) expect(inClear(after, id)).toBe(false);
      const rows = (await database.client().query<{ actor_id: string | null; person_id: string | null }>(`SELECT actor_id, person_id FROM ${tablePrefix}_work`)).rows;
      expect(rows.filter((r) => r.actor_id !== null).every((r) => /^#[0-9a-f]{64}$/.test(r.actor_id!))).toBe(true);
      expect(rows.some((r) => r.actor_id !== null)).toBe(true);
    });

    it('refuses a sealed store without an index key, with one that is not 32 bytes, or with a data key as its index key (INVALID_ARGUMENT)', () => {
      const { indexKey: _none, ...withoutIndexKey } = encryption();
      const attempt = (options: EncryptionOptions) => {
        try {
          postgresStore({ client: database.client(), encryption: options });
          return 'made';
        } catch (error) {
          return isStepDownError(error) ? `${error.code}: ${error.message}` : String(error);
        }
      };
      expect(attempt(withoutIndexKey)).toMatch(/^INVALID_ARGUMENT: encryption.indexKey/);
      expect(attempt({ ...withoutIndexKey, indexKey: randomBytes(16) })).toMatch(/^INVALID_ARGUMENT: encryption.indexKey must be 32 bytes/);
      expect(attempt({ ...withoutIndexKey, indexKey: Buffer.from(withoutIndexKey.keys['k1']!) })).toMatch(/^INVALID_ARGUMENT: encryption.indexKey must be a key of its own/);
      expect(attempt(encryption())).toBe('made');
    });

    it('turning encryption on: rows indexed in clear are still found, rekeyAll re-indexes them as HMACs, and rotation moves them on', async () => {
      const { tablePrefix } = await fresh();
      const client = database.client();
      const clear = postgresStore({ client, tablePrefix });
      const stepFor = (caseId: string): WorkItem => ({
        caseId,
        familyId: 'F-CLEAR-1',
        stage: 'early-help',
        step: 'familyPlanMeeting.held',
        role: 'lead-professional',
        rule: 'family-plan-review',
        detail: 'review',
        personId: 'person-jo-patel',
        actorId: null,
        due: '2024-06-04T23:59:59.999+01:00',
        dueAt: Date.parse('2024-06-04T23:59:59.999+01:00'),
        breached: false,
      });
      for (const caseId of ['C-1', 'C-2']) {
        await clear.create({ caseId, version: 1, snapshot: snapshot(caseId), nextDueAt: null, familyId: 'F-CLEAR-1', work: [stepFor(caseId)] }, draft(caseId, 1), []);
      }
      const raw = async () => (await client.query<{ t: string }>(`SELECT row_to_json(r)::text AS t FROM ${tablePrefix}_work r UNION ALL SELECT row_to_json(c)::text FROM ${tablePrefix}_cases c`)).rows.map((r) => r.t).join('\n');
      expect(await raw()).toContain('person-jo-patel');
      const [k1, k2, indexKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
      const sealed = postgresStore({ client, tablePrefix, encryption: { keys: { k1 }, current: 'k1', indexKey } });
      // Before any rekey, the clear rows are found by their ids through the sealed store.
      expect((await sealed.worklist({ personId: 'person-jo-patel', limit: 10 })).map((w) => w.caseId)).toEqual(['C-1', 'C-2']);
      expect(await sealed.familyCases('F-CLEAR-1')).toEqual(['C-1', 'C-2']);
      expect(await sealed.rekeyAll()).toEqual({ cases: 2, records: 4 });
      const text = await raw();
      expect(text).not.toContain('person-jo-patel');
      expect(text).not.toContain('F-CLEAR-1');
      expect(await sealed.worklist({ personId: 'person-jo-patel', limit: 10 })).toEqual([stepFor('C-1'), stepFor('C-2')]);
      expect(await sealed.familyCases('F-CLEAR-1')).toEqual(['C-1', 'C-2']);
      // A store without the keys cannot read the sealed items, and says so.
      const error = await clear.worklist({ limit: 10 }).then(() => null, (e: unknown) => e);
      expect(isStepDownError(error, 'ENCRYPTION_KEY_MISSING')).toBe(true);
      // Rotation moves the items to the new key; the lookups, under the same index key, still find them.
      const rotated = postgresStore({ client, tablePrefix, encryption: { keys: { k1, k2 }, current: 'k2', indexKey } });
      expect(await rotated.rekeyAll()).toEqual({ cases: 2, records: 4 });
      const kids = (await client.query<{ kid: string }>(`SELECT item->'sealed'->>'kid' AS kid FROM ${tablePrefix}_work`)).rows.map((r) => r.kid);
      expect(kids).toEqual(['k2', 'k2']);
      const k2only = postgresStore({ client, tablePrefix, encryption: { keys: { k2 }, current: 'k2', indexKey } });
      expect(await k2only.worklist({ personId: 'person-jo-patel', limit: 10 })).toEqual([stepFor('C-1'), stepFor('C-2')]);
      expect(await k2only.familyCases('F-CLEAR-1')).toEqual(['C-1', 'C-2']);
    });

    it('reads a team manager’s steps due before a date by an index range scan in the work-list order, with no sort', async () => {
      const { tablePrefix } = await fresh();
      const client = database.client();
      // Planner settings last only for this transaction; with a sequential scan ruled out, a plan
      // with no Sort node shows that the index itself gives the order.
      const plan = async (where: string) => {
        const run = async (sql: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> }) => {
          await sql.query('SET LOCAL enable_seqscan = off');
          await sql.query('SET LOCAL enable_bitmapscan = off');
          const rows = (await sql.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN SELECT case_id, n, item FROM ${tablePrefix}_work WHERE ${where} ORDER BY due_at, case_id, sort_key, n LIMIT 100`,
          )).rows;
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        };
        if ('transaction' in client) return client.transaction(run);
        const connection = await client.connect();
        try {
          await connection.query('BEGIN');
          return await run(connection);
        } finally {
          await connection.query('ROLLBACK');
          connection.release();
        }
      };
      const tmPlan = await plan(`role = 'team-manager' AND due_at < 1717000000000`);
      expect(tmPlan).toContain(`Index Scan using ${tablePrefix}_work_role`);
      expect(tmPlan).not.toContain('Sort');
      const personPlan = await plan(`person_id = 'p-1'`);
      expect(personPlan).toContain(`Index Scan using ${tablePrefix}_work_person`);
      expect(personPlan).not.toContain('Sort');
      const breachedPlan = await plan('breached');
      expect(breachedPlan).toContain(`Index Scan using ${tablePrefix}_work_breached`);
      expect(breachedPlan).not.toContain('Sort');
    });

    it('migrates a version-1 schema to the current version once (2: work list, 3: dead letters, 4: heads), and a case saved before it joins the work list at its next save', async () => {
      const client = database.client();
      const tablePrefix = freshPrefix();
      // A database as version 1 left it, with one case in it.
      await client.query(`CREATE TABLE ${tablePrefix}_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const statement of migrations(tablePrefix)[0]!.sql.split(';').map((s) => s.trim()).filter(Boolean)) await client.query(statement);
      await client.query(`INSERT INTO ${tablePrefix}_migrations (version) VALUES (1)`);
      await client.query(
        `INSERT INTO ${tablePrefix}_cases (case_id, version, snapshot, next_due_at, last_seq, last_hash) VALUES ('C-OLD', 1, $1::jsonb, NULL, 0, '')`,
        [JSON.stringify(snapshot('C-OLD'))],
      );
      expect(await migrate(client, tablePrefix)).toEqual([2, 3, 4]);
      expect(await migrate(client, tablePrefix)).toEqual([]);
      const store = postgresStore({ client, tablePrefix });
      expect((await store.load('C-OLD'))!.version).toBe(1);
      expect(await store.worklist({ limit: 10 })).toEqual([]);
      const step: WorkItem = {
        caseId: 'C-OLD', familyId: 'F-1', stage: 'decision', step: 'decision.agreed', role: 'team-manager', rule: 'threshold-decision',
        detail: null, personId: null, actorId: null, due: null, dueAt: null, breached: false,
      };
      await store.save({ caseId: 'C-OLD', version: 2, snapshot: snapshot('C-OLD'), nextDueAt: null, familyId: 'F-1', work: [step] }, 1, draft('C-OLD', 2), []);
      expect(await store.worklist({ limit: 10 })).toEqual([step]);
      expect(await store.familyCases('F-1')).toEqual(['C-OLD']);
      // The script a host applies itself has both versions, and applying it again changes nothing.
      const script = migrationSql(tablePrefix);
      expect(script).toContain('-- version 2');
      expect(script).toContain(`CREATE TABLE IF NOT EXISTS ${tablePrefix}_work`);
      for (const statement of script.split(';').map((s) => s.replace(/^--.*$/gm, '').trim()).filter(Boolean)) await client.query(statement);
      expect(await store.worklist({ limit: 10 })).toEqual([step]);
    });
  });
}

let lite: PGlite | null = null;
testPostgresWorklist('postgres (PGlite)', {
  async prepare() {
    lite ??= new PGlite();
    await lite.waitReady;
  },
  client: () => (lite ??= new PGlite()),
  cleanup: async () => lite?.close(),
});

const url = postgresServerUrl;
if (url) {
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  testPostgresWorklist('postgres (server)', { client: () => pool, cleanup: async () => undefined });

  describe('postgres (server): family writes at once', () => {
    afterAll(async () => pool.end());
    it('two saveMany over the same cases in opposite orders never deadlock: one is saved, the other is a VERSION_CONFLICT', { timeout: 60_000 }, async () => {
      const tablePrefix = freshPrefix();
      await migrate(pool, tablePrefix);
      const store = postgresStore({ client: pool, tablePrefix });
      const ids = ['C-1', 'C-2', 'C-3', 'C-4'];
      for (const caseId of ids) await store.create({ caseId, version: 1, snapshot: snapshot(caseId), nextDueAt: null, familyId: 'F-1', work: [] }, draft(caseId, 1), []);
      for (let round = 1; round <= 20; round += 1) {
        const writes = (order: string[]) =>
          order.map((caseId) => ({ record: { caseId, version: round + 1, snapshot: snapshot(caseId), nextDueAt: null, familyId: 'F-1', work: [] }, expectedVersion: round, audit: draft(caseId, round + 1), outbox: [] }));
        const outcomes = await Promise.all(
          [ids, [...ids].reverse(), [ids[2]!, ids[0]!, ids[3]!, ids[1]!]].map((order) =>
            store.saveMany(writes(order)).then(
              () => 'saved',
              (error: unknown) => (isStepDownError(error) ? error.code : String(error)),
            ),
          ),
        );
        expect(outcomes.sort()).toEqual(['VERSION_CONFLICT', 'VERSION_CONFLICT', 'saved']);
      }
      for (const caseId of ids) expect((await store.load(caseId))!.version).toBe(21);
    });
  });
}
