/**
 * Entries verified per second by `engine.verifyAll`: a store of cases that each ran the closed-CAF
 * journey (25 entries), swept whole per round; one operation is one audit entry. Rows: the chain
 * check alone (`verifyAuditTrail` on trails already read, the floor), then the full sweep (chain,
 * head, replay) on the memory store without a key and with Ed25519 and HMAC keys, and on the file
 * store with Ed25519.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStore } from '../adapters/file.js';
import { memoryStore } from '../adapters/memory.js';
import { createCaseEngine, verifyAuditTrail, type AuditSigningOptions, type CaseStore } from '../src/index.js';
import { runToClosedCaf } from '../test/engine/journey.js';
import { measureAsync, type BenchRow, type BenchSuite } from './harness.js';

/** `BENCH_VERIFY_CASES` sets another number of cases. */
const cases = Number(process.env.BENCH_VERIFY_CASES ?? 40);
const clock = () => new Date('2024-07-01T09:00:00Z');

async function seeded(store: CaseStore, audit: AuditSigningOptions | undefined) {
  const engine = createCaseEngine({ store, now: clock, ...(audit ? { audit } : {}) });
  for (let i = 0; i < cases; i += 1) await runToClosedCaf(engine, `C-${i}`);
  return engine;
}

async function sweep(name: string, store: CaseStore, audit: AuditSigningOptions | undefined): Promise<BenchRow> {
  const engine = await seeded(store, audit);
  return measureAsync(name, async () => {
    const result = await engine.verifyAll();
    if (result.broken.length > 0) throw new Error('a seeded case verified as broken');
    return result.entries;
  }, { rounds: 3 });
}

export const verifySuite: BenchSuite = {
  title: `engine.verifyAll: entries verified per second (${cases} cases of 25 entries)`,
  baselines: ['chain only (verifyAuditTrail), memory'],
  method: 'One operation is one audit entry; each round sweeps every case; median of 3 rounds after 1 warm-up.',
  unit: 'µs',
  async run() {
    const ed = generateKeyPairSync('ed25519');
    const rows: BenchRow[] = [];
    const plain = memoryStore();
    await seeded(plain, undefined);
    const trails = await Promise.all(Array.from({ length: cases }, (_, i) => plain.audit(`C-${i}`)));
    rows.push(await measureAsync('chain only (verifyAuditTrail), memory', async () => {
      let n = 0;
      for (const [i, trail] of trails.entries()) n += (verifyAuditTrail(trail, { caseId: `C-${i}` }) as { entries: number }).entries;
      return n;
    }, { rounds: 3 }));
    rows.push(await sweep('verifyAll, memory, no key', memoryStore(), undefined));
    rows.push(await sweep('verifyAll, memory, Ed25519', memoryStore(), { signingKey: ed.privateKey }));
    rows.push(await sweep('verifyAll, memory, HMAC', memoryStore(), { signingKey: randomBytes(32) }));
    const dir = await mkdtemp(join(tmpdir(), 'caf-bench-verify-'));
    try {
      rows.push(await sweep('verifyAll, file, Ed25519', fileStore({ directory: dir }), { signingKey: ed.privateKey }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
