/**
 * The file store's dead letters after a crash between the two file writes of a burial or a revival.
 *
 * `bury` writes the dead letter (`dead/<name>.json`), then removes the outbox file; `revive` writes
 * the outbox file again, marked `revived`, then removes the dead letter. A crash between the two
 * leaves the message in both places. Each crash is simulated as file-crash.test.ts does: the
 * on-disk state it leaves is built from the store's own files just before and just after a real
 * burial or revival (the first write done, the second not), with the outbox lock still held by the
 * crashed process and a torn temporary file of it, then a new store is opened on the directory, as
 * a restarted process would. The next claim must settle the message as buried (crash mid-burial)
 * or as revived (crash mid-revival): nothing lost, nothing claimed twice, nothing both dead and
 * delivered.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import type { CaseStore, OutboxMessage } from '../../src/index.js';
import { deadPid, hostTag } from './dead-process.js';


const directories: string[] = [];
afterAll(async () => void (await Promise.all(directories.map((d) => fs.rm(d, { recursive: true, force: true })))));

async function directory(): Promise<string> {
  const made = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-dead-crash-'));
  directories.push(made);
  return made;
}

type Files = Map<string, Buffer>;

/** Every file of a store directory, by path relative to it. */
async function files(dir: string): Promise<Files> {
  const found: Files = new Map();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.set(path.slice(dir.length + 1), await fs.readFile(path));
  }
  return found;
}

async function writeFiles(dir: string, contents: Files): Promise<void> {
  for (const [path, content] of contents) {
    await fs.mkdir(dirname(join(dir, path)), { recursive: true });
    await fs.writeFile(join(dir, path), content);
  }
}

const message = (id: string): OutboxMessage => ({
  id,
  caseId: 'C-1',
  notification: { type: 'case.opened', caseId: 'C-1', at: '2024-05-01T10:00:00+01:00' },
  attempts: 0,
  availableAt: 0,
});
const reason = { emitter: 'webhook', code: 'DELIVERY_FAILED', status: 410, at: '2024-07-01T09:00:00.000Z' };
const ids = ['m1', 'm2', 'm3'];
/** The message whose burial or revival the crash cuts short. */
const victim = 'm2';
const lease = 1_000;
const outboxPath = `outbox/${fileStoreName(victim)}.json`;
const deadPath = `dead/${fileStoreName(victim)}.json`;

/**
 * The store's files before and after one real step: `bury` of the victim (the three messages
 * claimed once, none delivered), or `revive` of it (the victim buried first), due at `reviveAt`.
 */
async function reference(step: 'bury' | 'revive', reviveAt: number): Promise<{ before: Files; after: Files }> {
  const dir = await directory();
  const store = fileStore({ directory: dir });
  await store.enqueue!(ids.map(message));
  expect((await store.claimOutbox(1_000, 10, lease)).map((m) => m.id).sort()).toEqual(ids);
  if (step === 'revive') await store.bury(victim, reason);
  const before = await files(dir);
  if (step === 'bury') await store.bury(victim, reason);
  else expect(await store.revive(victim, reviveAt)).toBe(true);
  return { before, after: await files(dir) };
}

/**
 * The state a crash between the step's two writes leaves: the files before, with the first write
 * done (the dead letter for `bury`, the revived outbox file for `revive`) and the second not, the
 * outbox lock still held by the crashed process, and one of its temporary files torn.
 */
async function crashed(step: 'bury' | 'revive', reviveAt = 2_000): Promise<string> {
  const { before, after } = await reference(step, reviveAt);
  const first = step === 'bury' ? deadPath : outboxPath;
  const second = step === 'bury' ? outboxPath : deadPath;
  // The reference is what it claims to be: the second write removed the other copy.
  expect(before.has(second) && after.has(first) && !after.has(second)).toBe(true);
  const state = new Map(before);
  state.set(first, after.get(first)!);
  const dead = await deadPid();
  state.set('locks/outbox.lock', Buffer.from(JSON.stringify({ host: hostTag, pid: dead, id: randomUUID() })));
  state.set(`${first}.${hostTag}.${dead}.${randomUUID()}.tmp`, Buffer.from('{"message":'));
  const dir = await directory();
  await writeFiles(dir, state);
  return dir;
}

/** Claims every message due at `now` until none is left, acknowledging each: ids in claim order. */
async function drain(store: CaseStore, now: number): Promise<string[]> {
  const seen: string[] = [];
  for (let pass = 0; pass < 5; pass += 1) {
    const claimed = await store.claimOutbox(now + pass * lease, 10, lease);
    if (claimed.length === 0) break;
    seen.push(...claimed.map((m) => m.id));
    await store.acknowledge(claimed.map((m) => m.id));
  }
  return seen;
}

