import { promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStore } from '../../adapters/file.js';
import { memoryStore } from '../../adapters/memory.js';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import {
  createCaseEngine,
  describeCase,
  verifyAuditTrail,
  type AuditEntry,
  type CaseEngine,
  type CaseStore,
  type StoredCase,
} from '../../src/index.js';
import { replayAuditTrail } from '../../src/engine/rebuild.js';
import { sampleFamilyAdded, samplePeople } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { seedFixture } from '../fixtures/snapshots/build.js';
import { runToClosedCaf } from './journey.js';
import { rejection } from './rejection.js';

const clock = () => new Date('2024-07-01T09:00:00Z');
const tm = { id: samplePeople.teamManager.id, role: 'team-manager' as const };

/**
 * A store under test, with the means to alter its data behind the engine's back, as someone with
 * access to the disk or the database could: the case record, one audit entry, or the trail's tail.
 * No hash is recomputed: that is what a careless or hurried tamperer does.
 */
interface TamperableStore {
  readonly store: CaseStore;
  editRecord(caseId: string, edit: (record: StoredCase) => StoredCase): Promise<void>;
  editEntry(caseId: string, seq: number, edit: (entry: AuditEntry) => AuditEntry): Promise<void>;
  keepEntries(caseId: string, count: number): Promise<void>;
}

/**
 * The memory store keeps its data in a closure no one else can reach, so its "disk" is what it
 * returns: the wrapper alters what `load` and `audit` hand back, the same view a tampered disk gives.
 */
function tamperableMemory(): TamperableStore {
  const inner = memoryStore();
  const records = new Map<string, (r: StoredCase) => StoredCase>();
  const entries = new Map<string, ((trail: AuditEntry[]) => AuditEntry[])[]>();
  const store: CaseStore = {
    ...inner,
    async load(caseId) {
      const found = await inner.load(caseId);
      const edit = records.get(caseId);
      return found && edit ? edit(found) : found;
    },
    async audit(caseId) {
      return (entries.get(caseId) ?? []).reduce((trail, edit) => edit(trail), await inner.audit(caseId));
    },
  };
  const addTrailEdit = (caseId: string, edit: (trail: AuditEntry[]) => AuditEntry[]) =>
    entries.set(caseId, [...(entries.get(caseId) ?? []), edit]);
  return {
    store,
    editRecord: async (caseId, edit) => void records.set(caseId, edit),
    editEntry: async (caseId, seq, edit) => void addTrailEdit(caseId, (trail) => trail.map((e) => (e.seq === seq ? edit(e) : e))),
    keepEntries: async (caseId, count) => void addTrailEdit(caseId, (trail) => trail.slice(0, count)),
  };
}

const directories: string[] = [];

/**
 * The path of the file in `folder` that holds `caseId`, found by what the files say (the case
 * record's id, the first audit line's case id) rather than by the store's naming of its files: a
 * tamperer reads the disk, and the test does not depend on how the store names what it writes.
 */
async function fileHolding(directory: string, folder: 'cases' | 'audit', caseId: string): Promise<string> {
  for (const name of await fs.readdir(join(directory, folder))) {
    if (!name.endsWith(folder === 'cases' ? '.json' : '.jsonl')) continue;
    const path = join(directory, folder, name);
    const text = await fs.readFile(path, 'utf8');
    const held = folder === 'cases' ? JSON.parse(text).record?.caseId : JSON.parse(text.split('\n')[0]!).caseId;
    if (held === caseId) return path;
  }
  throw new Error(`no ${folder} file holds case ${caseId}`);
}

