/**
 * The tamper matrix: on every store, in clear and sealed, without and with an Ed25519 signing key,
 * a case's trail (and, for some rows, what its row records beside it: head, version, last entry) is
 * changed where it is stored, and four checks are asked whether they notice: `verifyAuditTrail` on
 * the trail a store returns (a store that refuses to return it counts as noticing), `engine.verifyAll`,
 * the engine's `rebuild`, and the engine's next write to the case. Nothing is assumed: each cell is
 * what the run saw.
 *
 * The forger has the disk or the database, never the key: a head they rewrite keeps its old signature.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { hashEntry } from '../../src/engine/audit-chain.js';
import { createCaseEngine, isStepDownError, verifyAuditTrail, type AuditEntry, type CaseEngine, type CaseEngineOptions } from '../../src/index.js';
import type { SignedHead } from '../../src/index.js';
import type { CaseChange, RawEntry, TamperPlace, TamperStore } from './tamper-places.js';
import { prepareCases, writerEvent } from './writer-events.js';

/** How the engine is made and a trail verified: one per column of the matrix. */
export interface TamperMode {
  readonly name: string;
  readonly sealed: boolean;
  /** Options given to the engine beyond its store (a signing key, say). */
  readonly engine?: Omit<CaseEngineOptions, 'store'>;
  /** The trail checked as an auditor in this mode checks it: null when it verifies, else the problem. */
  verify(entries: readonly AuditEntry[], caseId: string, head: SignedHead | undefined, version: number | undefined): string | null;
}

const dataKey = randomBytes(32);
const indexKey = randomBytes(32);
const signer = generateKeyPairSync('ed25519');
const keyName = 'council.example/step-down';

/** Without a key, an auditor has the trail and its case id only: a head is the store's word. */
const unkeyed = (entries: readonly AuditEntry[], caseId: string) => {
  const result = verifyAuditTrail(entries, { caseId });
  return result.ok ? null : result.problem;
};
/** With the public key, an auditor checks the trail against the case's head and version. */
const keyed = (entries: readonly AuditEntry[], caseId: string, head: SignedHead | undefined, version: number | undefined) => {
  const result = verifyAuditTrail(entries, { caseId, head: head ?? null, ...(version !== undefined ? { version } : {}), key: signer.publicKey, keyName });
  return result.ok ? null : result.problem;
};
const signing = { audit: { signingKey: signer.privateKey, keyName } };

/** The modes of the matrix. */
export const tamperModes: readonly TamperMode[] = [
  { name: 'clear', sealed: false, verify: unkeyed },
  { name: 'sealed', sealed: true, verify: unkeyed },
  { name: 'signed, clear', sealed: false, engine: signing, verify: keyed },
  { name: 'signed, sealed', sealed: true, engine: signing, verify: keyed },
];

/** A forger who knows how the chain is computed: re-hashes `entries` from `from` (0-based) on, each linked to the one before. */
function rehashFrom(entries: RawEntry[], from: number): RawEntry[] {
  const out = entries.slice(0, from);
  for (const entry of entries.slice(from)) {
    const { hash: _, ...rest } = entry;
    const linked = { ...rest, prevHash: (out.at(-1)?.['hash'] as string | undefined) ?? '0'.repeat(64) };
    out.push({ ...linked, hash: hashEntry(linked as unknown as Omit<AuditEntry, 'hash'>) });
  }
  return out;
}

/** What a tampering is given: the case's stored trail, another case's, and whether the store seals. */
interface Tampering {
  readonly name: string;
  readonly change: (entries: RawEntry[], other: RawEntry[], sealed: boolean) => RawEntry[];
  /**
   * What the forger then rewrites beside the trail, given the changed trail, the stored head and
   * version: a head moved to the trail's new end keeps its old signature (they have no key).
   */
  readonly row?: (changed: RawEntry[], head: SignedHead, version: number) => CaseChange;
}

/** The forger's head for the changed trail's new end, its old signature kept, and the row's last entry. */
const headAtEnd = (changed: RawEntry[], head: SignedHead, version: number): CaseChange => {
  const last = changed.at(-1)!;
  return { head: { ...head, seq: last['seq'] as number, hash: last['hash'] as string, version }, last, version };
};

/** A forged edit of entry 10 (0-based 9) on, re-hashed; sealed, written in clear (the forger cannot open the event). */
function forge(e: RawEntry[], sealed: boolean): RawEntry[] {
  const forged = e.map((x, i) => {
    if (i < 9) return x;
    const { sealed: _s, ...clear } = x;
    return sealed ? { ...clear, actor: { id: 'forger', role: (x['actor'] as { role: string }).role }, event: { type: x['type'], eventId: `forged-${i}` } } : { ...x, at: '2024-03-04T09:30:00Z' };
  });
  return rehashFrom(forged, 9);
}

/** The version the trail's last accepted entry (counting from the end of `changed`) reached. */
const versionAt = (changed: RawEntry[]) => changed.at(-1)!['version'] as number;

