/**
 * The tamper matrix against heads: on the file store and PostgreSQL (PGlite), in clear and sealed,
 * without a key and with an Ed25519 or HMAC signing key, a short journey (accepted entries and a
 * refusal) is tampered with where it is stored, by someone who can also rewrite the case's head
 * (keeping its old signature: they have no key). `engine.verifyAll` must report the case whenever
 * the engine has a key (and, without one, exactly where docs/security.md says it does), and the
 * next write must be refused, writing nothing, where the trail's end no longer matches the head.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { createSealer, type EncryptionOptions } from '../../adapters/sealing.js';
import { hashEntry } from '../../src/engine/audit-chain.js';
import { createCaseEngine, type AuditEntry, type AuditSigningOptions, type CaseEngine, type CaseStore, type SignedHead } from '../../src/index.js';
import { sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { rejection } from '../engine/rejection.js';
import { freshPrefix } from './postgres-place.js';

const clock = () => new Date('2024-07-01T09:00:00Z');

/** Raw access to a store's trail and case row, as someone with the disk or the database has it. */
interface Raw {
  readonly store: CaseStore;
  /** Replaces the case's stored trail with these entries (sealed as the store would), in this order. */
  setTrail(caseId: string, entries: readonly AuditEntry[]): Promise<void>;
  /** Rewrites the case's version and head (and the row's record of its last entry). */
  setCase(caseId: string, change: { version?: number; head?: SignedHead; last?: AuditEntry }): Promise<void>;
  /** How many entries the stored trail holds. */
  count(caseId: string): Promise<number>;
}

const directories: string[] = [];
let lite: PGlite | null = null;
afterAll(async () => {
  await Promise.all(directories.map((d) => fs.rm(d, { recursive: true, force: true })));
  await lite?.close();
});

async function rawFile(encryption: EncryptionOptions | undefined): Promise<Raw> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-heads-'));
  directories.push(dir);
  const sealer = createSealer(encryption);
  const audit = (caseId: string) => join(dir, 'audit', `${fileStoreName(caseId)}.jsonl`);
  const cases = (caseId: string) => join(dir, 'cases', `${fileStoreName(caseId)}.json`);
  return {
    store: fileStore({ directory: dir, ...(encryption ? { encryption } : {}) }),
    async setTrail(caseId, entries) {
      await fs.writeFile(audit(caseId), entries.map((e) => `${JSON.stringify(sealer.sealEntry(e))}\n`).join(''));
    },
    async setCase(caseId, change) {
      const file = JSON.parse(await fs.readFile(cases(caseId), 'utf8'));
      if (change.version !== undefined) file.record.version = change.version;
      if (change.head !== undefined) file.head = change.head;
      if (change.last !== undefined) file.last = sealer.sealEntry(change.last);
      await fs.writeFile(cases(caseId), JSON.stringify(file));
    },
    async count(caseId) {
      return (await fs.readFile(audit(caseId), 'utf8')).split('\n').filter((l) => l.length > 0).length;
    },
  };
}