/** The file store, tampered with by editing its files: the case's JSON file and its audit log's lines. */
async function tamperableFile(): Promise<TamperableStore> {
  const directory = await mkdtemp(join(tmpdir(), 'caf-step-down-rebuild-'));
  directories.push(directory);
  const casePath = (caseId: string) => fileHolding(directory, 'cases', caseId);
  const auditPath = (caseId: string) => fileHolding(directory, 'audit', caseId);
  const lines = async (caseId: string) => (await fs.readFile(await auditPath(caseId), 'utf8')).split('\n').filter((l) => l.length > 0);
  return {
    store: fileStore({ directory }),
    async editRecord(caseId, edit) {
      const path = await casePath(caseId);
      const file = JSON.parse(await fs.readFile(path, 'utf8'));
      await fs.writeFile(path, JSON.stringify({ ...file, record: edit(file.record) }));
    },
    async editEntry(caseId, seq, edit) {
      const edited = (await lines(caseId)).map((l) => {
        const entry = JSON.parse(l) as AuditEntry;
        return entry.seq === seq ? JSON.stringify(edit(entry)) : l;
      });
      await fs.writeFile(await auditPath(caseId), `${edited.join('\n')}\n`);
    },
    async keepEntries(caseId, count) {
      const kept = (await lines(caseId)).slice(0, count);
      await fs.writeFile(await auditPath(caseId), `${kept.join('\n')}\n`);
    },
  };
}

let db: PGlite | null = null;

/** PostgreSQL (PGlite), tampered with by UPDATE and DELETE on its tables. */
async function tamperablePostgres(): Promise<TamperableStore> {
  db ??= new PGlite();
  const client = db;
  const p = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await migrate(client, p);
  return {
    store: postgresStore({ client, tablePrefix: p }),
    async editRecord(caseId, edit) {
      const { rows } = await client.query<{ version: number; snapshot: StoredCase['snapshot']; next_due_at: string | null }>(
        `SELECT version, snapshot, next_due_at FROM ${p}_cases WHERE case_id = $1`,
        [caseId],
      );
      const row = rows[0]!;
      const edited = edit({ caseId, version: row.version, snapshot: row.snapshot, nextDueAt: row.next_due_at === null ? null : Number(row.next_due_at) });
      await client.query(`UPDATE ${p}_cases SET version = $2, snapshot = $3::jsonb WHERE case_id = $1`, [
        caseId,
        edited.version,
        JSON.stringify(edited.snapshot),
      ]);
    },
    async editEntry(caseId, seq, edit) {
      const { rows } = await client.query<{ entry: AuditEntry }>(`SELECT entry FROM ${p}_audit WHERE case_id = $1 AND seq = $2`, [caseId, seq]);
      await client.query(`UPDATE ${p}_audit SET entry = $3::jsonb WHERE case_id = $1 AND seq = $2`, [
        caseId,
        seq,
        JSON.stringify(edit(rows[0]!.entry)),
      ]);
    },
    async keepEntries(caseId, count) {
      await client.query(`DELETE FROM ${p}_audit WHERE case_id = $1 AND seq > $2`, [caseId, count]);
    },
  };
}

afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
  await db?.close();
});

/** A case with refusals in its trail: the closed-CAF journey, with three refusals sent on the way. */
async function journeyWithRefusals(engine: CaseEngine, caseId: string): Promise<void> {
  await runToClosedCaf(engine, caseId);
  // Refused after the close, so the trail ends with refusals that a replay must skip.
  await rejection(engine.send(caseId, event('stepUp.referred', '2024-06-12T10:00:00+01:00')));
  await rejection(engine.send(caseId, { ...event('caf.closed', '2024-06-12T10:00:00+01:00'), summary: '' }));
  await rejection(engine.send(caseId, { type: 'no.such-event' } as never));
}

