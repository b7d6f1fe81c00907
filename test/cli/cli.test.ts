import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresServerUrl } from '../servers.js';
import { journeys } from '../simulator/journeys.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line as a user would (a new node process), from the package root. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: root, env: { ...process.env, ...env, CAF_STEP_DOWN_DEBUG: '' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A failure is one line on stderr, names no stack frame, and prints nothing on stdout. */
function expectOneLineError(run: Run, code: number, words: string | RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^caf-step-down: /);
  expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
  expect(run.stderr).not.toMatch(/Error:|node:internal/);
  if (typeof words === 'string') expect(run.stderr).toContain(words);
  else expect(run.stderr).toMatch(words);
}

// Every test starts a node process (a second or more each): generous timeouts, run side by side.
const slow = 90_000;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caf-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('caf-step-down', () => {
  it('prints help, and the help of a command', async () => {
    const [overview, simulate, worklist] = await Promise.all([cli(['--help']), cli(['help', 'simulate']), cli(['worklist', '--help'])]);
    expect(overview.code).toBe(0);
    expect(overview.stdout).toContain('caf-step-down simulate <scenario file or built-in name>');
    expect(overview.stdout).toContain('caf-step-down worklist --store <store> [--role <role>] [--person <id>] [--due-within <N>wd] [--breached] [--json]');
    expect(overview.stdout).toContain('Exit codes:');
    expect(simulate.stdout).toContain('A date alone ("2024-12-27") means');
    expect(simulate.stdout).toContain('events name people by id ("personId": "carer-1")');
    expect(simulate.stdout).toContain('"toFamily": true (all or nothing)');
    expect(worklist.stdout).toContain('--due-within 5wd lists what is due by the end of the 5th working day after today');
  }, slow);

  it('lists the twenty-one built-in scenarios, as text and as JSON', async () => {
    const [text, json] = await Promise.all([cli(['list']), cli(['list', '--json'])]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}review-missed-over-christmas +cin-outcome, expects caf-closed, breach: family-plan-review$/m);
    expect(text.stdout).toMatch(/^ {2}breaches-withdrawn-by-later-records +cin-outcome, expects stepped-up, no breaches$/m);
    const rows = JSON.parse(json.stdout) as { name: string; outcome: string }[];
    expect(rows).toHaveLength(21);
    expect(text.stdout).toMatch(/^ {2}policy-revised-from-april +cin-outcome, expects open, breach: disagreement-resolution$/m);
    expect(text.stdout).toMatch(/^ {2}siblings-step-down-together +cin-outcome, expects caf-closed, no breaches$/m);
    expect(rows.find((r) => r.name === 'transfer-out')?.outcome).toBe('transferred-out');
    expect(rows.find((r) => r.name === 'lead-professional-ladder')?.outcome).toBe('universal-services');
  }, slow);

  it('simulates a built-in scenario and prints its timeline in plain English, whose views by relationship', async () => {
    const run = await cli(['simulate', 'review-missed-over-christmas']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\n  3  3 Jul 2024 +Social Worker +Parent\/carer's view recorded \(carer-1\) +Preparation\n/);
    expect(run.stdout).toMatch(/\n +BREACH: Family plan review held late, due 26 Dec 2024, found 27 Dec 2024\n +Practice guidance, 'Role of the Lead Professional', paragraph 2\n/);
    expect(run.stdout).toContain('Breaches: 1 — Family plan review held late, due 26 Dec 2024, found 27 Dec 2024');
    expect(run.stdout).toContain('Result: as the scenario expects.');
    expect(run.stdout).not.toContain('views.recorded');
  }, slow);

  it('simulate --ids prints the developer\'s timeline: event types, rule ids and deadline ids', async () => {
    const run = await cli(['simulate', 'review-missed-over-christmas', '--ids']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines).toContain('  #  date        who                 what                                stage');
    expect(lines).toContain(' 15  2024-07-18  social-worker       csc.closed                          early-help');
    expect(lines).toContain('  5  2024-07-03  social-worker       views.recorded lp-1                 preparation');
    expect(lines).toContain('                 opened              first-family-plan-meeting due 2024-08-15');
    expect(lines).toContain('                 BREACH              family-plan-review: due 2024-12-26, found 2024-12-27 — G "Role of the Lead Professional" ¶2');
    expect(lines).toContain('Breaches: 1 — family-plan-review (due 2024-12-26, found 2024-12-27)');
    expect(lines).toContain('Result: as the scenario expects.');
  }, slow);

  it.each(Object.entries(journeys))('runs the built-in scenario %s from the command line to its expected outcome', async (name, journey) => {
    const run = await cli(['simulate', name, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { passed: boolean; final: { outcome: string; breaches: { rule: string }[] } };
    expect(result.passed).toBe(true);
    expect(result.final.outcome).toBe(journey.outcome);
    expect(result.final.breaches.map((b) => b.rule)).toEqual(journey.breaches);
  }, slow);

  it('prints JSON for machines with --json', async () => {
    const run = await cli(['simulate', 'step-up', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      passed: boolean;
      store: string;
      final: { outcome: string };
      timeline: { what: string; who: string; refusal: { code: string } | null }[];
    };
    expect(result.passed).toBe(true);
    expect(result.store).toBe('memory');
    expect(result.final.outcome).toBe('stepped-up');
    expect(result.timeline.filter((e) => e.refusal).map((e) => [e.who, e.what, e.refusal!.code])).toEqual([
      ['early-help-manager', 'stepUp.referred', 'NOT_ALLOWED'],
    ]);
  }, slow);

  it('runs a scenario file given by path', async () => {
    const run = await cli(['simulate', 'examples/scenarios/consent-withdrawn.json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Outcome: CAF closed: consent withdrawn · stage Closed');
  }, slow);

  it('says where malformed JSON is broken, on one line, exit code 2', async () => {
    const file = join(dir, 'malformed.json');
    await writeFile(file, '{\n  "name": "broken",\n  "steps": [\n    { "at": "2024-09-02" }\n  \n');
    expectOneLineError(await cli(['simulate', file]), 2, `${file} is not valid JSON: line 6, column 1: expected , or ] after a list entry, found the end of the file.`);
  }, slow);

  it('names the line and field of a wrong field, and what it should be', async () => {
    const file = join(dir, 'wrong-field.json');
    await writeFile(
      file,
      [
        '{',
        '  "name": "wrong-field",',
        '  "description": "A role that does not exist.",',
        '  "route": "cin-outcome",',
        '  "openedAt": "2024-09-02",',
        '  "steps": [',
        '    { "at": "2024-09-02", "as": "team-manager", "event": "decision.agreed" },',
        '    { "at": "2024-09-04", "as": "social-worker", "event": "views.recorded", "payload": { "personId": "Next Door Neighbour" } }',
        '  ]',
        '}',
      ].join('\n'),
    );
    const run = await cli(['simulate', file]);
    expectOneLineError(run, 2, `${file} line 8, steps[1].payload.personId: expected an id: letters, digits and . _ : - only, starting with a letter or digit, at most 128 characters.`);
    expect(run.stderr).not.toContain('Neighbour');
  }, slow);

  it('refuses a missing file, an unknown scenario, command or option with one line and exit code 2', async () => {
    const [missing, unknownScenario, unknownCommand, unknownOption, noArgument, wrongOption] = await Promise.all([
      cli(['simulate', join(dir, 'nope.json')]),
      cli(['simulate', 'no-such-scenario']),
      cli(['simulate-all']),
      cli(['simulate', 'step-up', '--colour']),
      cli(['simulate']),
      cli(['simulate', 'step-up', '--format', 'html']),
    ]);
    expectOneLineError(missing, 2, 'nope.json: no such file.');
    expectOneLineError(unknownScenario, 2, "No scenario file or built-in scenario named 'no-such-scenario'; built-in scenarios are: breaches-withdrawn-by-later-records, closure-returned-once,");
    expectOneLineError(unknownCommand, 2, "unknown command 'simulate-all'");
    expectOneLineError(unknownOption, 2, 'unknown option --colour; see caf-step-down --help.');
    expectOneLineError(noArgument, 2, 'simulate needs <scenario file or built-in name>');
    expectOneLineError(wrongOption, 2, 'simulate does not take --format');
  }, slow);

  it('exits 1 and says what differed when a scenario does not come out as it expects', async () => {
    const file = join(dir, 'wrong-expectation.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'wrong-expectation',
        description: 'Expects a breach that never happens.',
        route: 'cin-outcome',
        openedAt: '2024-09-02',
        steps: [{ at: '2024-09-02', as: 'team-manager', event: 'decision.agreed' }],
        expect: { stage: 'preparation', breaches: ['first-family-plan-meeting'] },
      }),
    );
    const run = await cli(['simulate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Result: NOT as the scenario expects (1 problem):');
    expect(run.stdout).toContain('  - at the end (expect, line 1): expected a breach of first-family-plan-meeting; there is none');
  }, slow);

  it('runs on a file store, keeps the case there for a report, and refuses to run it twice', async () => {
    const store = `file:${join(dir, 'store')}`;
    const first = await cli(['simulate', 'initial-meeting-held-late', '--store', store]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Store: ${store} keeps the case as sim-initial-meeting-held-late.`);
    const [again, report] = await Promise.all([
      cli(['simulate', 'initial-meeting-held-late', '--store', store]),
      cli(['report', 'sim-initial-meeting-held-late', '--store', store]),
    ]);
    expectOneLineError(again, 2, `Case sim-initial-meeting-held-late already exists in ${store}: report it by its id, or pass --case-id to run the scenario as another case.`);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('# Compliance report: case sim-initial-meeting-held-late');
    expect(report.stdout).toContain('first-family-plan-meeting');
  }, 3 * slow); // every write of two runs and a report is flushed to disk, beside the other tests' processes

  it("runs a family scenario on a file store, keeps each child's case there, and names the case already there on a second run", async () => {
    const store = `file:${join(dir, 'family-store')}`;
    const first = await cli(['simulate', 'siblings-step-down-together', '--store', store]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Store: ${store} keeps the family fam-sibs-1's cases as sim-siblings-step-down-together-older, sim-siblings-step-down-together-younger.`,
    );
    const [again, other] = await Promise.all([
      cli(['simulate', 'siblings-step-down-together', '--store', store]),
      cli(['simulate', 'siblings-step-down-together', '--store', store, '--case-id', 'SIBS-2', '--json']),
    ]);
    const worklist = await cli(['worklist', '--store', store]);
    expectOneLineError(again, 2, `Case sim-siblings-step-down-together-older already exists in ${store}`);
    expect(other.code).toBe(0);
    expect((JSON.parse(other.stdout) as { scenario: { cases: { caseId: string }[] } }).scenario.cases.map((c) => c.caseId)).toEqual(['SIBS-2-older', 'SIBS-2-younger']);
    // Both CAFs closed: nothing waits.
    expect(worklist.stdout).toMatch(/^Work list of file:.*: 0 steps, soonest due first\.$/m);
  }, 3 * slow);

  it('fails on an unreachable PostgreSQL with one line and exit code 3, without the password', async () => {
    const run = await cli(['simulate', 'step-up', '--store', 'postgres:postgres://someone:s3cret@127.0.0.1:1/stepdown']);
    expectOneLineError(run, 3, 'Cannot use the PostgreSQL store at postgres:127.0.0.1:1/stepdown: the connection was refused');
    expect(run.stderr).not.toContain('s3cret');
  }, slow);

  it.runIf(postgresServerUrl)('runs on a PostgreSQL server (DATABASE_URL)', async () => {
    const caseId = `cli-${Date.now()}`;
    const run = await cli(['simulate', 'partner-disagrees-withdrawn', '--store', `postgres:${postgresServerUrl}`, '--case-id', caseId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Outcome: Stays with Children's Social Care");
    const report = await cli(['report', caseId, '--store', postgresServerUrl!, '--format', 'mermaid']);
    expect(report.stdout).toMatch(/^gantt\n/);
  }, slow);

  it('writes a scenario\'s compliance report as HTML, and its deadlines as a Mermaid Gantt chart', async () => {
    const out = join(dir, 'christmas.html');
    const [html, gantt] = await Promise.all([
      cli(['report', 'review-missed-over-christmas', '--format', 'html', '--out', out]),
      cli(['report', 'review-missed-over-christmas', '--format', 'mermaid']),
    ]);
    expect(html.code).toBe(0);
    expect(html.stdout).toBe('');
    expect(html.stderr).toBe(`caf-step-down: wrote ${out}\n`);
    const page = await readFile(out, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('family-plan-review');
    expect(gantt.code).toBe(0);
    expect(gantt.stdout).toMatch(/^gantt\n/);
    expect(gantt.stdout).toContain('section family-plan-review');
  }, slow);

  it('never prints a name where an id belongs: the timeline, its JSON and the report show people by id', async () => {
    const [text, json, md, html] = await Promise.all([
      cli(['simulate', 'parent-disagrees-won-round']),
      cli(['simulate', 'parent-disagrees-won-round', '--json']),
      cli(['report', 'parent-disagrees-won-round']),
      cli(['report', 'parent-disagrees-won-round', '--format', 'html']),
    ]);
    for (const run of [text, json, md, html]) {
      expect(run.code, run.stderr).toBe(0);
      // The fictional family's names and agencies, and words of the scenario's own payloads.
      for (const words of ['Robin', 'Alex', 'Jordan', 'Casey', 'Morgan', 'Example', 'Riverside', 'Hilltop', 'worried about coping']) {
        expect(run.stdout.toLowerCase()).not.toContain(words.toLowerCase());
      }
    }
    expect(text.stdout).toContain("Parent/carer's disagreement raised (carer-1, D-1)");
    expect(text.stdout).toContain('Lead Professional agreed (lp-1)');
  }, slow);

  it('refuses a report format it does not know, and a case id without a store', async () => {
    const [format, noStore] = await Promise.all([
      cli(['report', 'step-up', '--format', 'pdf']),
      cli(['report', 'sim-step-up']),
    ]);
    expectOneLineError(format, 2, '--format takes md, html, mermaid, not pdf');
    expectOneLineError(noStore, 2, "'sim-step-up' is not a scenario file or a built-in scenario (see caf-step-down list); to report a stored case, give --store.");
  }, slow);

  it('prints the statechart as a Mermaid state diagram', async () => {
    const run = await cli(['diagram']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^stateDiagram-v2\n/);
    expect(run.stdout).toContain('decision --> preparation : decision.agreed');
  }, slow);
});
