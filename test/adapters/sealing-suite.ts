import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptionOptions, SealingStore } from '../../adapters/sealing.js';
import {
  createCaseEngine,
  isStepDownError,
  verifyAuditTrail,
  type AuditDraft,
  type OutboxMessage,
  type StepDownError,
  type StoredCase,
} from '../../src/index.js';
import { samplePeople, samplePersons } from '../events/samples.js';
import { runToClosedCaf } from '../engine/journey.js';

/** A stored record as JSON, read or written behind the store's back. */
export type Raw = Record<string, unknown>;

/**
 * One place a sealing store keeps its data (a directory, a set of tables), with the means to reach
 * that data directly, as someone with the disk or the database could.
 */
export interface SealedPlace {
  /** A store over this place's data, with these keys (or none). */
  open(encryption?: EncryptionOptions): SealingStore;
  /** Everything the store keeps, as text: every file, or every column of every row. */
  raw(): Promise<string>;
  /** The audit entry as stored. */
  readEntry(caseId: string, seq: number): Promise<Raw>;
  writeEntry(caseId: string, seq: number, entry: Raw): Promise<void>;
  /** The case's snapshot as stored. */
  readSnapshot(caseId: string): Promise<Raw>;
  writeSnapshot(caseId: string, snapshot: Raw): Promise<void>;
  /** The notification of an outbox message as stored. */
  readNotification(messageId: string): Promise<Raw>;
  writeNotification(messageId: string, notification: Raw): Promise<void>;
}

/** Makes places for a driver: each test gets a fresh one. */
export interface SealedPlaceFactory {
  prepare?(): Promise<void>;
  place(): Promise<SealedPlace>;
  cleanup?(): Promise<void>;
}

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const only = (kid: string, key: Buffer): EncryptionOptions => ({ keys: { [kid]: key }, current: kid });

/** Texts that stand for personal data: each must be sealed wherever the store keeps it. */
const markers = {
  event: 'MARKER-EVENT-Ellie Marsh lives at 4 Rose Lane',
  actorId: 'MARKER-ACTOR-sw-ruth-oyelaran',
  context: 'MARKER-CONTEXT-grandmother Patricia Marsh',
  // The ledger beside the snapshot is keyed by the host's event ids.
  ledger: 'MARKER-LEDGER-view-of-ellie-marsh',
};

function record(caseId: string, version: number): StoredCase {
  const ledger = { [markers.ledger]: { type: 'views.recorded', digest: 'a'.repeat(64), role: 'social-worker', at: '2024-05-01T10:00:00+01:00', voidedBy: null } };
  const snapshot = { machineVersion: 2, value: { withChildrensSocialCare: 'decision' }, context: { caseId, note: markers.context }, ledger };
  return { caseId, version, snapshot: snapshot as unknown as StoredCase['snapshot'], nextDueAt: 1_700_000_000_000 + version };
}

function draft(caseId: string, version: number, accepted = true): AuditDraft {
  return {
    caseId,
    type: 'views.recorded',
    event: { type: 'views.recorded', view: `${markers.event} (${version})` },
    actor: { id: markers.actorId, role: 'social-worker' },
    at: '2024-05-01T10:00:00+01:00',
    recordedAt: '2024-05-01T10:00:01.000Z',
    stateBefore: ['a'],
    stateAfter: ['b'],
    version,
    rules: { checked: ['views-recorded'], breached: [] },
    accepted,
    errorCode: accepted ? null : 'GATE_BLOCKED',
  };
}

/** A case at version 3 with a refusal in its trail: four entries, seq 1–4. */
async function seed(store: SealingStore, caseId: string): Promise<void> {
  await store.create(record(caseId, 1), draft(caseId, 1), []);
  await store.save(record(caseId, 2), 1, draft(caseId, 2), []);
  await store.appendAudit(draft(caseId, 2, false), []);
  await store.save(record(caseId, 3), 2, draft(caseId, 3), []);
}

