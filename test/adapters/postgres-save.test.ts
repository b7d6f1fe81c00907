/**
 * The PostgreSQL store's one-statement save (adapters/postgres-save.ts), on PGlite: one statement
 * and no transaction when the case is as `load` read it, and the locked transaction, with the same
 * checks, when anything moved in between. Several processes writing one case are
 * `concurrency.test.ts`; the head check's cases are the tamper matrix.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, postgresStore, type PGliteLike } from '../../adapters/postgres.js';
import { isStepDownError, verifyAuditTrail, type StoredCase } from '../../src/index.js';
import { freshPrefix } from './postgres-place.js';
import { auditDraft, workItem } from './store-records.js';

const db = new PGlite();
// PGlite takes seconds to start on a busy machine: not a test's time.
beforeAll(() => db.waitReady, 60_000);
afterAll(() => db.close());

/** The database as the store sees it, counting the statements it sends and the transactions it opens. */
function counted() {
  const seen = { statements: 0, transactions: 0 };
  const client: PGliteLike = {
    query: (text, params) => ((seen.statements += 1), db.query(text, params)),
    transaction: (fn) => {
      seen.transactions += 1;
      return db.transaction((tx) => fn({ query: (text, params) => ((seen.statements += 1), tx.query(text, params)) }));
    },
  };
  return { client, seen };
}

const record = (caseId: string, version: number): StoredCase => ({
  caseId,
  version,
  snapshot: { machineVersion: 2, value: 'x', context: { caseId }, ledger: {} } as unknown as StoredCase['snapshot'],
  nextDueAt: null,
  work: [workItem(caseId, null, { step: 'views.recorded', dueAt: 1_000 + version })],
});

async function opened(caseId: string) {
  const tablePrefix = freshPrefix();
  await migrate(db, tablePrefix);
  const { client, seen } = counted();
  const store = postgresStore({ client, tablePrefix });
  await store.create(record(caseId, 1), auditDraft(caseId, 1), []);
  return { store, seen, other: postgresStore({ client: db, tablePrefix }), tablePrefix };
}

describe('the PostgreSQL save in one statement', () => {
  it('writes the case, its entry, its message and its work list in one statement after a load', async () => {
    const { store, seen } = await opened('S-1');
    await store.load('S-1');
    const before = { ...seen };
    const message = { id: 'S-1:v2:0', caseId: 'S-1', notification: { type: 'stage.entered' }, attempts: 0, availableAt: 0 } as never;
    const entry = await store.save(record('S-1', 2), 1, auditDraft('S-1', 2), [message]);
    expect({ statements: seen.statements - before.statements, transactions: seen.transactions - before.transactions }).toEqual({ statements: 1, transactions: 0 });
    expect(entry.seq).toBe(2);
    expect((await store.load('S-1'))?.version).toBe(2);
    expect(verifyAuditTrail(await store.audit('S-1'))).toEqual({ ok: true, entries: 2 });
    expect((await store.claimOutbox(0, 10, 1_000)).map((m) => m.id)).toEqual(['S-1:v2:0']);
    expect((await store.worklist({ limit: 10 })).map((w) => w.dueAt)).toEqual([1_002]);
  });

  it('chains after a refusal another writer appended since the load, through the locked transaction', async () => {
    const { store, seen, other } = await opened('S-2');
    await store.load('S-2');
    await other.appendAudit(auditDraft('S-2', 1, false), []);
    const before = seen.transactions;
    const entry = await store.save(record('S-2', 2), 1, auditDraft('S-2', 2), []);
    expect(seen.transactions - before).toBe(1);
    expect(entry.seq).toBe(3);
    expect(verifyAuditTrail(await store.audit('S-2'))).toEqual({ ok: true, entries: 3 });
  });

  it('writes nothing over a version another writer saved since the load: VERSION_CONFLICT', async () => {
    const { store, other } = await opened('S-3');
    await store.load('S-3');
    await other.load('S-3');
    await other.save(record('S-3', 2), 1, auditDraft('S-3', 2), []);
    const error = await store.save(record('S-3', 2), 1, auditDraft('S-3', 2), []).catch((e: unknown) => e);
    expect(isStepDownError(error, 'VERSION_CONFLICT')).toBe(true);
    expect((await store.audit('S-3')).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses the write when the trail’s last entry was changed after the load read it: AUDIT_TRAIL_BROKEN, nothing written', async () => {
    const { store, tablePrefix } = await opened('S-4');
    await store.load('S-4');
    await db.query(`UPDATE ${tablePrefix}_audit SET entry = jsonb_set(entry, '{at}', '"2024-05-02T10:00:00+01:00"') WHERE case_id = 'S-4' AND seq = 1`);
    const error = await store.save(record('S-4', 2), 1, auditDraft('S-4', 2), []).catch((e: unknown) => e);
    expect(isStepDownError(error, 'AUDIT_TRAIL_BROKEN') && error.details).toMatchObject({ caseId: 'S-4', seq: 1, problem: 'changed' });
    expect((await store.audit('S-4')).map((e) => e.seq)).toEqual([1]);
  });

  it('refuses the write when an entry was appended to the trail after the load, without its head: AUDIT_TRAIL_BROKEN', async () => {
    const { store, tablePrefix } = await opened('S-5');
    await store.load('S-5');
    await db.query(`INSERT INTO ${tablePrefix}_audit (case_id, seq, entry) SELECT case_id, 2, jsonb_set(entry, '{seq}', '2') FROM ${tablePrefix}_audit WHERE case_id = 'S-5' AND seq = 1`);
    const error = await store.save(record('S-5', 2), 1, auditDraft('S-5', 2), []).catch((e: unknown) => e);
    expect(isStepDownError(error, 'AUDIT_TRAIL_BROKEN') && error.details).toMatchObject({ caseId: 'S-5', problem: 'appended' });
    expect((await store.load('S-5'))?.version).toBe(1);
  });
});
