import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { authFromEnvironment } from '../../src/cli/serve.js';
import { runCli } from '../../src/cli/run.js';
import { call, hmacToken, testSecret } from './harness.js';
import { journeyOpening, journeySteps } from './journey-steps.js';

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
const script = fileURLToPath(new URL('./python-client.py', import.meta.url));

/** Starts `caf-step-down serve` as its own process and resolves with its base URL once it listens. */
function serve(store: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--store', store, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving .* on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
  });
  return { child, base, exited, stderr: () => stderr };
}

describe('caf-step-down serve', { timeout: 120_000 }, () => {
  it('serves a store with HMAC tokens from the environment, then stops on SIGTERM with exit code 0', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'caf-serve-'));
    const process = serve('memory', { CAF_STEP_DOWN_JWT_SECRET: testSecret });
    const base = await process.base;
    expect((await call(base, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    if (python) {
      // The Python client's whole journey, against the command as a council would run it.
      const journey = join(directory, 'journey.json');
      writeFileSync(journey, JSON.stringify({ opening: journeyOpening, steps: journeySteps() }));
      const { stdout } = await promisify(execFile)('python3', [script, '--base', base, '--secret', testSecret, '--journey', journey, '--case-id', 'C-CLI-1']);
      expect(JSON.parse(stdout)).toMatchObject({ caseId: 'C-CLI-1', outcome: 'caf-closed', refusal: { status: 409, code: 'EVENT_NOT_ACCEPTED' } });
    } else {
      console.warn('test/server/serve-cli.test.ts: python3 is not on PATH; the Python journey against serve was SKIPPED, a JavaScript request stands in.');
      const opened = await call(base, 'POST', '/cases', { token: await hmacToken(journeyOpening.actor), body: { caseId: 'C-CLI-1', ...journeyOpening.body } });
      expect(opened.status).toBe(201);
    }
    const read = await call(base, 'GET', '/cases/C-CLI-1', { token: await hmacToken(journeyOpening.actor) });
    expect(read.status).toBe(200);
    process.child.kill('SIGTERM');
    expect(await process.exited).toBe(0);
    expect(process.stderr()).toMatch(/finishing requests in flight, then stopping/);
  }, 120_000);

  it('refuses to start without exactly one key source, and a port that is not one', async () => {
    expect(() => authFromEnvironment({})).toThrow(/exactly one of CAF_STEP_DOWN_JWT_SECRET and CAF_STEP_DOWN_JWKS_URL/);
    expect(() => authFromEnvironment({ CAF_STEP_DOWN_JWT_SECRET: testSecret, CAF_STEP_DOWN_JWKS_URL: 'https://idp.test/jwks' })).toThrow(/exactly one/);
    expect(
      authFromEnvironment({ CAF_STEP_DOWN_JWKS_URL: 'https://idp.test/jwks', CAF_STEP_DOWN_JWT_AUDIENCE: 'caf', CAF_STEP_DOWN_JWT_ROLE_CLAIM: 'stepdown_role' }),
    ).toEqual({ jwksUrl: 'https://idp.test/jwks', audience: 'caf', claims: { role: 'stepdown_role' } });
    const errors: string[] = [];
    const io = { stdout: () => undefined, stderr: (text: string) => void errors.push(text) };
    expect(await runCli(['serve', '--port', 'eighty'], io)).toBe(2);
    expect(errors.join('')).toMatch(/--port takes a port number/);
    expect(await runCli(['serve', '--today', '2024-01-01'], io)).toBe(2);
    expect(errors.join('')).toMatch(/serve does not take --today/);
  });
});
