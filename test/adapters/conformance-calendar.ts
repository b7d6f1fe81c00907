import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../../src/index.js';
import { afterAnnouncement, caseWithDisagreement, deadlineOf, endOf, rule, world } from '../engine/calendar-walk.js';
import type { StoreFactory } from './conformance.js';

/**
 * `engine.updateCalendar` on a store (issue 13): the cases it moves are found through the store's
 * indexes (next due, and the work-list's breached steps), each takes its entry in one atomic write,
 * and the case rebuilds from its trail. One call per store's test file.
 */
export function testCalendarUpdate(name: string, factory: StoreFactory): void {
  describe(`${name} store: engine.updateCalendar`, () => {
    beforeAll(async () => factory.prepare?.(), 120_000);
    let store: CaseStore;
    afterAll(async () => {
      await store?.close?.();
      await factory.cleanup?.();
    });

    it(`${rule}: moves the open and missed deadlines spanning 19 September 2022, and no other case`, async () => {
      store = await factory.make();
      const w = world(store);
      await caseWithDisagreement(w, 'C-missed', '2022-09-12T10:00:00+01:00');
      await caseWithDisagreement(w, 'C-open', '2022-09-14T10:00:00+01:00');
      await caseWithDisagreement(w, 'C-resolved-first', '2022-09-05T10:00:00+01:00');
      w.setNow('2022-09-20T07:00:00+01:00');
      await w.engine.tick('2022-09-20T07:00:00+01:00');
      const untouched = (await w.engine.history('C-resolved-first')).length;
      w.setNow('2022-09-20T10:00:00+01:00');
      expect(await w.engine.updateCalendar(afterAnnouncement)).toMatchObject({ cases: 2, deadlines: 2, withdrawn: 1, failed: [] });
      expect(await deadlineOf(w.engine, 'C-missed')).toMatchObject({ due: endOf('2022-09-20'), status: 'open' });
      expect(await deadlineOf(w.engine, 'C-open')).toMatchObject({ due: endOf('2022-09-22'), status: 'open' });
      expect((await store.load('C-missed'))!.nextDueAt).toBe(Date.parse(endOf('2022-09-20')));
      expect(await w.engine.history('C-resolved-first')).toHaveLength(untouched);
      for (const caseId of ['C-missed', 'C-open']) await w.engine.rebuild(caseId);
    }, 60_000);
  });
}
