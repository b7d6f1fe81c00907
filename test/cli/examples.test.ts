// The runnable examples of the README (`npm run example`, `npm run example:deadlines`), run as a
// user runs them: a new node process from the package root.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sampleNames } from '../events/samples.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', file], { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const slow = 90_000;

describe.concurrent('examples', () => {
  it('step-down.ts: people by id, a resend, NO_EFFECT, FUTURE_DATED, a void, a breach found by the tick, the work list, the trail intact', async () => {
    const { code, stdout, stderr } = await run('examples/step-down.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('✓ person.added jo-patel');
    expect(stdout).toMatch(/✓ consent\.given \(resent\) +stage preparation v14 /);
    expect(stdout).toMatch(/✗ views\.recorded leo \(again\) +NO_EFFECT/);
    expect(stdout).toMatch(/✗ views\.recorded leo \(2099\) +FUTURE_DATED/);
    expect(stdout).toMatch(/✗ finalMeeting\.held +GATE_BLOCKED — views-recorded .*no-open-disagreement/);
    expect(stdout).toContain('host-evt-carer-x (person.added), by host-evt-void-1');
    expect(stdout).toContain('! breach of first-family-plan-meeting on case CASE-2024-0117, due 2024-11-14T23:59:59.999+00:00');
    // The work list after the tick: the Lead Professional's missed initial meeting, by person id.
    expect(stdout).toMatch(/⋯ CASE-2024-0117 familyPlanMeeting\.held \(lead-professional [\w.-]+\) due 2024-11-14T23:59:59\.999\+00:00 MISSED/);
    expect(stdout).toContain('Outcome: caf-closed');
    expect(stdout).toMatch(/hash chain intact/);
    // Ids, rule ids, dates and citations only: no name of the sample family reaches the output.
    for (const name of sampleNames) expect(stdout).not.toContain(name);
  }, slow);

  it('deadlines.ts: the calendar’s deadlines across Christmas and the clock changes', async () => {
    const { code, stdout, stderr } = await run('examples/deadlines.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('due   2024-12-31T23:59:59.999+00:00');
    expect(stdout).toContain('due   2025-01-02T23:59:59.999+00:00');
    expect(stdout).toContain('due   2024-04-07T23:59:59.999+01:00');
  }, slow);
});
