import { describe, expect, it } from 'vitest';
import { readOptions } from '../../scripts/reliability/options.js';
import { endMarker, startMarker, withSection } from '../../scripts/reliability/report.js';

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
      tamperEveryStore: false,
      databaseUrl: 'postgres://x',
    });
    expect(() => readOptions(['--shrot'], {})).toThrow('Unknown option --shrot');
    expect(() => readOptions([], { RELIABILITY_CLUSTER_EVENTS: 'lots' })).toThrow('RELIABILITY_CLUSTER_EVENTS must be a whole number');
  });
});
