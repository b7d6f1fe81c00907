/**
 * Audit trails tampered with where they are stored, after a real journey: an entry removed, two
 * swapped, an old one replayed, a forged one inserted. `verifyAuditTrail` on `store.audit` names
 * the problem and the entry, and `engine.rebuild` refuses with AUDIT_TRAIL_BROKEN. Editing an
 * entry in place and cutting the trail's tail are covered by `test/engine/rebuild.test.ts`.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import { migrate, postgresStore, type PGliteLike, type PgPoolLike } from '../../adapters/postgres.js';
import { hashEntry } from '../../src/engine/audit-chain.js';
import { createCaseEngine, verifyAuditTrail, type AuditEntry, type CaseStore } from '../../src/index.js';
import { runToClosedCaf } from '../engine/journey.js';
import { rejection } from '../engine/rejection.js';
import { freshPrefix } from './postgres-place.js';
import { postgresServerUrl } from '../servers.js';

const clock = () => new Date('2024-07-01T09:00:00Z');
/** The closed-CAF journey writes 25 entries (the family of four is added after the decision). */
const journeyEntries = 25;

/** A store and raw access to its trail, as someone with the disk or the database has it. */
interface Tamperable {
  readonly store: CaseStore;
  remove(caseId: string, seq: number): Promise<void>;
  /** Swaps the places of two entries: two lines of the log, or the seq values of two rows. */
  swap(caseId: string, a: number, b: number): Promise<void>;
  /** Puts `entry` at place `at` (1-based), moving the later ones down (lines, or seq values + 1). */
  insert(caseId: string, at: number, entry: AuditEntry): Promise<void>;
  /** Writes `entry` over the one at place `at`. */
  replace(caseId: string, at: number, entry: AuditEntry): Promise<void>;
}

const directories: string[] = [];
async function tamperableFile(): Promise<Tamperable> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-tamper-'));
  directories.push(dir);
  const path = (caseId: string) => join(dir, 'audit', `${fileStoreName(caseId)}.jsonl`);
  const lines = async (caseId: string) => (await fs.readFile(path(caseId), 'utf8')).split('\n').filter((l) => l.length > 0);
  const write = (caseId: string, all: string[]) => fs.writeFile(path(caseId), all.map((l) => `${l}\n`).join(''));
  return {
    store: fileStore({ directory: dir }),
    async remove(caseId, seq) {
      await write(caseId, (await lines(caseId)).filter((_, i) => i !== seq - 1));
    },
    async swap(caseId, a, b) {
      const all = await lines(caseId);
      [all[a - 1], all[b - 1]] = [all[b - 1]!, all[a - 1]!];
      await write(caseId, all);
    },
    async insert(caseId, at, entry) {
      const all = await lines(caseId);
      all.splice(at - 1, 0, JSON.stringify(entry));
      await write(caseId, all);
    },
    async replace(caseId, at, entry) {
      const all = await lines(caseId);
      all[at - 1] = JSON.stringify(entry);
      await write(caseId, all);
    },
  };
}

async function tamperableSql(client: PgPoolLike | PGliteLike): Promise<Tamperable> {
  const p = freshPrefix();
  await migrate(client, p);
  // (case_id, seq) is the primary key: rows are moved through negative seqs to avoid collisions.
  const shift = async (caseId: string, from: number) => {
    await client.query(`UPDATE ${p}_audit SET seq = -seq - 1 WHERE case_id = $1 AND seq >= $2`, [caseId, from]);
    await client.query(`UPDATE ${p}_audit SET seq = -seq WHERE case_id = $1 AND seq < 0`, [caseId]);
  };
  return {
    store: postgresStore({ client, tablePrefix: p }),
    async remove(caseId, seq) {
      await client.query(`DELETE FROM ${p}_audit WHERE case_id = $1 AND seq = $2`, [caseId, seq]);
    },
    async swap(caseId, a, b) {
      await client.query(`UPDATE ${p}_audit SET seq = -1 WHERE case_id = $1 AND seq = $2`, [caseId, a]);
      await client.query(`UPDATE ${p}_audit SET seq = $2 WHERE case_id = $1 AND seq = $3`, [caseId, a, b]);
      await client.query(`UPDATE ${p}_audit SET seq = $2 WHERE case_id = $1 AND seq = -1`, [caseId, b]);
    },
    async insert(caseId, at, entry) {
      await shift(caseId, at);
      await client.query(`INSERT INTO ${p}_audit (case_id, seq, entry) VALUES ($1, $2, $3::jsonb)`, [caseId, at, JSON.stringify(entry)]);
    },
    async replace(caseId, at, entry) {
      await client.query(`UPDATE ${p}_audit SET entry = $3::jsonb WHERE case_id = $1 AND seq = $2`, [caseId, at, JSON.stringify(entry)]);
    },
  };
}

let lite: PGlite | null = null;
const url = postgresServerUrl;
const pool = url ? new pg.Pool({ connectionString: url, max: 2 }) : null;
afterAll(async () => {
  await Promise.all(directories.map((d) => fs.rm(d, { recursive: true, force: true })));
  await lite?.close();
  await pool?.end();
});

const places: [string, () => Promise<Tamperable>][] = [
  ['file', tamperableFile],
  ['postgres (PGlite)', async () => tamperableSql((lite ??= new PGlite()))],
];
if (pool) places.push(['postgres (server)', async () => tamperableSql(pool)]);
else describe('tampering with a PostgreSQL server', () => it.skip('runs when DATABASE_URL is set', () => undefined));

