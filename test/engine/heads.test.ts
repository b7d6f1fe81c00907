/**
 * Signed heads through the engine: the head every write keeps, its text round trip, the head check
 * refusing a write on a trail that no longer ends at it, `verifyAll` and `caf-step-down verify`.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import { memoryStore } from '../../adapters/memory.js';
import { runCli } from '../../src/cli/run.js';
import { createCaseEngine, formatHead, parseHead, verifyAuditTrail, verifyHead, type CaseEngine } from '../../src/index.js';
import { sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { rejection } from './rejection.js';

const clock = () => new Date('2024-07-01T09:00:00Z');
const actor = { id: samplePeople.teamManager.id, role: 'team-manager' as const };
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function shortCase(engine: CaseEngine, caseId: string): Promise<void> {
  await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor });
  await engine.send(caseId, event('decision.agreed', '2024-03-05T10:00:00Z'));
  await rejection(engine.send(caseId, event('csc.closed', '2024-03-06T10:00:00Z')));
  for (const e of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send(caseId, e);
}

describe('heads as text', () => {
  const ed = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');

  it.each([
    ['Ed25519', ed.privateKey, ed.publicKey],
    ['HMAC', randomBytes(32), null],
  ] as const)('%s: every write keeps a signed head; its text parses back and verifies, and a changed line does not', async (_, signingKey, publicKey) => {
    const store = memoryStore();
    const engine = createCaseEngine({ store, now: clock, audit: { signingKey, keyName: 'council.example/step-down' } });
    await shortCase(engine, 'C-1');
    const trail = await store.audit('C-1');
    const record = (await store.load('C-1'))!;
    // The refusal moved the head too: it ends at the last entry, whatever it was.
    expect(record.head).toMatchObject({ caseId: 'C-1', seq: trail.length, hash: trail.at(-1)!.hash, version: record.version });

    const [text] = await engine.heads({ caseIds: ['C-1'] });
    expect(text!.split('\n').slice(0, 5)).toEqual([
      'caf-step-down/case/C-1',
      String(trail.length),
      Buffer.from(trail.at(-1)!.hash, 'hex').toString('base64'),
      `version ${record.version}`,
      '',
    ]);
    expect(text).toMatch(/\n— council\.example\/step-down [A-Za-z0-9+/]+=*\n$/);
    expect(parseHead(text!)).toEqual(record.head);
    expect(formatHead(parseHead(text!))).toBe(text);
    const key = publicKey ?? signingKey;
    expect(verifyHead(text!, key, 'council.example/step-down')).toBe(true);
    expect(verifyHead(text!, key)).toBe(false); // another key name: not our key
    expect(verifyHead(text!.replace(`version ${record.version}`, `version ${record.version - 1}`), key, 'council.example/step-down')).toBe(false);
    expect(verifyHead(text!, publicKey ? other.publicKey : randomBytes(32), 'council.example/step-down')).toBe(false);
    expect(verifyAuditTrail(trail, { caseId: 'C-1', head: parseHead(text!), key, keyName: 'council.example/step-down', version: record.version })).toEqual({
      ok: true,
      entries: trail.length,
    });
  });

  it('refuses text that is not a head, saying which line', () => {
    expect(() => parseHead('caf-step-down/case/C-1\n0\nAAAA\nversion 1\n\n')).toThrow(/size line/);
    expect(() => parseHead('caf-step-down/case/C-1\n3\n')).toThrow(/blank line/);
  });

  it('refuses a public key or a short secret as a signing key (INVALID_ARGUMENT)', () => {
    expect(() => createCaseEngine({ audit: { signingKey: ed.publicKey } })).toThrow(/cannot sign/);
    expect(() => createCaseEngine({ audit: { signingKey: randomBytes(16) } })).toThrow(/at least 32 bytes/);
  });
});

describe('the head check before a write', () => {
  it('refuses a write on a trail cut short (file store), writes nothing and notifies audit.broken; verifyAll and the CLI report it', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'caf-heads-'));
    dirs.push(dir);
    const engine = createCaseEngine({ store: fileStore({ directory: dir }), now: clock });
    const heard: unknown[] = [];
    engine.on('audit.broken', (n) => void heard.push(n));
    await shortCase(engine, 'C-1');
    await shortCase(engine, 'C-2');
    const ok = { out: '', err: '' };
    const io = (sink: { out: string; err: string }) => ({ stdout: (t: string) => void (sink.out += t), stderr: (t: string) => void (sink.err += t) });
    expect(await runCli(['verify', '--store', `file:${dir}`], io(ok))).toBe(0);
    expect(ok.out).toMatch(/2 cases, \d+ audit entries, none broken/);

    const log = join(dir, 'audit', `${fileStoreName('C-1')}.jsonl`);
    const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    await writeFile(log, lines.slice(0, -1).map((l) => `${l}\n`).join(''));
    const error = await rejection(engine.send('C-1', event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.child })));
    expect(error.code).toBe('AUDIT_TRAIL_BROKEN');
    expect(error.details).toEqual({ caseId: 'C-1', seq: lines.length, problem: 'truncated' });
    expect((await readFile(log, 'utf8')).split('\n').filter(Boolean)).toHaveLength(lines.length - 1);
    await engine.deliver();
    expect(heard).toEqual([{ type: 'audit.broken', caseId: 'C-1', code: 'AUDIT_TRAIL_BROKEN', seq: lines.length, problem: 'truncated', at: clock().toISOString() }]);

    const progress: number[] = [];
    const result = await engine.verifyAll({ onProgress: (p) => progress.push(p.cases), pageSize: 1 });
    expect(progress).toEqual([1, 2]);
    expect(result.broken).toEqual([{ caseId: 'C-1', code: 'AUDIT_TRAIL_BROKEN', problem: 'truncated', seq: lines.length }]);
    const bad = { out: '', err: '' };
    expect(await runCli(['verify', '--store', `file:${dir}`], io(bad))).toBe(1);
    expect(bad.out).toContain('1 broken:\n  C-1  AUDIT_TRAIL_BROKEN (truncated');
  });
});