async function failure(promise: Promise<unknown>): Promise<StepDownError> {
  try {
    await promise;
  } catch (error) {
    if (isStepDownError(error)) return error;
    throw error;
  }
  throw new Error('expected a StepDownError, but the call succeeded');
}

const byId = (a: { type: string }, b: { type: string }) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

/** The error says which key and which record, and nothing of what the record holds. */
function expectNamesOnly(error: StepDownError, code: string, keyId: string): void {
  expect(error.code).toBe(code);
  expect(error.details?.keyId).toBe(keyId);
  expect(error.message).toContain(`'${keyId}'`);
  const said = `${error.message} ${JSON.stringify(error.details)}`;
  for (const marker of Object.values(markers)) expect(said).not.toContain(marker.slice(0, 12));
}

/**
 * What every sealing store must do with its keys: no payload in clear, a clear error without the
 * key or with a wrong one, rotation, and seals bound to their records. One call per driver, as
 * {@link testStore} is for the conformance suite.
 */
export function testSealing(name: string, factory: SealedPlaceFactory): void {
  describe(`${name} store encryption at rest`, () => {
    beforeAll(async () => factory.prepare?.(), 120_000);
    afterAll(async () => factory.cleanup?.());

    it('keeps no event payload, actor id or snapshot context in clear, and reads them back', async () => {
      const place = await factory.place();
      const store = place.open(only('k1', k1));
      await seed(store, 'C-1');
      const raw = await place.raw();
      for (const marker of Object.values(markers)) expect(raw).not.toContain(marker.slice(0, 12));
      // What the store needs to work stays readable without the key.
      expect(raw).toContain('views.recorded');
      expect(raw).toContain('social-worker');
      const entry = await place.readEntry('C-1', 2);
      expect(entry).toMatchObject({ caseId: 'C-1', seq: 2, version: 2, accepted: true, actor: { role: 'social-worker' } });
      expect(entry).not.toHaveProperty('event');
      expect(entry.sealed).toMatchObject({ v: 1, alg: 'A256GCM', kid: 'k1' });
      expect(await place.readSnapshot('C-1')).toMatchObject({ machineVersion: 2, value: { withChildrensSocialCare: 'decision' } });
      expect(await place.readSnapshot('C-1')).not.toHaveProperty('ledger');
      // Opened, everything is as the engine wrote it, and the chain verifies on it.
      expect(await store.load('C-1')).toEqual({ ...record('C-1', 3), head: expect.objectContaining({ caseId: 'C-1', version: 3 }) });
      const trail = await store.audit('C-1');
      expect(trail.map((e) => [e.seq, e.event, e.actor])).toEqual([
        [1, draft('C-1', 1).event, draft('C-1', 1).actor],
        [2, draft('C-1', 2).event, draft('C-1', 2).actor],
        [3, draft('C-1', 2).event, draft('C-1', 2).actor],
        [4, draft('C-1', 3).event, draft('C-1', 3).actor],
      ]);
      expect(verifyAuditTrail(trail)).toEqual({ ok: true, entries: 4 });
    });

    it('runs a whole case through the engine with no name, id or free text of it on disk or in rows, in the outbox or the dead letters', async () => {
      const place = await factory.place();
      const store = place.open(only('k1', k1));
      const engine = createCaseEngine({ store, now: () => new Date('2024-07-20T10:00:00Z') });
      await runToClosedCaf(engine, 'C-journey');
      const history = await engine.history('C-journey');
      // The free text the journey sent (names, views, reasons, contacts), the people's and actors' ids,
      // and the events' ids (the ledger beside the snapshot is keyed by them).
      const texts = new Set<string>();
      const collect = (value: unknown, key = ''): void => {
        if (typeof value === 'string' && value.length >= 8 && !['type', 'at'].includes(key) && !/^\d{4}-\d\d-\d\d/.test(value)) texts.add(value);
        else if (Array.isArray(value)) value.forEach((v) => collect(v, key));
        else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, k);
      };
      for (const entry of history) {
        const { role: _role, ...actor } = (entry.actor ?? {}) as Record<string, unknown>;
        collect({ event: entry.event, actor });
      }
      // Less what may stay in clear: the case id, event types, roles, states, rule ids, codes.
      for (const entry of history) {
        const { event: _event, actor, ...clear } = entry;
        for (const text of [actor?.role, ...JSON.stringify(clear).match(/"[^"]*"/g)!.map((q) => JSON.parse(q) as string)]) texts.delete(text!);
      }
      const names = Object.values(samplePersons).map((person) => person.name);
      const ids = [samplePeople.partner, samplePeople.leadProfessional.personId, samplePeople.socialWorker.id, samplePeople.leadProfessionalActor.id];
      for (const text of [...names, ...ids]) expect(texts).toContain(text);
      const eventIds = history.map((e) => (e.event as { eventId?: string } | null)?.eventId).filter((id) => id !== undefined);
      expect(eventIds.length).toBeGreaterThan(20);
      for (const eventId of eventIds) expect(texts).toContain(eventId);
      expect(texts.size).toBeGreaterThan(20);
      // Nothing delivered yet: every notification of the journey waits in the outbox, and their
      // deadline ids name people by id (`views-recorded:<person id>`).
      const inClear = async () => {
        const raw = await place.raw();
        return [...texts].filter((text) => raw.includes(text));
      };
      expect(await inClear()).toEqual([]);
      // Every one of them buried, as delivery gives up on a message: the dead letters are sealed too.
      const waiting = await store.claimOutbox(Date.parse('2024-07-20T10:00:00Z'), 10_000, 60_000);
      expect(waiting.length).toBeGreaterThan(5);
      expect(JSON.stringify(waiting.map((m) => m.notification))).toContain(samplePeople.partner);
      for (const { id } of waiting) await store.bury(id, { emitter: 'webhook', code: 'DELIVERY_FAILED', status: 410, at: '2024-07-20T10:00:00.000Z' });
      expect(await inClear()).toEqual([]);
      // The listing needs no seal opened: the type stays in clear, and the store without keys lists them too.
      const letters = await place.open().deadLetters(10_000);
      expect(letters.map((l) => [l.messageId, l.notificationType]).sort()).toEqual(waiting.map((m) => [m.id, m.notification.type]).sort());
      // Revived, each opens on its claim as the engine wrote it.
      for (const { id } of waiting) expect(await store.revive(id, 0)).toBe(true);
      const revived = await store.claimOutbox(Date.parse('2024-07-20T10:00:00Z'), 10_000, 60_000);
      expect(revived.map((m) => m.notification).sort(byId)).toEqual(waiting.map((m) => m.notification).sort(byId));
      while ((await engine.deliver()).delivered > 0);
      expect(await inClear()).toEqual([]);
      expect(verifyAuditTrail(history).ok).toBe(true);
      expect((await engine.rebuild('C-journey')).outcome).toBe('caf-closed');
    });

    it('refuses to read sealed data without its key (ENCRYPTION_KEY_MISSING) or with a wrong one (DECRYPTION_FAILED)', async () => {
      const place = await factory.place();
      await seed(place.open(only('k1', k1)), 'C-1');

      const bare = place.open();
      expectNamesOnly(await failure(bare.load('C-1')), 'ENCRYPTION_KEY_MISSING', 'k1');
      expectNamesOnly(await failure(bare.audit('C-1')), 'ENCRYPTION_KEY_MISSING', 'k1');
      const engine = createCaseEngine({ store: bare });
      expectNamesOnly(await failure(engine.get('C-1')), 'ENCRYPTION_KEY_MISSING', 'k1');
      expectNamesOnly(await failure(engine.history('C-1')), 'ENCRYPTION_KEY_MISSING', 'k1');

      const otherId = place.open(only('k2', k2));
      expectNamesOnly(await failure(otherId.load('C-1')), 'ENCRYPTION_KEY_MISSING', 'k1');

      const wrong = place.open(only('k1', k2));
      const onLoad = await failure(wrong.load('C-1'));
      expectNamesOnly(onLoad, 'DECRYPTION_FAILED', 'k1');
      expect(onLoad.details).toMatchObject({ caseId: 'C-1', version: 3 });
      const onAudit = await failure(wrong.audit('C-1'));
      expectNamesOnly(onAudit, 'DECRYPTION_FAILED', 'k1');
      expect(onAudit.details).toMatchObject({ caseId: 'C-1', seq: 1 });
      expectNamesOnly(await failure(createCaseEngine({ store: wrong }).rebuild('C-1')), 'DECRYPTION_FAILED', 'k1');
    });

    it('rotates keys: old records stay readable with both keys, new ones use current, rekey moves the rest', async () => {
      const place = await factory.place();
      await seed(place.open(only('k1', k1)), 'C-1');
      const hashesBefore = (await place.open(only('k1', k1)).audit('C-1')).map((e) => e.hash);

      const both = place.open({ keys: { k1, k2 }, current: 'k2' });
      expect(await both.load('C-1')).toEqual({ ...record('C-1', 3), head: expect.objectContaining({ caseId: 'C-1', version: 3 }) });
      expect(verifyAuditTrail(await both.audit('C-1')).ok).toBe(true);
      await both.save(record('C-1', 4), 3, draft('C-1', 4), []);
      await seed(both, 'C-2');
      const kids = async (caseId: string, seqs: number[]) =>
        Promise.all(seqs.map(async (seq) => ((await place.readEntry(caseId, seq)).sealed as { kid: string }).kid));
      expect(await kids('C-1', [1, 2, 3, 4, 5])).toEqual(['k1', 'k1', 'k1', 'k1', 'k2']);
      expect(await kids('C-2', [1, 2, 3, 4])).toEqual(['k2', 'k2', 'k2', 'k2']);
      expect(((await place.readSnapshot('C-1')).sealed as { kid: string }).kid).toBe('k2');
      // k1 is still needed for C-1's old entries; C-2 never used it.
      expectNamesOnly(await failure(place.open(only('k2', k2)).audit('C-1')), 'ENCRYPTION_KEY_MISSING', 'k1');
      expect(verifyAuditTrail(await place.open(only('k2', k2)).audit('C-2')).ok).toBe(true);

      expect(await both.rekey('C-1')).toBe(4);
      expect(await both.rekeyAll()).toEqual({ cases: 0, records: 0 });
      const k2only = place.open(only('k2', k2));
      const trail = await k2only.audit('C-1');
      expect(trail.slice(0, 4).map((e) => e.hash)).toEqual(hashesBefore);
      expect(verifyAuditTrail(trail)).toEqual({ ok: true, entries: 5 });
      expect(await k2only.load('C-1')).toEqual({ ...record('C-1', 4), head: expect.objectContaining({ caseId: 'C-1', version: 4 }) });
      expect(await kids('C-1', [1, 2, 3, 4, 5])).toEqual(['k2', 'k2', 'k2', 'k2', 'k2']);
      expect(await failure(place.open().rekey('C-1'))).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(await failure(both.rekey('C-9'))).toMatchObject({ code: 'UNKNOWN_CASE' });
    });

    it('seals a store written in clear once encryption is turned on, and rekeyAll seals the old records', async () => {
      const place = await factory.place();
      await seed(place.open(), 'C-1');
      expect(await place.raw()).toContain(markers.event);
      const sealed = place.open(only('k1', k1));
      expect(await sealed.load('C-1')).toEqual({ ...record('C-1', 3), head: expect.objectContaining({ caseId: 'C-1', version: 3 }) });
      await seed(sealed, 'C-2');
      expect(await sealed.rekeyAll()).toEqual({ cases: 1, records: 5 });
      expect(await sealed.rekeyAll()).toEqual({ cases: 0, records: 0 });
      const raw = await place.raw();
      for (const marker of Object.values(markers)) expect(raw).not.toContain(marker.slice(0, 12));
      expect(verifyAuditTrail(await sealed.audit('C-1'))).toEqual({ ok: true, entries: 4 });
      expect(await sealed.load('C-1')).toEqual({ ...record('C-1', 3), head: expect.objectContaining({ caseId: 'C-1', version: 3 }) });
    });

    it('refuses a seal moved to another record: between entries, between cases, between snapshots', async () => {
      const place = await factory.place();
      const store = place.open(only('k1', k1));
      await seed(store, 'C-1');
      await seed(store, 'C-2');

      // Two entries of one case swap their seals.
      const [second, third] = [await place.readEntry('C-1', 2), await place.readEntry('C-1', 3)];
      await place.writeEntry('C-1', 2, { ...second, sealed: third.sealed });
      await place.writeEntry('C-1', 3, { ...third, sealed: second.sealed });
      const swapped = await failure(store.audit('C-1'));
      expectNamesOnly(swapped, 'DECRYPTION_FAILED', 'k1');
      expect(swapped.details).toMatchObject({ caseId: 'C-1', seq: 2 });

      // The same position in another case: the case id is bound too.
      const other = await place.readEntry('C-2', 2);
      await place.writeEntry('C-2', 2, { ...other, sealed: second.sealed });
      expect((await failure(store.audit('C-2'))).details).toMatchObject({ caseId: 'C-2', seq: 2, keyId: 'k1' });

      // Snapshots of two cases at the same version swap their seals.
      const [one, two] = [await place.readSnapshot('C-1'), await place.readSnapshot('C-2')];
      await place.writeSnapshot('C-1', { ...one, sealed: two.sealed });
      expect((await failure(store.load('C-1'))).code).toBe('DECRYPTION_FAILED');
      // An older snapshot of the same case put back over the newer one: the version is bound.
      await store.create(record('C-3', 1), draft('C-3', 1), []);
      await store.save(record('C-3', 2), 1, draft('C-3', 2), []);
      const older = await place.readSnapshot('C-3');
      await store.save(record('C-3', 3), 2, draft('C-3', 3), []);
      await place.writeSnapshot('C-3', older);
      expect(await failure(store.load('C-3'))).toMatchObject({ code: 'DECRYPTION_FAILED', details: { caseId: 'C-3', version: 3 } });
    });

    it('opens a waiting notification only as its own message: one moved to another message id is buried, never delivered', async () => {
      const place = await factory.place();
      const store = place.open(only('k1', k1));
      const message = (id: string, deadlineId: string): OutboxMessage => ({
        id,
        caseId: 'C-1',
        notification: { type: 'deadline.opened', caseId: 'C-1', rule: 'views-recorded', deadlineId, due: '2024-05-08T23:59:59+01:00' } as OutboxMessage['notification'],
        attempts: 0,
        availableAt: 0,
      });
      const [a, b] = [message('C-1:v1:0', `views-recorded:${markers.actorId}`), message('C-1:v1:1', 'views-recorded:p-other')];
      await store.create(record('C-1', 1), draft('C-1', 1), [a, b]);
      const raw = await place.raw();
      expect(raw).not.toContain(markers.actorId.slice(0, 12));
      expect(await place.readNotification(a.id)).toMatchObject({ type: 'deadline.opened', sealed: { kid: 'k1' } });
      // The same type, so only the message id differs in what the seal is bound to.
      await place.writeNotification(b.id, await place.readNotification(a.id));

      // What reached the emitter: the message ids and notifications (the lease time differs by store).
      const delivered: unknown[] = [];
      const probe = { name: 'probe', deliver: async (m: OutboxMessage) => void delivered.push([m.id, m.notification]) };
      const engine = createCaseEngine({ store, emitters: [probe], now: () => new Date('2024-07-20T10:00:00Z') });
      await engine.deliver();
      expect(delivered).toEqual([[a.id, a.notification]]);
      const [letter, ...more] = await engine.deadLetters();
      expect(more).toEqual([]);
      expect(letter).toMatchObject({ messageId: b.id, caseId: 'C-1', notificationType: 'deadline.opened', emitter: 'store', code: 'DECRYPTION_FAILED', status: null });
      // Put back, it is buried again: a seal never opens anywhere but in its own message.
      await engine.redeliver(b.id);
      await engine.deliver();
      expect(delivered).toEqual([[a.id, a.notification]]);
      expect(await engine.deadLetters()).toMatchObject([{ messageId: b.id, code: 'DECRYPTION_FAILED' }]);
      // A clear type edited to another no longer opens either: it is bound too.
      await store.enqueue!([message('C-1:v1:2', 'views-recorded:p-third')]);
      await place.writeNotification('C-1:v1:2', { ...(await place.readNotification('C-1:v1:2')), type: 'breach.recorded' });
      await engine.deliver();
      expect(delivered).toEqual([[a.id, a.notification]]);
      expect((await engine.deadLetters()).map((l) => [l.messageId, l.code])).toEqual([
        [b.id, 'DECRYPTION_FAILED'],
        ['C-1:v1:2', 'DECRYPTION_FAILED'],
      ]);
    });

    it('keeps waiting messages readable through a key rotation and reads one written in clear as it is; rekeyAll re-seals them', async () => {
      const place = await factory.place();
      const message = (id: string): OutboxMessage => ({
        id,
        caseId: 'C-1',
        notification: { type: 'case.opened', caseId: 'C-1', at: '2024-05-01T10:00:00+01:00' },
        attempts: 0,
        availableAt: 0,
      });
      await place.open().create(record('C-1', 1), draft('C-1', 1), [message('C-1:clear')]);
      await place.open(only('k1', k1)).save(record('C-1', 2), 1, draft('C-1', 2), [message('C-1:k1')]);
      const both = place.open({ keys: { k1, k2 }, current: 'k2' });
      await both.save(record('C-1', 3), 2, draft('C-1', 3), [message('C-1:k2')]);
      expect((await place.readNotification('C-1:k1')).sealed).toMatchObject({ kid: 'k1' });
      expect((await place.readNotification('C-1:k2')).sealed).toMatchObject({ kid: 'k2' });
      const opened = async (claimed: OutboxMessage[]) => {
        expect(claimed.map((m) => m.id).sort()).toEqual(['C-1:clear', 'C-1:k1', 'C-1:k2']);
        for (const m of claimed) expect({ ...m, availableAt: 0 }).toEqual(message(m.id));
      };
      // A lease of 0: each claim leaves the messages available to the next.
      await opened(await both.claimOutbox(1, 10, 0));
      expect(await both.deadLetters(10)).toEqual([]);
      // rekeyAll re-seals the waiting messages and the dead letters too, so k1 can be retired.
      await both.bury('C-1:k1', { emitter: 'webhook', code: 'DELIVERY_FAILED', status: 410, at: '2024-07-20T10:00:00.000Z' });
      await both.rekeyAll();
      expect((await place.readNotification('C-1:clear')).sealed).toMatchObject({ kid: 'k2' });
      const k2only = place.open(only('k2', k2));
      expect(await k2only.revive('C-1:k1', 0)).toBe(true);
      await opened(await k2only.claimOutbox(2, 10, 0));
      expect(await k2only.deadLetters(10)).toEqual([]);
    });

    it('leaves the chain to catch a changed clear field of a sealed entry, naming the entry', async () => {
      const place = await factory.place();
      const store = place.open(only('k1', k1));
      await seed(store, 'C-1');
      const entry = await place.readEntry('C-1', 3);
      await place.writeEntry('C-1', 3, { ...entry, accepted: true, errorCode: null });
      const result = verifyAuditTrail(await store.audit('C-1'));
      expect(result).toMatchObject({ ok: false, problem: 'changed', seq: 3 });
    });
  });
}