async function rawSql(encryption: EncryptionOptions | undefined): Promise<Raw> {
  const client = (lite ??= new PGlite());
  const p = freshPrefix();
  await migrate(client, p);
  const sealer = createSealer(encryption);
  return {
    store: postgresStore({ client, tablePrefix: p, ...(encryption ? { encryption: { ...encryption, indexKey: randomBytes(32) } } : {}) }),
    async setTrail(caseId, entries) {
      await client.query(`DELETE FROM ${p}_audit WHERE case_id = $1`, [caseId]);
      for (const [i, e] of entries.entries()) {
        await client.query(`INSERT INTO ${p}_audit (case_id, seq, entry) VALUES ($1, $2, $3::jsonb)`, [caseId, i + 1, JSON.stringify(sealer.sealEntry(e))]);
      }
    },
    async setCase(caseId, change) {
      if (change.version !== undefined) await client.query(`UPDATE ${p}_cases SET version = $2 WHERE case_id = $1`, [caseId, change.version]);
      if (change.head !== undefined) await client.query(`UPDATE ${p}_cases SET head = $2::jsonb WHERE case_id = $1`, [caseId, JSON.stringify(change.head)]);
      if (change.last !== undefined) {
        await client.query(`UPDATE ${p}_cases SET last_seq = $2, last_hash = $3 WHERE case_id = $1`, [caseId, change.last.seq, change.last.hash]);
      }
    },
    async count(caseId) {
      return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${p}_audit WHERE case_id = $1`, [caseId])).rows[0]!.n;
    },
  };
}

const teamManager = { id: samplePeople.teamManager.id, role: 'team-manager' as const };

/** Opens a case, takes the decision, refuses one event, adds the family: accepted entries and a refusal among them. */
async function journey(engine: CaseEngine, caseId: string, refusalLast = false): Promise<void> {
  await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: teamManager });
  await engine.send(caseId, event('decision.agreed', '2024-03-05T10:00:00Z'));
  const refuse = () => rejection(engine.send(caseId, event('csc.closed', '2024-03-06T10:00:00Z')));
  if (!refusalLast) await refuse();
  for (const e of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send(caseId, e);
  if (refusalLast) await refuse();
}

/** Re-hashes a trail from `from` (0-based) on, each entry linked to the one before: a forger who knows the chain. */
function rechain(entries: readonly AuditEntry[], from: number): AuditEntry[] {
  const out = [...entries];
  for (let i = from; i < out.length; i += 1) {
    const { hash: _, ...rest } = out[i]!;
    const linked = { ...rest, prevHash: i === 0 ? '0'.repeat(64) : out[i - 1]!.hash };
    out[i] = { ...linked, hash: hashEntry(linked) };
  }
  return out;
}

/** The head a forger without the key writes: the new end, with the old (now wrong) signature kept. */
const forgedHead = (old: SignedHead, last: AuditEntry, version = old.version): SignedHead => ({ ...old, seq: last.seq, hash: last.hash, version });

interface Tamper {
  readonly name: string;
  readonly refusalLast?: boolean;
  readonly tamper: (raw: Raw, caseId: string, trail: AuditEntry[], head: SignedHead, version: number, other: string) => Promise<void>;
  /** verifyAll reports it without a key. */
  readonly withoutKey: boolean;
  /**
   * When the next write is refused, writing nothing: `always`, only with a key (`key`: the head was
   * rewritten to match), or `never` (the trail's end is untouched: the break is inside it, for
   * verifyAll to find).
   */
  readonly write: 'always' | 'key' | 'never';
}

const tampers: Tamper[] = [
  {
    name: 'an entry edited in place',
    tamper: (raw, id, trail) => raw.setTrail(id, trail.map((e, i) => (i === 2 ? { ...e, errorCode: 'NO_EFFECT' } : e))),
    withoutKey: true,
    write: 'never',
  },
  { name: 'an entry removed', tamper: (raw, id, trail) => raw.setTrail(id, trail.filter((_, i) => i !== 1)), withoutKey: true, write: 'never' },
  {
    name: 'two entries swapped',
    tamper: (raw, id, trail) => raw.setTrail(id, [trail[0]!, trail[2]!, trail[1]!, ...trail.slice(3)]),
    withoutKey: true,
    write: 'never',
  },
  {
    name: 'an entry inserted',
    tamper: (raw, id, trail) => raw.setTrail(id, [...trail.slice(0, 2), { ...trail[1]!, recordedAt: '2024-07-01T08:00:00.000Z' }, ...trail.slice(2)]),
    withoutKey: true,
    write: 'never',
  },
  {
    // The refusal's recorded time changed and every later hash recomputed, the head moved to match:
    // the chain holds and the replay is the same, so only the head's signature can tell.
    name: 'entries forged with recomputed hashes, the head rewritten',
    tamper: async (raw, id, trail, head) => {
      const forged = rechain(trail.map((e, i) => (i === 2 ? { ...e, recordedAt: '2024-07-01T08:00:00.000Z' } : e)), 2);
      await raw.setTrail(id, forged);
      await raw.setCase(id, { head: forgedHead(head, forged.at(-1)!), last: forged.at(-1)! });
    },
    withoutKey: false,
    write: 'key',
  },
  {
    name: 'the last accepted entries cut off',
    tamper: (raw, id, trail) => raw.setTrail(id, trail.slice(0, -2)),
    withoutKey: true,
    write: 'always',
  },
  {
    // The head and the row follow the cut: the replay still reaches the version, so only the
    // signature shows the refusal went.
    name: 'the last (refused) entry cut off, the head rewritten',
    refusalLast: true,
    tamper: async (raw, id, trail, head) => {
      const kept = trail.slice(0, -1);
      await raw.setTrail(id, kept);
      await raw.setCase(id, { head: forgedHead(head, kept.at(-1)!), last: kept.at(-1)! });
    },
    withoutKey: false,
    write: 'key',
  },
  {
    name: 'the version edited, in the row and in the head',
    tamper: (raw, id, _trail, head, version) => raw.setCase(id, { version: version - 1, head: { ...head, version: version - 1 } }),
    withoutKey: true, // the replay reaches another version
    write: 'key',
  },
  {
    name: 'the version edited in the row only',
    tamper: (raw, id, _trail, _head, version) => raw.setCase(id, { version: version - 1 }),
    withoutKey: true,
    write: 'always',
  },
  {
    name: "another case's trail moved onto this case",
    tamper: async (raw, id, _trail, _head, _version, other) => {
      const theirs = await raw.store.audit(other);
      await raw.setTrail(id, theirs);
    },
    withoutKey: true,
    write: 'always',
  },
];

const sealing: [string, EncryptionOptions | undefined][] = [
  ['in clear', undefined],
  ['sealed', { keys: { k1: randomBytes(32) }, current: 'k1' }],
];
const ed = generateKeyPairSync('ed25519');
const signing: [string, AuditSigningOptions | undefined][] = [
  ['no key', undefined],
  ['Ed25519', { signingKey: ed.privateKey, keyName: 'council.example/step-down' }],
  ['HMAC', { signingKey: randomBytes(32) }],
];
const stores: [string, (e: EncryptionOptions | undefined) => Promise<Raw>][] = [
  ['file', rawFile],
  ['postgres (PGlite)', rawSql],
];

describe.each(stores)('tampering with heads on the %s store', (_, make) => {
  describe.each(sealing)('%s', (__, encryption) => {
    describe.each(signing)('%s', (signName, audit) => {
      it.each(tampers)('$name', { timeout: 120_000 }, async ({ tamper, refusalLast, withoutKey, write: refused }) => {
        const raw = await make(encryption);
        const engine = createCaseEngine({ store: raw.store, now: clock, ...(audit ? { audit } : {}) });
        const broken: unknown[] = [];
        engine.on('audit.broken', (n) => void broken.push(n));
        const caseId = `C-${Math.random().toString(36).slice(2, 8)}`;
        const other = `${caseId}-other`;
        await journey(engine, caseId, refusalLast);
        await journey(engine, other);
        expect(await engine.verifyAll()).toMatchObject({ cases: 2, broken: [] });
        const record = (await raw.store.load(caseId))!;
        expect(record.head).toMatchObject({ caseId, version: record.version });
        expect(record.head?.signature !== undefined).toBe(audit !== undefined);

        await tamper(raw, caseId, await raw.store.audit(caseId), record.head!, record.version, other);
        const keyed = audit !== undefined;
        const found = (await engine.verifyAll()).broken;
        expect(found.map((b) => b.caseId)).toEqual(keyed || withoutKey ? [caseId] : []);
        if (signName === 'no key' && !withoutKey) return; // the limit docs/security.md states

        const before = await raw.count(caseId);
        const write = engine.send(caseId, event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.child }));
        if (refused === 'never' || (refused === 'key' && !keyed)) {
          await write.catch(() => undefined);
          return;
        }
        const error = await rejection(write);
        // A sealed entry moved from another case cannot be opened as this case's: the sealing's error.
        const moved = encryption !== undefined && found[0]?.code === 'DECRYPTION_FAILED';
        expect(error.code).toBe(moved ? 'DECRYPTION_FAILED' : 'AUDIT_TRAIL_BROKEN');
        expect(JSON.stringify(error.details)).not.toContain('csc.closed');
        expect(await raw.count(caseId)).toBe(before);
        if (!moved) {
          await engine.deliver();
          expect(broken).toEqual([expect.objectContaining({ type: 'audit.broken', caseId, code: 'AUDIT_TRAIL_BROKEN' })]);
        }
      });
    });
  });
});
