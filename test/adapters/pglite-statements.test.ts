/**
 * The PostgreSQL store's hot statements as named statements on PGlite (adapters/pglite-statements.ts):
 * the rows, errors and file syncs `query` gives, never inside a host's transaction, parsed once per
 * instance and text, and parsed again when a host deallocates them. Cases are written by the engine
 * replaying the `reassessment-at-twelve-months` lifecycle the benchmarks use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { loadStatement, writeStatement } from '../../adapters/postgres-save.js';
import { isPGliteInstance, pgliteStatements } from '../../adapters/pglite-statements.js';
import { createCaseEngine, verifyAuditTrail, type OpenCase } from '../../src/index.js';
import { reassessmentLifecycle } from '../../bench/lifecycle.js';
import { freshPrefix } from './postgres-place.js';

const db = new PGlite();
// PGlite takes seconds to start on a busy machine: not a test's time.
beforeAll(() => db.waitReady, 60_000);
afterAll(() => db.close());

/** Every wire message sent to the instance (by `query` and by the named path), as [type, statement name]. */
const sent: [string, string][] = [];
{
  const original = db.execProtocolStream.bind(db);
  db.execProtocolStream = (message, options) => {
    sent.push(...messagesIn(message));
    return original(message, options);
  };
}

/** The Parse (`P`: name first) and Bind (`B`: portal, then statement name) messages of a buffer, with their statement names. */
function messagesIn(buffer: Uint8Array): [string, string][] {
  const out: [string, string][] = [];
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const cstring = (at: number) => {
    const end = buffer.indexOf(0, at);
    return { text: new TextDecoder().decode(buffer.subarray(at, end)), next: end + 1 };
  };
  for (let at = 0; at < buffer.length; at += 1 + view.getInt32(at + 1)) {
    const type = String.fromCharCode(buffer[at]!);
    if (type === 'P') out.push(['P', cstring(at + 5).text]);
    if (type === 'B') out.push(['B', cstring(cstring(at + 5).next).text]);
  }
  return out;
}
const parses = (prefix: string) => sent.filter(([t, name]) => t === 'P' && name.startsWith(prefix)).map(([, name]) => name);
const binds = (name: string) => sent.filter(([t, n]) => t === 'B' && n === name).length;

async function engineOn(client: PGlite, tablePrefix: string) {
  await migrate(client, tablePrefix);
  const lifecycle = await reassessmentLifecycle();
  const engine = createCaseEngine({ store: postgresStore({ client, tablePrefix }), now: () => lifecycle.now });
  /** Opens `caseId` and sends it the lifecycle's first `count` events. */
  const replay = async (caseId: string, count = lifecycle.events.length) => {
    await engine.open({ ...lifecycle.open, caseId } as OpenCase);
    for (const event of lifecycle.events.slice(0, count)) await engine.send(caseId, event);
  };
  return { engine, lifecycle, replay };
}