describe.each([
  ['memory', async () => tamperableMemory()],
  ['file', tamperableFile],
  ['postgres (PGlite)', tamperablePostgres],
])('engine.rebuild over the %s store', (_, make) => {
  it('replays the accepted events, skipping refusals, to the stored snapshot exactly, and returns its view', { timeout: 120_000 }, async () => {
    const { store } = await make();
    const engine = createCaseEngine({ store, now: clock });
    await journeyWithRefusals(engine, 'C-R');
    const trail = await engine.history('C-R');
    expect(trail.filter((e) => !e.accepted).length).toBeGreaterThanOrEqual(3);
    const view = await engine.rebuild('C-R');
    expect(view).toEqual(await engine.get('C-R'));
    expect(view).toMatchObject({ outcome: 'caf-closed', version: 25 });
  });

  it('names the snapshot fields that differ when the stored case was edited, and the entry that saved it', { timeout: 120_000 }, async () => {
    const tamperable = await make();
    const engine = createCaseEngine({ store: tamperable.store, now: clock });
    await runToClosedCaf(engine, 'C-T');
    // The breach taken out, and the parent/carer's consent turned into a refusal.
    await tamperable.editRecord('C-T', (record) => {
      const { context } = record.snapshot;
      const consents = { ...context.consents, [samplePeople.parent]: { ...context.consents[samplePeople.parent]!, status: 'refused' as const } };
      return { ...record, snapshot: { ...record.snapshot, context: { ...context, breaches: [], consents } } };
    });
    const error = await rejection(engine.rebuild('C-T'));
    const last = (await engine.history('C-T')).filter((e) => e.accepted).at(-1)!;
    expect(error.code).toBe('REBUILD_MISMATCH');
    expect(error.details).toMatchObject({ caseId: 'C-T', seq: last.seq, type: 'caf.closed', problem: 'snapshot' });
    expect(error.details?.['fields']).toEqual(['context.breaches.0', `context.consents.${samplePeople.parent}.status`]);
    expect(error.message).toContain(`entry ${last.seq} (caf.closed)`);
    expect(error.message).toContain(`context.consents.${samplePeople.parent}.status`);
  });

  it('finds an entry changed without its hash recomputed, and refuses to replay the trail (AUDIT_TRAIL_BROKEN)', { timeout: 120_000 }, async () => {
    const tamperable = await make();
    const engine = createCaseEngine({ store: tamperable.store, now: clock });
    await runToClosedCaf(engine, 'C-H');
    await tamperable.editEntry('C-H', 5, (entry) => ({ ...entry, at: '2024-03-06T10:00:00Z' }));
    const error = await rejection(engine.rebuild('C-H'));
    expect(error.code).toBe('AUDIT_TRAIL_BROKEN');
    expect(error.details).toMatchObject({ caseId: 'C-H', problem: 'changed', seq: 5 });
    expect(error.message).toContain('entry 5 was changed');
  });

  it('names the first missing entry when the trail lost its tail (which the chain alone cannot show)', { timeout: 120_000 }, async () => {
    const tamperable = await make();
    const engine = createCaseEngine({ store: tamperable.store, now: clock });
    await runToClosedCaf(engine, 'C-M');
    await tamperable.keepEntries('C-M', 15);
    expect(verifyAuditTrail(await engine.history('C-M')).ok).toBe(true);
    const error = await rejection(engine.rebuild('C-M'));
    expect(error.details).toMatchObject({ seq: 16, problem: 'entries-missing', expected: 25, found: 15 });
    expect(error.message).toContain('entry 16 and those after it are missing');
  });

  it('names the first entry a rolled-back case does not include', { timeout: 120_000 }, async () => {
    const tamperable = await make();
    const engine = createCaseEngine({ store: tamperable.store, now: clock });
    await engine.open({ caseId: 'C-B', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.send('C-B', event('decision.agreed', '2024-03-05T10:00:00Z'));
    for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send('C-B', added);
    const earlier = (await tamperable.store.load('C-B'))!;
    await engine.send('C-B', event('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.child }));
    await rejection(engine.send('C-B', event('caf.closed', '2024-03-08T10:00:00Z')));
    await engine.send('C-B', event('consent.given', '2024-03-08T11:00:00Z'));
    await tamperable.editRecord('C-B', () => earlier);
    const error = await rejection(engine.rebuild('C-B'));
    expect(error.details).toMatchObject({ seq: 7, type: 'views.recorded', problem: 'entries-extra', expected: 6, found: 8 });
  });
});

describe('engine.rebuild against a forged trail (hashes recomputed, so the chain verifies)', () => {
  /** A fresh store holding the case's record and the trail as `forge` rewrites it, re-chained by the store. */
  async function forged(forge: (trail: AuditEntry[]) => AuditEntry[]): Promise<{ engine: CaseEngine; trail: AuditEntry[] }> {
    const original = memoryStore();
    await runToClosedCaf(createCaseEngine({ store: original, now: clock }), 'C-F');
    const trail = forge(await original.audit('C-F'));
    const store = memoryStore();
    await seedFixture(store, { case: (await original.load('C-F'))!, audit: trail });
    const engine = createCaseEngine({ store, now: clock });
    expect(verifyAuditTrail(await engine.history('C-F')).ok).toBe(true);
    return { engine, trail: await engine.history('C-F') };
  }
  const at = (trail: AuditEntry[], type: string) => trail.find((e) => e.type === type)!;
  const edit = (type: string, change: (entry: AuditEntry) => AuditEntry) => (trail: AuditEntry[]) =>
    trail.map((e) => (e.type === type ? change(e) : e));

  it('an accepted event whose sender is changed to a role that may not send it is refused on replay, at that entry', async () => {
    const { engine, trail } = await forged(
      edit('stepDown.authorised', (e) => ({ ...e, event: { ...(e.event as object), actor: samplePeople.socialWorker } })),
    );
    const error = await rejection(engine.rebuild('C-F'));
    expect(error.code).toBe('REBUILD_MISMATCH');
    expect(error.details).toMatchObject({ seq: at(trail, 'stepDown.authorised').seq, problem: 'refused', code: 'NOT_ALLOWED', rules: ['division-of-duties'] });
  });

  it('a recorded state after an entry that its replay does not reach is named', async () => {
    const { engine, trail } = await forged(edit('csc.closed', (e) => ({ ...e, stateAfter: ['withChildrensSocialCare.closure.closing'] })));
    const error = await rejection(engine.rebuild('C-F'));
    expect(error.details).toMatchObject({
      seq: at(trail, 'csc.closed').seq,
      problem: 'state-after',
      expected: ['withChildrensSocialCare.closure.closing'],
    });
  });

  it('a tick moved before the deadline it found missed records no breach on replay: the tick is named', async () => {
    const { engine, trail } = await forged(
      edit('clock.tick', (e) => ({ ...e, at: '2024-04-10T07:00:00+01:00', event: { ...(e.event as object), at: '2024-04-10T07:00:00+01:00' } })),
    );
    const error = await rejection(engine.rebuild('C-F'));
    expect(error.details).toMatchObject({
      seq: at(trail, 'clock.tick').seq,
      problem: 'breaches',
      expected: ['first-family-plan-meeting'],
      found: [],
    });
  });

  it('an accepted entry removed from the middle leaves the next one at the wrong version', async () => {
    const { engine, trail } = await forged((t) => t.filter((e) => e.type !== 'consent.given'));
    const error = await rejection(engine.rebuild('C-F'));
    expect(error.details).toMatchObject({ seq: at(trail, 'leadProfessional.agreed').seq, problem: 'version' });
  });

  it('a refusal turned into an acceptance is caught: refusals are skipped, not trusted', async () => {
    const { engine } = await forged((t) => {
      const opened = t[0]!;
      const refusal: AuditEntry = {
        ...t[1]!,
        type: 'caf.closed',
        event: event('caf.closed', '2024-03-05T11:00:00Z'),
        accepted: true,
        errorCode: null,
        version: 1,
      };
      return [opened, t[1]!, refusal, ...t.slice(2)];
    });
    const error = await rejection(engine.rebuild('C-F'));
    expect(error.details).toMatchObject({ seq: 3, type: 'caf.closed', problem: 'version', expected: 3, found: 1 });
  });

  it('an opening that is not this case is named as entry 1', async () => {
    const { engine } = await forged((t) => [{ ...t[0]!, event: { ...(t[0]!.event as object), caseId: 'C-OTHER' } }, ...t.slice(1)]);
    const error = await rejection(engine.rebuild('C-F'));
    expect(error.details).toMatchObject({ seq: 1, type: 'case.opened', problem: 'opening' });
  });
});

describe('engine.rebuild', () => {
  it('matches the stored case at every version along a journey, and replayAuditTrail needs no engine', async () => {
    const engine = createCaseEngine({ now: clock });
    const checked: number[] = [];
    const check = async () => {
      const view = await engine.get('C-V');
      expect(await engine.rebuild('C-V')).toEqual(view);
      checked.push(view.version);
    };
    // The journey's own engine, with a rebuild after every call that may have saved a version.
    const watched: CaseEngine = {
      ...engine,
      open: async (request) => engine.open(request).finally(check),
      send: async (caseId, input, options) => engine.send(caseId, input, options).finally(check),
      tick: async (at) => engine.tick(at).finally(check),
    };
    await runToClosedCaf(watched, 'C-V');
    expect([...new Set(checked)]).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));

    const { snapshot, version } = replayAuditTrail('C-V', await engine.history('C-V'));
    expect({ ...describeCase(snapshot), version, voided: [], policy: { id: 'caf-step-down', version: '2024-08', effectiveFrom: '2024-08-01' } }).toEqual(
      await engine.get('C-V'),
    );
  });

  it('replays a void as the engine made it: the case recomputed without the voided event, the ledger naming the void', async () => {
    const engine = createCaseEngine({ now: clock });
    await engine.open({ caseId: 'C-X', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    await engine.send('C-X', event('decision.agreed', '2024-03-05T10:00:00Z'));
    for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await engine.send('C-X', added);
    // The Lead Professional's agreement recorded in error, then voided by the Team Manager.
    await engine.send('C-X', event('leadProfessional.agreed', '2024-03-08T11:00:00Z', { eventId: 'lp-in-error' }));
    const voided = await engine.send('C-X', event('event.voided', '2024-03-08T12:00:00Z', { voidedEventId: 'lp-in-error', eventId: 'void-1' }));
    expect(voided.voided).toEqual([{ eventId: 'lp-in-error', type: 'leadProfessional.agreed', voidedBy: 'void-1' }]);
    expect(voided.pending).toContainEqual(expect.objectContaining({ step: 'leadProfessional.agreed', rule: 'lead-professional-identified' }));
    const { eventId: _void, ...stored } = voided;
    expect(await engine.rebuild('C-X')).toEqual(stored);
    const replayed = replayAuditTrail('C-X', await engine.history('C-X'));
    expect(replayed.ledger['lp-in-error']).toMatchObject({ type: 'leadProfessional.agreed', voidedBy: 'void-1' });
    expect(replayed.events.map((e) => e.eventId)).not.toContain('lp-in-error');
  });

  it('reads the case again when an event is saved while the trail is read, instead of reporting a false mismatch', async () => {
    const inner = memoryStore();
    let racing: (() => Promise<unknown>) | null = null;
    const store: CaseStore = {
      ...inner,
      async audit(caseId) {
        const trail = await inner.audit(caseId);
        const race = racing;
        racing = null;
        // Another process saves an event between the rebuild's reading of the case and of its trail.
        await race?.();
        return race ? inner.audit(caseId) : trail;
      },
    };
    const engine = createCaseEngine({ store, now: clock });
    await engine.open({ caseId: 'C-C', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    racing = () => engine.send('C-C', event('decision.agreed', '2024-03-05T10:00:00Z'));
    const view = await engine.rebuild('C-C');
    expect(view).toMatchObject({ version: 2, stage: 'preparation' });
  });

  it('is UNKNOWN_CASE for a case that was never opened, and names an empty trail as a missing opening', async () => {
    const engine = createCaseEngine();
    expect((await rejection(engine.rebuild('C-NONE'))).code).toBe('UNKNOWN_CASE');
    expect(() => replayAuditTrail('C-NONE', [])).toThrowError(expect.objectContaining({ code: 'REBUILD_MISMATCH', details: expect.objectContaining({ seq: 1, problem: 'opening' }) }));
  });

  it("refuses to replay one case's trail as another's: a moved trail verifies as a chain, but not as that case's", async () => {
    const engine = createCaseEngine({ now: clock });
    await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
    const trail = await engine.history('C-1');
    expect(replayAuditTrail('C-1', trail).version).toBe(1);
    expect(verifyAuditTrail(trail)).toMatchObject({ ok: true });
    expect(verifyAuditTrail(trail, { caseId: 'C-2' })).toMatchObject({ ok: false, problem: 'moved', seq: 1 });
    expect(() => replayAuditTrail('C-2', trail)).toThrowError(
      expect.objectContaining({ code: 'AUDIT_TRAIL_BROKEN', details: expect.objectContaining({ seq: 1, problem: 'moved' }) }),
    );
  });
});
