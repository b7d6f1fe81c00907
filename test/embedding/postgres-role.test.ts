import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres.js';
import { StepDownError, createCaseEngine, type CaseEngine, type Emitter } from '../../src/index.js';
import { sampleEvent, sampleFamilyAdded } from '../events/samples.js';
import { freshPrefix } from '../adapters/postgres-place.js';
import { postgresServerUrl } from '../servers.js';

/*
 * The guide's PostgreSQL set-up, as a DBA would follow it: the schema from `migration.ts` applied by
 * the owner, a role with exactly the privileges of `grants.sql`, and the engine run as that role
 * (every operation a host calls, the tick and the relay as a separate process). The role can change
 * no table and cannot rewrite the audit trail.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const url = postgresServerUrl;

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The SQLSTATE of what a statement threw. */
async function sqlState(pool: pg.Pool, sql: string): Promise<string | null> {
  try {
    await pool.query(sql);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'unknown';
  }
}

if (url) {
  describe('docs/embedding.md: the engine as a role with only the documented privileges', { timeout: 120_000 }, () => {
    const prefix = freshPrefix();
    const role = `caf_app_${randomBytes(6).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const owner = new pg.Pool({ connectionString: url, max: 2 });
    let app: pg.Pool;
    let appUrl = '';
    let engine: CaseEngine;
    let bury = true;

    beforeAll(async () => {
      const migration = await run(['examples/embedding/migration.ts', prefix]);
      expect(migration.code, migration.stderr).toBe(0);
      await owner.query(migration.stdout);
      const grants = (await readFile(new URL('../../examples/embedding/grants.sql', import.meta.url), 'utf8'))
        .replaceAll('caf_step_down_app', role)
        .replaceAll('step_down_', `${prefix}_`)
        .replace("'change-me'", `'${password}'`);
      await owner.query(grants);
      const parsed = new URL(url);
      parsed.username = role;
      parsed.password = password;
      appUrl = parsed.toString();
      app = new pg.Pool({ connectionString: appUrl, max: 4 });
      // An emitter that refuses permanently while `bury` is set, so a message reaches the dead letters.
      const refusing: Emitter = {
        name: 'webhook',
        deliver: async () => {
          if (bury) throw new StepDownError('DELIVERY_FAILED', 'HTTP 410', { permanent: true, status: 410 });
        },
      };
      engine = createCaseEngine({
        store: postgresStore({ client: app, tablePrefix: prefix }),
        emitters: [refusing],
        delivery: { maxAttempts: 1 },
        now: () => new Date('2024-07-01T09:00:00Z'),
      });
    });

    afterAll(async () => {
      await app?.end();
      for (const table of ['work', 'dead', 'outbox', 'audit', 'cases', 'migrations']) await owner.query(`DROP TABLE IF EXISTS ${prefix}_${table}`);
      await owner.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await owner.query(`DROP ROLE IF EXISTS ${role}`);
      await owner.end();
    });

    it('is enough for every engine operation: open, send, sendToFamily, tick, work list, delivery, dead letters, redeliver, verifyAll', async () => {
      for (const caseId of ['C-1', 'C-2']) {
        await engine.open({ caseId, familyId: 'F-1', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
        await engine.send(caseId, sampleEvent('decision.agreed', '2024-05-01T11:00:00+01:00'));
        for (const added of sampleFamilyAdded('2024-05-01T11:30:00+01:00')) await engine.send(caseId, added);
      }
      await engine.sendToFamily('F-1', sampleEvent('disagreement.raised', '2024-05-02T11:00:00+01:00'));
      await expect(engine.send('C-1', sampleEvent('csc.closed', '2024-05-03T11:00:00+01:00'))).rejects.toMatchObject({ code: 'EVENT_NOT_ACCEPTED' });
      expect(await engine.tick('2024-06-03T09:00:00+01:00')).toEqual({ cases: 2, breaches: 2, failed: [] });
      expect((await engine.worklist({ breached: true })).length).toBeGreaterThan(0);
      expect((await engine.family('F-1')).map((c) => c.caseId)).toEqual(['C-1', 'C-2']);

      const buried = await engine.deliver();
      expect(buried.buried).toBeGreaterThan(0);
      const [letter] = await engine.deadLetters({ limit: 1 });
      bury = false;
      await engine.redeliver(letter!.messageId);
      while ((await engine.deliver()).delivered > 0);
      expect(await engine.deadLetters()).toHaveLength(buried.buried - 1);
      expect(await engine.verifyAll()).toMatchObject({ cases: 2, broken: [] });
    });

    it('is no more: the role cannot drop or alter a table, rewrite or delete the audit trail, or create tables', async () => {
      expect(await sqlState(app, `DROP TABLE ${prefix}_audit`)).toBe('42501');
      expect(await sqlState(app, `ALTER TABLE ${prefix}_cases ADD COLUMN x text`)).toBe('42501');
      expect(await sqlState(app, `UPDATE ${prefix}_audit SET entry = entry`)).toBe('42501');
      expect(await sqlState(app, `DELETE FROM ${prefix}_audit`)).toBe('42501');
      expect(await sqlState(app, `DELETE FROM ${prefix}_cases`)).toBe('42501');
      expect(await sqlState(app, `TRUNCATE ${prefix}_outbox`)).toBe('42501');
      expect(await sqlState(app, `CREATE TABLE ${prefix}_mine (x int)`)).toBe('42501');
      // The control: the role does read its tables.
      expect(await sqlState(app, `SELECT count(*) FROM ${prefix}_audit`)).toBeNull();
    });

    it('the relay runs as its own process under the role, delivers to a webhook, and stops on SIGTERM', async () => {
      await engine.open({ caseId: 'C-3', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
      const received: string[] = [];
      const server: Server = createServer((request, response) => {
        received.push(String(request.headers['webhook-id']));
        request.resume().on('end', () => response.writeHead(200).end());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const relay = spawn(process.execPath, ['--import', 'tsx', 'examples/embedding/relay-process.ts'], {
          cwd: root,
          env: {
            ...process.env,
            DATABASE_URL: appUrl,
            STEP_DOWN_TABLE_PREFIX: prefix,
            WEBHOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
            WEBHOOK_SECRET: 'whsec_' + Buffer.from('a test secret of thirty-two bytes!!').toString('base64'),
          },
        });
        let stderr = '';
        relay.stderr.on('data', (chunk) => (stderr += chunk));
        const exited = new Promise<number | null>((resolve) => relay.once('exit', resolve));
        await expect.poll(() => received.filter((id) => id.startsWith('C-3:')).length, { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
        relay.kill('SIGTERM');
        expect(await exited, stderr).toBe(0);
        expect(stderr).toContain('"message":"relay stopped"');
        expect(await app.query(`SELECT count(*)::int AS n FROM ${prefix}_outbox WHERE case_id = 'C-3'`).then((r) => r.rows[0].n)).toBe(0);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
} else {
  describe('docs/embedding.md: the engine as a role with only the documented privileges', () => {
    it.skip('runs when DATABASE_URL is set (.ci/run starts a throwaway server)', () => undefined);
  });
}