/** The trails are 16 entries: the opening, the decision, the family of 5, then 9 events, the last a refusal. */
export const tamperings: readonly Tampering[] = [
  { name: 'edit an entry in place (its date)', change: (e) => e.map((x, i) => (i === 4 ? { ...x, at: '2024-03-04T09:30:00Z' } : x)) },
  { name: 'remove an entry from the middle', change: (e) => e.filter((_, i) => i !== 6) },
  { name: 'reorder two entries', change: (e) => [...e.slice(0, 4), e[5]!, e[4]!, ...e.slice(6)] },
  { name: 'insert an earlier entry again', change: (e) => [...e.slice(0, 6), e[2]!, ...e.slice(6)] },
  // Sealed, the forger cannot open the event to hash it: the forged entries are written in clear,
  // as entries written before sealing was turned on are.
  { name: 'forge entries with recomputed hashes', change: (e, _, sealed) => forge(e, sealed) },
  { name: 'forge entries with recomputed hashes, the head moved to match', change: (e, _, sealed) => forge(e, sealed), row: (c, h, v) => headAtEnd(c, h, v) },
  { name: 'truncate: the last entry (a refusal)', change: (e) => e.slice(0, -1) },
  { name: 'truncate: the last entry (a refusal), the head moved to match', change: (e) => e.slice(0, -1), row: (c, h, v) => headAtEnd(c, h, v) },
  { name: 'truncate: the last 3 entries', change: (e) => e.slice(0, -3) },
  { name: 'truncate: the last 3 entries, the head and version moved to match', change: (e) => e.slice(0, -3), row: (c, h) => headAtEnd(c, h, versionAt(c)) },
  { name: "move: another case's whole trail put in its place", change: (_, other) => other },
  { name: 'edit the version in the row only', change: (e) => e, row: (_, __, v) => ({ version: v - 1 }) },
  { name: 'edit the version in the row and the head', change: (e) => e, row: (_, h, v) => ({ version: v - 1, head: { ...h, version: v - 1 } }) },
];

/** One cell: which checks noticed the tampering. */
export interface TamperCell {
  readonly store: string;
  readonly mode: string;
  readonly tampering: string;
  readonly verify: boolean;
  /** `engine.verifyAll()` reported the case. */
  readonly verifyAll: boolean;
  readonly rebuild: boolean;
  /** The next write to the case was refused (`AUDIT_TRAIL_BROKEN` or another fault), not written onto the changed trail. */
  readonly nextWrite: boolean;
  /** How the first check that noticed said so: a verification problem or an error code. */
  readonly how: string;
}

const clock = () => new Date('2024-12-31T12:00:00Z');

async function journey(engine: CaseEngine, caseId: string): Promise<void> {
  await prepareCases(engine, [caseId]);
  for (let i = 0; i < 9; i += 1) {
    try {
      await engine.send(caseId, writerEvent(0, i, 3));
    } catch (error) {
      if (!isStepDownError(error, 'NOT_ALLOWED')) throw error;
    }
  }
}

async function cell(place: TamperPlace, mode: TamperMode, tampering: Tampering, other: string, n: number): Promise<Omit<TamperCell, 'store' | 'mode' | 'tampering'>> {
  const engine = createCaseEngine({ store: place.store, now: clock, ...mode.engine });
  const caseId = `T-${n}`;
  await journey(engine, caseId);
  const changed = tampering.change(await place.entries(caseId), await place.entries(other), mode.sealed);
  await place.setEntries(caseId, changed);
  if (tampering.row) {
    const stored = (await place.store.load(caseId))!;
    await place.setCase(caseId, tampering.row(changed, stored.head!, stored.version));
  }
  const how: string[] = [];
  const noticed = async (check: () => Promise<boolean>) => {
    try {
      return await check();
    } catch (error) {
      how.push(isStepDownError(error) ? error.code : `threw ${String(error)}`);
      return true;
    }
  };
  const verify = await noticed(async () => {
    const entries = await place.store.audit(caseId);
    const record = await place.store.load(caseId);
    const problem = mode.verify(entries, caseId, record?.head, record?.version);
    if (problem !== null) how.push(`verify: ${problem}`);
    return problem !== null;
  });
  const verifyAll = await noticed(async () => {
    const found = (await engine.verifyAll()).broken.find((b) => b.caseId === caseId);
    if (found) how.push(`verifyAll: ${found.code}${found.problem ? ` ${found.problem}` : ''}`);
    return found !== undefined;
  });
  const rebuild = await noticed(async () => {
    await engine.rebuild(caseId);
    return false;
  });
  const nextWrite = await noticed(async () => {
    await engine.send(caseId, writerEvent(0, 10, 0));
    return false;
  });
  return { verify, verifyAll, rebuild, nextWrite, how: [...new Set(how)].join(', ') };
}

/** Runs the whole matrix: every store × mode × tampering. */
export async function tamperMatrix(stores: readonly TamperStore[], modes: readonly TamperMode[] = tamperModes): Promise<TamperCell[]> {
  const cells: TamperCell[] = [];
  for (const kind of stores) {
    try {
      for (const mode of modes) {
        if (mode.sealed && !kind.canSeal) continue;
        const place = await kind.open(mode.sealed ? { keys: { k1: dataKey }, current: 'k1', indexKey } : undefined);
        // The case whose trail a move takes: journeyed once per place.
        await journey(createCaseEngine({ store: place.store, now: clock, ...mode.engine }), 'T-other');
        for (const [n, tampering] of tamperings.entries()) {
          cells.push({ store: kind.name, mode: mode.name, tampering: tampering.name, ...(await cell(place, mode, tampering, 'T-other', n)) });
        }
        await place.close();
      }
    } finally {
      await kind.end();
    }
  }
  return cells;
}
