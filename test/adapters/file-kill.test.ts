import { describe, expect, it } from 'vitest';
import { killTrials } from './file-kill.js';

/** Bounded for every run; `FILE_KILL_TRIALS=100` runs more (docs/reliability.md has the figures). */
const trials = Number(process.env.FILE_KILL_TRIALS ?? 8);

describe('the file store under kill -9', () => {
  it(`${trials} writers killed at a random moment: nothing acknowledged lost, every saved notification claimed by the next relay`, { timeout: 30_000 + trials * 2_000 }, async () => {
    const figures = await killTrials(trials);
    expect(figures.acknowledged).toBeGreaterThanOrEqual(2 * trials);
    expect(figures).toMatchObject({ trials, lostAcknowledged: 0, lostNotifications: 0, strayNotifications: 0, brokenTrails: 0 });
  });

  it(`${trials} writers of three cases at once (saveMany) killed at a random moment: every batch taken whole or not at all, indexes of the versions shown`, { timeout: 30_000 + trials * 3_000 }, async () => {
    const figures = await killTrials(trials, 4, 80, 'batch');
    expect(figures.acknowledged).toBeGreaterThanOrEqual(6 * trials);
    expect(figures).toMatchObject({
      trials,
      lostAcknowledged: 0,
      lostNotifications: 0,
      strayNotifications: 0,
      brokenTrails: 0,
      splitBatches: 0,
      staleIndexes: 0,
    });
  });
});
