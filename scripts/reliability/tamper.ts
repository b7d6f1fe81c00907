/**
 * The tamper matrix: on every store, in clear and sealed, a case's trail is changed where it is
 * stored in one of seven ways, and three checks are asked whether they notice: `verifyAuditTrail`
 * on the trail a store returns (a store that refuses to return it counts as noticing), the engine's
 * `rebuild`, and the engine's next write to the case. Nothing is assumed: each cell is what the run
 * saw.
 *
 * A mode is one column family (how the engine is made and how a trail is verified): a signed mode
 * is one more entry in `tamperModes`, with the engine's signing key and a `verify` given the head.
 */
import { randomBytes } from 'node:crypto';
import { hashEntry } from '../../src/engine/audit-chain.js';
import { createCaseEngine, isStepDownError, verifyAuditTrail, type AuditEntry, type CaseEngine, type CaseEngineOptions } from '../../src/index.js';
import type { RawEntry, TamperPlace, TamperStore } from './tamper-places.js';
import { prepareCases, writerEvent } from './writer-events.js';

/** How the engine is made and a trail verified: one per column of the matrix. */
export interface TamperMode {
  readonly name: string;
  readonly sealed: boolean;
  /** Options given to the engine beyond its store (a signing key, say). */
  readonly engine?: Omit<CaseEngineOptions, 'store'>;
  /** Whether the trail verifies, as an auditor in this mode checks it. */
  verify(entries: readonly AuditEntry[], caseId: string, engine: CaseEngine): Promise<boolean>;
}

const dataKey = randomBytes(32);
const indexKey = randomBytes(32);

/** The modes of the matrix. */
export const tamperModes: readonly TamperMode[] = [
  { name: 'clear', sealed: false, verify: async (entries, caseId) => verifyAuditTrail(entries, { caseId }).ok },
  { name: 'sealed', sealed: true, verify: async (entries, caseId) => verifyAuditTrail(entries, { caseId }).ok },
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
}

/** The trails are 16 entries: the opening, the decision, the family of 5, then 9 events, the last a refusal. */
export const tamperings: readonly Tampering[] = [
  { name: 'edit an entry in place (its date)', change: (e) => e.map((x, i) => (i === 4 ? { ...x, at: '2024-03-04T09:30:00Z' } : x)) },
  { name: 'remove an entry from the middle', change: (e) => e.filter((_, i) => i !== 6) },
  { name: 'reorder two entries', change: (e) => [...e.slice(0, 4), e[5]!, e[4]!, ...e.slice(6)] },
  { name: 'insert an earlier entry again', change: (e) => [...e.slice(0, 6), e[2]!, ...e.slice(6)] },
  {
    // Sealed, the forger cannot open the event to hash it: the forged entries are written in clear,
    // as entries written before sealing was turned on are.
    name: 'forge entries with recomputed hashes',
    change: (e, _, sealed) => {
      const forged = e.map((x, i) => {
        if (i < 9) return x;
        const { sealed: _s, ...clear } = x;
        return sealed ? { ...clear, actor: { id: 'forger', role: (x['actor'] as { role: string }).role }, event: { type: x['type'], eventId: `forged-${i}` } } : { ...x, at: '2024-03-04T09:30:00Z' };
      });
      return rehashFrom(forged, 9);
    },
  },
  { name: 'truncate: the last entry (a refusal)', change: (e) => e.slice(0, -1) },
  { name: 'truncate: the last 3 entries', change: (e) => e.slice(0, -3) },
  { name: "move: another case's whole trail put in its place", change: (_, other) => other },
];

/** One cell: which checks noticed the tampering. */
export interface TamperCell {
  readonly store: string;
  readonly mode: string;
  readonly tampering: string;
  readonly verify: boolean;
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
  await place.setEntries(caseId, tampering.change(await place.entries(caseId), await place.entries(other), mode.sealed));
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
    const ok = await mode.verify(entries, caseId, engine);
    if (!ok) how.push(`verify: ${(verifyAuditTrail(entries, { caseId }) as { problem?: string }).problem ?? 'head'}`);
    return !ok;
  });
  const rebuild = await noticed(async () => {
    await engine.rebuild(caseId);
    return false;
  });
  const nextWrite = await noticed(async () => {
    await engine.send(caseId, writerEvent(0, 10, 0));
    return false;
  });
  return { verify, rebuild, nextWrite, how: [...new Set(how)].join(', ') };
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
