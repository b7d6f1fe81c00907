import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStore } from '../../adapters/file.js';
import { runCli } from '../../src/cli/run.js';
import { worklistRequest } from '../../src/cli/worklist.js';
import { createCaseEngine, type CaseEngine, type WorkItem } from '../../src/index.js';
import { fictionalFamily, startCase, type CaseUnderTest } from '../../src/testing/index.js';

// `caf-step-down worklist` on a file store seeded with cases in spring 2024: Good Friday 29 March
// and Easter Monday 1 April are bank holidays, and the clocks went forward on Sunday 31 March.

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir = '';
let store = '';

/** Records a kit's case (its opening and every event but the clock's) in the engine, as a host would. */
async function seed(engine: CaseEngine, kit: CaseUnderTest, familyId?: string): Promise<void> {
  const { caseId, route, openedAt } = kit.context;
  await engine.open({ caseId, route, at: openedAt, actor: { id: 'fixture-team-manager', role: 'team-manager' }, ...(familyId ? { familyId } : {}) });
  for (const event of kit.events) if (event.type !== 'clock.tick') await engine.send(caseId, event);
}

/** A case decided on `decided`, its final meeting three days later setting the first family plan meeting for `firstMeeting`, closed to CSC on `closed`. */
function closedToCsc(caseId: string, decided: string, firstMeeting: string, closed: string): CaseUnderTest {
  return startCase({ on: decided, caseId, autoTick: false })
    .send('decision.agreed')
    .advanceDays(1)
    .completePreparation()
    .advanceDays(2)
    .send('finalMeeting.held', { firstFamilyPlanMeetingDate: firstMeeting })
    .on(closed)
    .completeClosure();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caf-cli-worklist-'));
  store = `file:${dir}`;
  const files = fileStore({ directory: dir });
  const engine = createCaseEngine({ store: files, now: () => new Date('2024-04-03T12:00:00+01:00') });
  // C-OLD closed to CSC on 24 January 2024: its initial meeting was due by 21 February, and the
  // night's tick of 26 February found it missed.
  await seed(engine, closedToCsc('C-OLD', '2024-01-15', '2024-02-08', '2024-01-24'));
  await engine.tick('2024-02-26T02:00:00Z');
  // Siblings: Leo's case closed on Thursday 21 March, Mia's on Tuesday 2 April (after Easter).
  await seed(engine, closedToCsc('C-LEO', '2024-03-11', '2024-04-10', '2024-03-21'), 'F-1');
  await seed(engine, closedToCsc('C-MIA', '2024-03-18', '2024-04-18', '2024-04-02'), 'F-1');
  // C-NEW: the mother refuses consent on Thursday 28 March, the day before Good Friday: the
  // disagreement is to be resolved within 5 working days, by the end of Monday 8 April.
  await seed(engine, startCase({ on: '2024-03-25', caseId: 'C-NEW' }).send('decision.agreed').on('2024-03-28').send('consent.refused', { personId: 'carer-1' }));
  await files.close?.();
}, 180_000); // every write flushed to disk, on a busy machine

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command line in this process, capturing what it prints. */
async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function json(args: readonly string[]): Promise<WorkItem[]> {
  const result = await run([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as WorkItem[];
}

const slow = 90_000;

describe('caf-step-down worklist', () => {
  it('lists every pending step of the store soonest due first, undated last, by ids and dates only', async () => {
    const { code, stdout, stderr } = await run(['worklist', '--store', store]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = stdout.split('\n');
    expect(rows[0]).toMatch(new RegExp(`^Work list of file:.*: \\d+ steps, soonest due first\\.$`));
    expect(rows[2]).toMatch(/^ {2}due +case +family +stage +step +detail +role +person +user$/);
    expect(rows[3]).toMatch(/^ {2}2024-02-21 +C-OLD +- +early-help +(ehm\.authorised|familyPlanMeeting\.held) .* MISSED$/);
    // Never a name of the fictional family: people are their ids.
    for (const name of [fictionalFamily.child.name, fictionalFamily.parent.name, fictionalFamily.leadProfessional.name]) expect(stdout).not.toContain(name);
    const items = await json(['worklist', '--store', store]);
    const dated = items.filter((w) => w.due !== null).map((w) => w.dueAt!);
    expect(dated).toEqual([...dated].sort((a, b) => a - b));
    expect(items.findIndex((w) => w.due === null)).toBeGreaterThan(items.findLastIndex((w) => w.due !== null));
    expect(new Set(items.map((w) => w.caseId))).toEqual(new Set(['C-OLD', 'C-LEO', 'C-MIA', 'C-NEW']));
  }, slow);

  it("gives a Team Manager the steps due within 5 working days, counted past Easter's bank holidays", async () => {
    // From Wednesday 3 April 2024, 5 working days end with Wednesday 10 April.
    const items = await json(['worklist', '--store', store, '--role', 'team-manager', '--due-within', '5wd', '--today', '2024-04-03']);
    expect(items.map((w) => [w.caseId, w.step, w.detail, w.due, w.actorId])).toEqual([
      ['C-NEW', 'disagreement.resolved', 'D-1', '2024-04-08T23:59:59.999+01:00', 'fixture-team-manager'],
    ]);
    const text = await run(['worklist', '--store', store, '--role', 'team-manager', '--due-within', '5wd', '--today', '2024-04-03']);
    expect(text.stdout).toContain('1 step, role team-manager, due within 5 working days of 2024-04-03 (by the end of 2024-04-10), soonest due first.');
    expect(text.stdout).toMatch(/^ {2}2024-04-08 +C-NEW +- +preparation +disagreement\.resolved +D-1 +team-manager +- +fixture-team-manager$/m);
  }, slow);

  it('counts --due-within to the end of its last working day, that day included', async () => {
    // From Thursday 28 March 2024, Good Friday and Easter Monday are skipped: the 5th working day
    // is Monday 8 April, the very day D-1 falls due (23:59:59.999 BST), so it is listed; 4 working
    // days end on Friday 5 April, before it.
    const five = await json(['worklist', '--store', store, '--role', 'team-manager', '--due-within', '5wd', '--today', '2024-03-28']);
    expect(five.map((w) => w.detail)).toEqual(['D-1']);
    const four = await json(['worklist', '--store', store, '--role', 'team-manager', '--due-within', '4wd', '--today', '2024-03-28']);
    expect(four).toEqual([]);
    expect(worklistRequest({ 'due-within': '5wd', today: '2024-03-28' }, new Date()).window).toEqual({
      today: '2024-03-28',
      workingDays: 5,
      lastDay: '2024-04-08',
      endsAt: '2024-04-08T23:59:59.999+01:00',
    });
  }, slow);

  it("lists a Lead Professional's own steps by person id, and the steps already missed", async () => {
    const lp = await json(['worklist', '--store', store, '--person', 'lp-1']);
    expect(lp.map((w) => [w.caseId, w.step, w.familyId, w.due])).toEqual([
      ['C-OLD', 'familyPlanMeeting.held', null, '2024-02-21T23:59:59.999+00:00'],
      ['C-LEO', 'familyPlanMeeting.held', 'F-1', '2024-04-18T23:59:59.999+01:00'],
      ['C-MIA', 'familyPlanMeeting.held', 'F-1', '2024-04-30T23:59:59.999+01:00'],
    ]);
    const missed = await json(['worklist', '--store', store, '--breached']);
    expect(missed.map((w) => [w.caseId, w.step, w.breached])).toEqual([
      ['C-OLD', 'ehm.authorised', true],
      ['C-OLD', 'familyPlanMeeting.held', true],
    ]);
    const empty = await run(['worklist', '--store', store, '--person', 'nobody-9']);
    expect(empty.stdout).toBe(`Work list of ${store}: 0 steps, person nobody-9, soonest due first.\n`);
  }, slow);

  it.each([
    [['worklist'], 'worklist needs --store'],
    [['worklist', '--store', 'memory'], 'worklist needs --store'],
    [['worklist', '--store', 'file:x', '--role', 'manager'], '--role takes one of social-worker, team-manager'],
    [['worklist', '--store', 'file:x', '--person', 'Alex Example'], '--person takes a person id'],
    [['worklist', '--store', 'file:x', '--due-within', '5 days'], '--due-within takes a number of working days, e.g. 5wd'],
    [['worklist', '--store', 'file:x', '--due-within', '5wd', '--today', '3 April'], '--today takes a date YYYY-MM-DD'],
    [['worklist', '--store', 'file:x', '--today', '2024-04-03'], '--today goes with --due-within'],
    [['worklist', 'C-NEW', '--store', 'file:x'], 'worklist takes no arguments'],
    [['simulate', 'straightforward', '--breached'], 'simulate does not take --breached'],
  ])('refuses %j with one line and exit code 2', async (args, words) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(words);
    expect(stderr).not.toContain('Alex');
  });

  it('runs as a user runs it, in a new process', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'worklist', '--store', store, '--role', 'caf-link-worker', '--json'],
        { cwd: root, maxBuffer: 16 * 1024 * 1024 },
        (error, out) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: out }),
      );
    });
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as WorkItem[];
    // The CAF Link Worker's EHM authorisations are due by the contact's date: 28 days from each closure.
    expect(items.map((w) => [w.caseId, w.step, w.due])).toEqual([
      ['C-OLD', 'ehm.authorised', '2024-02-21T23:59:59.999+00:00'],
      ['C-LEO', 'ehm.authorised', '2024-04-18T23:59:59.999+01:00'],
      ['C-MIA', 'ehm.authorised', '2024-04-30T23:59:59.999+01:00'],
    ]);
  }, slow);
});
