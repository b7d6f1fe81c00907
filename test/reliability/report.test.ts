import { describe, expect, it } from 'vitest';
import { readOptions } from '../../scripts/reliability/options.js';
import { endMarker, failures, missedWithKey, renderSection, startMarker, withSection, type ReliabilityResults } from '../../scripts/reliability/report.js';
import type { TamperCell } from '../../scripts/reliability/tamper.js';

describe('the reliability run', () => {
  it('replaces only its own section of docs/reliability.md, and appends one to a doc without it', () => {
    const section = `${startMarker}\nnew figures\n${endMarker}`;
    const doc = `# Reliability\n\nwritten by hand\n\n${startMarker}\nold figures\n${endMarker}\n\n## After\nalso by hand\n`;
    expect(withSection(doc, section)).toBe(`# Reliability\n\nwritten by hand\n\n${section}\n\n## After\nalso by hand\n`);
    expect(withSection('# Reliability\n\nby hand\n', section)).toBe(`# Reliability\n\nby hand\n\n${section}\n`);
  });

  it('takes its counts from --short and the environment, and refuses what it does not know', () => {
    expect(readOptions([], {})).toMatchObject({ short: false, write: true, fileKillTrials: 60, tamperEveryStore: true, databaseUrl: undefined });
    expect(readOptions(['--short', '--no-write'], { RELIABILITY_FILE_KILLS: '7', DATABASE_URL: 'postgres://x' })).toMatchObject({
      short: true,
      write: false,
      fileKillTrials: 7,
      engineFuzzEvents: 2_000,
      postgresKillTrials: 2,
      clusterEventsPerWriter: 5,
      tamperEveryStore: false,
      databaseUrl: 'postgres://x',
    });
    expect(() => readOptions(['--shrot'], {})).toThrow('Unknown option --shrot');
    expect(() => readOptions([], { RELIABILITY_CLUSTER_EVENTS: 'lots' })).toThrow('RELIABILITY_CLUSTER_EVENTS must be a whole number');
  });

  it('counts a tampering a signed column missed as a failure, naming its store, mode and check; unsigned columns may miss', () => {
    const cell = (mode: string, verify: boolean, verifyAll: boolean): TamperCell => ({
      store: 'file', mode, tampering: 'truncate: the last entry (a refusal), the head moved to match', verify, verifyAll, rebuild: false, nextWrite: false, how: '',
    });
    const results = (tamper: TamperCell[]): ReliabilityResults => ({
      options: readOptions(['--short'], { DATABASE_URL: 'postgres://x' }),
      date: '2026-11-29 12:00 UTC',
      machine: 'test',
      seconds: 1,
      engineFuzz: { sent: 1, refused: 0, otherThrows: 0, changedByRefusal: 0 },
      machineFuzz: { sent: 1, refused: 0, throws: 0, changedByRefusal: 0 },
      crashes: [],
      tamper,
      cluster: null,
    }) as ReliabilityResults;
    const clean = results([cell('clear', false, false), cell('signed, clear', true, true)]);
    expect(missedWithKey(clean.tamper)).toEqual([]);
    expect(failures(clean)).toEqual([]);
    expect(renderSection(clean)).toContain('With an Ed25519 signing key every tampering was detected');
    const missed = results([cell('signed, sealed', true, false)]);
    expect(failures(missed)).toEqual(['tamper matrix: tamperings not detected with a signing key: 1']);
    expect(renderSection(missed)).toContain('(file, signed, sealed: A missed)');
  });
});
