import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createCaseEngine } from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { listen, testSecret } from './harness.js';
import { journeyOpening, journeySteps } from './journey-steps.js';

const script = fileURLToPath(new URL('./python-client.py', import.meta.url));
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
if (!python) console.warn('test/server/python-client.test.ts: SKIPPED, python3 is not on PATH; the non-JavaScript client did not run.');

describe(python ? 'a Python client (standard library only)' : 'a Python client (SKIPPED: python3 is not on PATH)', () => {
  const engine = createCaseEngine();
  const server = createServer(engine, { auth: { secret: testSecret } });
  afterAll(() => server.close());

  it.skipIf(!python)('walks a case from the decision to the CAF closure and reads a refusal problem', async () => {
    const base = await listen(server);
    const journey = join(mkdtempSync(join(tmpdir(), 'caf-server-')), 'journey.json');
    writeFileSync(journey, JSON.stringify({ opening: journeyOpening, steps: journeySteps() }));
    // Asynchronous: the server answers in this process while the script runs.
    const { stdout } = await promisify(execFile)('python3', [script, '--base', base, '--secret', testSecret, '--journey', journey, '--case-id', 'C-PY-1']);
    const summary = JSON.parse(stdout);
    expect(summary).toEqual({
      caseId: 'C-PY-1',
      events: journeySteps().filter((s) => s.kind === 'event').length,
      version: (await engine.get('C-PY-1')).version,
      outcome: 'caf-closed',
      breaches: ['first-family-plan-meeting'],
      refusal: { status: 409, code: 'EVENT_NOT_ACCEPTED', type: 'urn:caf-step-down:problem:event-not-accepted' },
    });
    // The service recorded what the script sent, as the token's actors: the refusal audited as the Lead Professional.
    const last = (await engine.history('C-PY-1')).at(-1)!;
    expect(last).toMatchObject({ accepted: false, errorCode: 'EVENT_NOT_ACCEPTED', actor: { role: 'lead-professional' } });
  }, 60_000);
});