const deadIds = async (store: CaseStore) => (await store.deadLetters(10)).map((l) => l.messageId);
/** A time past the lease of the reference's claim: every message left in the outbox is due. */
const later = 1_000 + lease;

describe('the file store after a crash mid-burial (dead letter written, outbox file not yet removed)', () => {
  it('the next claim settles it as buried: never claimed, listed once, the outbox copy gone', async () => {
    const dir = await crashed('bury');
    const store = fileStore({ directory: dir });
    const claimed = await store.claimOutbox(later, 10, lease);
    expect(claimed.map((m) => m.id).sort()).toEqual(['m1', 'm3']);
    await expect(fs.access(join(dir, outboxPath))).rejects.toThrow();
    expect(await deadIds(store)).toEqual([victim]);
    expect((await store.deadLetters(10))[0]).toMatchObject({ messageId: victim, attempts: 1, code: 'DELIVERY_FAILED', status: 410 });
    await store.acknowledge(claimed.map((m) => m.id));
    // Later claims never bring it back; the crashed process's lock and temporary file are gone.
    expect(await drain(store, later + 10 * lease)).toEqual([]);
    expect(await fs.readdir(join(dir, 'locks'))).toEqual([]);
    expect((await fs.readdir(join(dir, 'dead'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a listing first shows it once, as buried, and the claim after it agrees', async () => {
    const dir = await crashed('bury');
    const store = fileStore({ directory: dir });
    expect(await deadIds(store)).toEqual([victim]);
    expect((await drain(store, later)).sort()).toEqual(['m1', 'm3']);
    expect(await deadIds(store)).toEqual([victim]);
  });

  it('revived after the crash, it is delivered exactly once and leaves the dead letters', async () => {
    const dir = await crashed('bury');
    const store = fileStore({ directory: dir });
    expect(await store.revive(victim, later)).toBe(true);
    expect(await deadIds(store)).toEqual([]);
    const delivered = await drain(store, later);
    expect(delivered.sort()).toEqual(ids);
    expect(await deadIds(store)).toEqual([]);
  });

  it('a claim while the crashed claim\'s lease still runs claims nothing and keeps it listed as buried', async () => {
    const dir = await crashed('bury');
    const store = fileStore({ directory: dir });
    expect(await store.claimOutbox(later - 1, 10, lease)).toEqual([]);
    expect(await deadIds(store)).toEqual([victim]);
    expect((await drain(store, later)).sort()).toEqual(['m1', 'm3']);
    expect(await deadIds(store)).toEqual([victim]);
  });
});

describe('the file store after a crash mid-revival (outbox file written, marked revived; dead letter not yet removed)', () => {
  it('the next claim settles it as revived: claimed once, with its attempts reset, and no longer listed', async () => {
    const dir = await crashed('revive', later);
    const store = fileStore({ directory: dir });
    const claimed = await store.claimOutbox(later, 10, lease);
    expect(claimed.map((m) => m.id).sort()).toEqual(ids);
    expect(claimed.find((m) => m.id === victim)).toMatchObject({ attempts: 0, notification: message(victim).notification });
    expect(await deadIds(store)).toEqual([]);
    await store.acknowledge(claimed.map((m) => m.id));
    expect(await drain(store, later + 10 * lease)).toEqual([]);
    expect(await deadIds(store)).toEqual([]);
    expect(await fs.readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('undelivered and buried again after the settling claim, it is one dead letter, not claimed', async () => {
    const dir = await crashed('revive', later);
    const store = fileStore({ directory: dir });
    await store.claimOutbox(later, 10, lease);
    await store.bury(victim, reason);
    expect(await deadIds(store)).toEqual([victim]);
    expect(await store.claimOutbox(later + 10 * lease, 10, lease).then((c) => c.map((m) => m.id).sort())).toEqual(['m1', 'm3']);
  });

  it('revived again by an operator before any claim, it is still one outbox copy, delivered once', async () => {
    const dir = await crashed('revive', later);
    const store = fileStore({ directory: dir });
    expect(await store.revive(victim, later)).toBe(true);
    expect(await deadIds(store)).toEqual([]);
    expect((await drain(store, later)).sort()).toEqual(ids);
  });

  // Was a finding (committed as it.fails): the revival's first write is its commit point (the next
  // claim delivers the message), yet `deadLetters` listed the message as buried until a claim reached
  // that outbox file, and with the revival due later, until it was due. The listing now passes over a
  // dead letter whose outbox copy is marked `revived`, as the claim will settle it.
  it('a listing first agrees with the claim after it: the revived message is not listed as buried', async () => {
    const dir = await crashed('revive', later);
    const store = fileStore({ directory: dir });
    const listed = await deadIds(store);
    const claimed = await store.claimOutbox(later, 10, lease);
    expect(claimed.map((m) => m.id)).toContain(victim);
    expect(listed).toEqual([]);
  });
});