/** Re-hashes an entry over its own content: a forger who knows how the chain is computed. */
const sealed = (entry: Omit<AuditEntry, 'hash'>): AuditEntry => ({ ...entry, hash: hashEntry(entry) });

type Found = { problem: string; index: number; seq: number };
interface Case {
  readonly name: string;
  readonly tamper: (t: Tamperable, caseId: string, trail: AuditEntry[]) => Promise<void>;
  readonly found: Found;
  readonly message: string;
}

const cases: Case[] = [
  {
    name: 'an entry removed from the middle',
    tamper: (t, id) => t.remove(id, 7),
    found: { problem: 'removed', index: 6, seq: 8 },
    message: 'entry 7 is missing before entry 8',
  },
  {
    name: 'the opening entry removed',
    tamper: (t, id) => t.remove(id, 1),
    found: { problem: 'removed', index: 0, seq: 2 },
    message: 'entry 1 is missing before entry 2',
  },
  {
    // Entry 3’s copy appended as entry 26 (a line pasted at the end, a row given the next seq).
    name: 'an earlier entry replayed at the end',
    tamper: (t, id, trail) => t.insert(id, journeyEntries + 1, trail[2]!),
    found: { problem: 'reordered', index: journeyEntries, seq: 3 },
    message: `entry 3 appears after entry ${journeyEntries}`,
  },
  {
    // The forger gives the entry the next seq and a hash over its content, but cannot link it: it
    // copies the last entry's prevHash.
    name: 'a forged entry added at the end, hashed but not linked',
    tamper: (t, id, trail) => {
      const last = trail.at(-1)!;
      const { hash: _, ...rest } = last;
      return t.insert(id, journeyEntries + 1, sealed({ ...rest, seq: last.seq + 1, type: 'caf.reopened', event: { type: 'caf.reopened' } }));
    },
    found: { problem: 'inserted', index: journeyEntries, seq: journeyEntries + 1 },
    message: `entry ${journeyEntries + 1} does not follow from the entry before it`,
  },
  {
    // A forged entry 6 linked to entry 5 and hashed verifies; the real entry 7, not re-hashed,
    // does not follow from it.
    name: 'an entry replaced by a forgery linked to the one before',
    tamper: async (t, id, trail) => {
      const { hash: _, ...rest } = trail[5]!;
      await t.replace(id, 6, sealed({ ...rest, actor: { id: 'forger', role: 'team-manager' } }));
    },
    found: { problem: 'inserted', index: 6, seq: 7 },
    message: 'entry 7 does not follow from the entry before it',
  },
  {
    // Put in the middle with the later entries renumbered, but not re-hashed.
    name: 'a forged entry inserted in the middle, the later entries renumbered',
    tamper: async (t, id, trail) => {
      const { hash: _, ...rest } = trail[4]!;
      await t.insert(id, 6, sealed({ ...rest, seq: 6, prevHash: trail[4]!.hash, type: 'consent.withdrawn' }));
      // The renumbering the forger has to do, in the stored entries themselves.
      for (let seq = 7; seq <= journeyEntries + 1; seq += 1) await t.replace(id, seq, { ...trail[seq - 2]!, seq });
    },
    found: { problem: 'changed', index: 6, seq: 7 },
    message: 'entry 7 was changed after it was written',
  },
];

describe.each(places)('tampering with the %s store', (_, make) => {
  it.each(cases)('$name is named by verifyAuditTrail, and rebuild refuses the trail', { timeout: 120_000 }, async ({ tamper, found, message }) => {
    const t = await make();
    const engine = createCaseEngine({ store: t.store, now: clock });
    const caseId = `C-${Math.random().toString(36).slice(2, 8)}`;
    await runToClosedCaf(engine, caseId);
    const trail = await t.store.audit(caseId);
    expect(verifyAuditTrail(trail)).toEqual({ ok: true, entries: journeyEntries });

    await tamper(t, caseId, trail);
    const result = verifyAuditTrail(await t.store.audit(caseId));
    expect(result).toMatchObject({ ok: false, ...found });
    expect(result.ok ? '' : result.message).toBe(message);
    const error = await rejection(engine.rebuild(caseId));
    expect(error.code).toBe('AUDIT_TRAIL_BROKEN');
    expect(error.details).toMatchObject({ caseId, ...found });
    expect(error.message).toContain(message);
  });

  it('two entries swapped (lines, or seq values) are caught at the first one out of place', { timeout: 120_000 }, async () => {
    const t = await make();
    const engine = createCaseEngine({ store: t.store, now: clock });
    const caseId = `C-${Math.random().toString(36).slice(2, 8)}`;
    await runToClosedCaf(engine, caseId);
    await t.swap(caseId, 5, 6);
    const result = verifyAuditTrail(await t.store.audit(caseId));
    // verifyAuditTrail meets entry 6 where entry 5 should be, and finds entry 5 after it.
    expect(result).toMatchObject({ ok: false, problem: 'reordered', index: 4, seq: 6 });
    const error = await rejection(engine.rebuild(caseId));
    expect(error.code).toBe('AUDIT_TRAIL_BROKEN');
    expect(error.details).toMatchObject({ caseId, index: 4, seq: 6 });
  });
});