describe('named statements on PGlite', () => {
  it('knows a PGlite instance, and nothing else, as one to run them on', async () => {
    expect(isPGliteInstance(db)).toBe(true);
    expect(await db.transaction(async (tx) => isPGliteInstance(tx))).toBe(false);
    expect(isPGliteInstance({ query: db.query.bind(db), transaction: db.transaction.bind(db) })).toBe(false);
    expect(isPGliteInstance({ query: () => null, connect: () => null, totalCount: 0 })).toBe(false);
    expect(isPGliteInstance(null)).toBe(false);
    expect(pgliteStatements({ query: db.query.bind(db) })).toBeNull();
  });

  it('gives the rows query gives for the load and the write of a case the engine wrote, and the engine sends them named', async () => {
    const p = freshPrefix();
    const { lifecycle, replay } = await engineOn(db, p);
    await replay('L-1');
    await replay('L-2');
    // Every send wrote through the named write, parsed once; the engine judged each on its own last
    // write and read neither case back (docs/decisions.md "The engine judges the next event…").
    expect(binds(`${p}_write`)).toBe(2 * lifecycle.events.length);
    expect(parses(p)).toEqual([`${p}_write`]);

    const named = pgliteStatements(db)!;
    const load = loadStatement(p);
    const viaQuery = await db.query(load, ['L-1']);
    const viaName = await named(`${p}_load`, load, ['L-1']);
    expect(viaName).toStrictEqual(viaQuery);
    expect(viaQuery.rows).toHaveLength(1);
    expect(viaQuery.rows[0]).toMatchObject({ version: lifecycle.events.length + 1, row_xmin: expect.any(String), tail_seq: expect.any(Number) });

    // The same write to each case, one through each path: the same result and the same rows written.
    const row = viaQuery.rows[0] as { last_seq: number; version: number; snapshot: unknown; tail_entry: unknown; head: unknown };
    const write = writeStatement(p, false);
    const params = (caseId: string) => [
      caseId,
      row.last_seq + 1,
      JSON.stringify(row.tail_entry),
      JSON.stringify([{ id: `${caseId}:m`, case_id: caseId, notification: { type: 'stage.entered' }, attempts: 0, available_at: 1_700_000_000_000 }]),
      1,
      JSON.stringify([{ n: 0, due_at: 1_700_000_000_000.5, sort_key: 'k', role: 'lead', person_id: null, actor_id: 'u-1', breached: true, item: { a: [1] } }]),
      row.version + 1,
      JSON.stringify(row.snapshot),
      1_700_000_000_000,
      'hash',
      null,
      JSON.stringify(row.head),
    ];
    // Each write's own transaction id aside (`xmin`), the same result.
    const withoutXmin = ({ rows, ...rest }: { rows: unknown[] }) => ({ ...rest, rows: rows.map((r) => ({ ...(r as object), xmin: typeof (r as { xmin?: unknown }).xmin })) });
    expect(withoutXmin(await named(`${p}_write_free`, write, params('L-1')))).toStrictEqual(withoutXmin(await db.query(write, params('L-2'))));
    const written = (caseId: string) =>
      db.query(
        `SELECT c.version, c.snapshot, c.next_due_at, c.last_seq, c.last_hash, c.family_id, c.head, a.entry,
           (SELECT jsonb_agg(o.notification) FROM ${p}_outbox o WHERE o.id = $1 || ':m') AS outbox,
           (SELECT jsonb_agg(to_jsonb(w) - 'case_id') FROM ${p}_work w WHERE w.case_id = $1) AS work
         FROM ${p}_cases c JOIN ${p}_audit a ON a.case_id = c.case_id AND a.seq = c.last_seq WHERE c.case_id = $1`,
        [caseId],
      );
    const [one, two] = [await written('L-1'), await written('L-2')];
    expect(one.rows[0]).toMatchObject({ version: row.version + 1, last_hash: 'hash', outbox: [{ type: 'stage.entered' }] });
    expect(one.rows).toStrictEqual(two.rows);
  });

  it('decodes every column by its type as query does', async () => {
    const text = `SELECT $1::int4 AS i4, $2::int8 AS i8, $3::text AS t, $4::jsonb AS j, $5::bool AS b, $6::float8 AS f,
      NULL::text AS nothing, '123'::xid AS x, $7::numeric AS num, $8::timestamptz AS ts, $9::text[] AS arr,
      $10::int4[] AS ints, $11::json AS js, $12::bytea AS bin, $13::date AS d`;
    const values = [7, '9007199254740993', 'tekst', '{"a":[1,null,"x"]}', true, 0.1, '12.50', '2024-05-01T10:00:00Z', ['a', null, 'c'], [1, 2], { k: 'v' }, new Uint8Array([1, 2, 255]), '2024-05-01'];
    const viaName = await pgliteStatements(db)!('t_types', text, values);
    expect(viaName).toStrictEqual(await db.query(text, values));
    expect(viaName.rows[0]).toMatchObject({ i4: 7, t: 'tekst', j: { a: [1, null, 'x'] }, b: true, f: 0.1, nothing: null, x: '123', ints: [1, 2] });
  });

  it('parses each text once per instance; stores with other prefixes get their own names, a second store with the same prefix reuses them', async () => {
    const [p1, p2] = [freshPrefix(), freshPrefix()];
    const one = await engineOn(db, p1);
    const two = await engineOn(db, p2);
    await one.replay('P-1', 4);
    await two.replay('P-2', 4);
    await one.replay('P-3', 4);
    // A second engine and store: it reads the case (the load's first parse), then writes by the name already held.
    const again = createCaseEngine({ store: postgresStore({ client: db, tablePrefix: p1 }), now: () => one.lifecycle.now });
    await again.send('P-3', one.lifecycle.events[4]!);
    await two.engine.get('P-2');
    expect([...parses(p1), ...parses(p2)]).toEqual([`${p1}_write`, `${p1}_load`, `${p2}_write`, `${p2}_load`]);
    expect(binds(`${p1}_write`)).toBe(9);
    const held = await db.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE $1 OR name LIKE $2 ORDER BY name`, [`${p1}%`, `${p2}%`]);
    expect(held.rows.map((r) => r.name).sort()).toEqual([`${p1}_load`, `${p1}_write`, `${p2}_load`, `${p2}_write`].sort());
  });

  it('gives a second text under a name already taken on the instance a name of its own', async () => {
    const named = pgliteStatements(db)!;
    expect((await named('t_same', 'SELECT 1 AS a', [])).rows).toEqual([{ a: 1 }]);
    expect((await named('t_same', 'SELECT 2 AS a', [])).rows).toEqual([{ a: 2 }]);
    expect((await named('t_same', 'SELECT 1 AS a', [])).rows).toEqual([{ a: 1 }]);
    const held = await db.query<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 't_same%' ORDER BY name`);
    expect(held.rows).toEqual([{ name: 't_same', statement: 'SELECT 1 AS a' }, { name: 't_same_2', statement: 'SELECT 2 AS a' }]);
  });

  it('never runs inside a host transaction on the same instance: the sends wait for it, and its rollback takes none of them', async () => {
    const p = freshPrefix();
    const { engine, lifecycle, replay } = await engineOn(db, p);
    await replay('X-1', 2);
    await db.exec(`CREATE TABLE ${p}_host (n int)`);
    let hostOpen = false;
    const inside: [string, string][] = [];
    const original = db.execProtocolStream;
    db.execProtocolStream = (message, options) => {
      if (hostOpen) inside.push(...messagesIn(message).filter(([t, name]) => t === 'B' && name.startsWith(p)));
      return original(message, options);
    };
    let sends: Promise<void> = Promise.resolve();
    try {
      const host = db.transaction(async (tx) => {
        hostOpen = true;
        sends = (async () => {
          for (const event of lifecycle.events.slice(2, 8)) await engine.send('X-1', event);
        })();
        for (let n = 0; n < 20; n++) {
          await tx.query(`INSERT INTO ${p}_host VALUES ($1)`, [n]);
          await new Promise((resolve) => setImmediate(resolve));
        }
        hostOpen = false;
        throw new Error('host gives up');
      });
      await expect(host).rejects.toThrow('host gives up');
      await sends;
    } finally {
      db.execProtocolStream = original;
    }
    expect(inside).toEqual([]);
    expect((await db.query(`SELECT count(*)::int AS n FROM ${p}_host`)).rows).toEqual([{ n: 0 }]);
    expect((await engine.store.load('X-1'))?.version).toBe(9);
    expect(verifyAuditTrail(await engine.history('X-1'))).toEqual({ ok: true, entries: 9 });
  });

  it('throws what query throws for a failing statement (code 23505), and the next statement runs', async () => {
    const p = freshPrefix();
    const { replay } = await engineOn(db, p);
    await replay('E-1', 3);
    await replay('E-2', 3);
    const write = writeStatement(p, false);
    // A write of entry 1 again: the audit row exists.
    const params = (caseId: string) => [caseId, 1, '{}', '[]', 0, '[]', 9, '{}', null, 'h', null, 'null'];
    const viaName = await pgliteStatements(db)!(`${p}_dup`, write, params('E-1')).catch((e: unknown) => e);
    const viaQuery = await db.query(write, params('E-2')).catch((e: unknown) => e);
    const shape = (e: unknown) => {
      const { code, severity, constraint, table, query, queryOptions, constructor } = e as Record<string, unknown>;
      return { code, severity, constraint, table, query, queryOptions, constructor, params: ((e as { params: unknown[] }).params ?? []).slice(1) };
    };
    expect(shape(viaName)).toStrictEqual(shape(viaQuery));
    expect(shape(viaName)).toMatchObject({ code: '23505', constraint: `${p}_audit_pkey` });
    expect((viaName as Error).message).toBe((viaQuery as Error).message.replace('E-2', 'E-1'));
    expect(db.isInTransaction()).toBe(false);
    const load = await pgliteStatements(db)!(`${p}_load`, loadStatement(p), ['E-1']);
    expect(load.rows[0]).toMatchObject({ version: 4, last_seq: 4 });
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('parses again and runs once more when a host ran DEALLOCATE ALL or DISCARD ALL, or a returned column changed type', async () => {
    const p = freshPrefix();
    const { engine, lifecycle, replay } = await engineOn(db, p);
    await replay('D-1', 2);
    await engine.get('D-1');
    await db.exec('DEALLOCATE ALL');
    await engine.send('D-1', lifecycle.events[2]!);
    await db.exec('DISCARD ALL');
    await engine.send('D-1', lifecycle.events[3]!);
    await engine.get('D-1');
    // 0A000 "cached plan must not change result type": the load returns last_hash.
    await db.exec(`ALTER TABLE ${p}_cases ALTER COLUMN last_hash TYPE varchar`);
    await engine.get('D-1');
    await engine.send('D-1', lifecycle.events[4]!);
    expect(parses(p)).toEqual([`${p}_write`, `${p}_load`, `${p}_write`, `${p}_write`, `${p}_load`, `${p}_load`]);
    // Two before, then two binds (refused, then again) after each of DEALLOCATE and DISCARD, and one.
    expect(binds(`${p}_write`)).toBe(7);
    expect(binds(`${p}_load`)).toBe(5);
    expect((await engine.store.load('D-1'))?.version).toBe(6);
    expect(verifyAuditTrail(await engine.history('D-1'))).toEqual({ ok: true, entries: 6 });
  });
});

describe('named statements on a file-backed PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pglite-statements-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('syncs the files after each statement as query does, and the case is there after closing and opening again', async () => {
    const p = freshPrefix();
    const file = new PGlite(dir);
    const { engine, replay } = await engineOn(file, p);
    await replay('F-1', 5);
    let syncs = 0;
    const original = file.syncToFs.bind(file);
    file.syncToFs = () => ((syncs += 1), original());
    await pgliteStatements(file)!(`${p}_load`, loadStatement(p), ['F-1']);
    const named = syncs;
    await file.query(loadStatement(p), ['F-1']);
    expect([named, syncs - named]).toEqual([1, 1]);
    const before = await engine.history('F-1');
    await file.close();

    const reopened = new PGlite(dir);
    try {
      const store = postgresStore({ client: reopened, tablePrefix: p });
      expect((await store.load('F-1'))?.version).toBe(6);
      expect(await store.audit('F-1')).toEqual(before);
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
