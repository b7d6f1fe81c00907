import { describe, expect, it } from 'vitest';
import { createCalendar, shippedBankHolidays } from '../../src/calendar/index.js';
import { sampleEvent } from '../events/samples.js';
import { afterAnnouncement, beforeAnnouncement, caseWithDisagreement, deadlineOf, endOf, funeral, rule, world } from './calendar-walk.js';


describe('engine.updateCalendar: the 19 September 2022 announcement', () => {
  it(`${rule}: moves exactly the open deadlines that span the new holiday, withdraws the breach a tick found too early, and leaves other cases alone`, async () => {
    const w = world();
    const { engine } = w;
    // Spans the 19th: raised Monday 12th, due the 19th on the old calendar (the 20th on the new).
    await caseWithDisagreement(w, 'C-spans-breached', '2022-09-12T10:00:00+01:00');
    // Spans the 19th: raised Wednesday 14th, due the 21st on the old calendar (the 22nd on the new).
    await caseWithDisagreement(w, 'C-spans-open', '2022-09-14T10:00:00+01:00');
    // Does not span it: raised Monday 5th, due Monday 12th under either calendar (missed by the tick).
    await caseWithDisagreement(w, 'C-before', '2022-09-05T10:00:00+01:00');
    expect((await deadlineOf(engine, 'C-spans-breached')).due).toBe(endOf('2022-09-19'));
    expect((await deadlineOf(engine, 'C-spans-open')).due).toBe(endOf('2022-09-21'));
    expect((await deadlineOf(engine, 'C-spans-breached')).calendarVersion).toBe(beforeAnnouncement.version);

    // The nightly tick of 20 September, still on the old calendar, finds the first one missed.
    const tickAt = '2022-09-20T07:00:00+01:00';
    w.setNow(tickAt);
    const ticked = await engine.tick(tickAt);
    expect(ticked).toMatchObject({ breaches: 2, failed: [] }); // C-spans-breached and C-before
    expect((await engine.get('C-spans-breached')).breaches).toMatchObject([{ rule, detectedAt: tickAt, due: endOf('2022-09-19') }]);
    // Raised after the tick, on the old calendar, not spanning the 19th: 21st–27th.
    w.setNow('2022-09-20T09:00:00+01:00');
    await caseWithDisagreement(w, 'C-after', '2022-09-20T09:00:00+01:00');
    const untouched = await Promise.all(['C-before', 'C-after'].map(async (id) => ({ view: await engine.get(id), trail: (await engine.history(id)).length })));
    await engine.deliver();
    w.heard.length = 0;

    w.setNow('2022-09-20T10:00:00+01:00');
    const result = await engine.updateCalendar(afterAnnouncement);
    expect(result).toEqual({
      calendarVersion: afterAnnouncement.version,
      previousCalendarVersion: beforeAnnouncement.version,
      cases: 2,
      deadlines: 2,
      withdrawn: 1,
      failed: [],
    });

    // Each moved by one working day, recording the calendar it was computed with.
    const breached = await engine.get('C-spans-breached');
    expect(breached.deadlines.find((d) => d.rule === rule)).toMatchObject({
      due: endOf('2022-09-20'),
      status: 'open',
      calendarVersion: afterAnnouncement.version,
    });
    expect(breached.breaches).toEqual([]);
    expect(breached.withdrawnBreaches).toMatchObject([
      { rule, detectedAt: tickAt, due: endOf('2022-09-19'), withdrawnAt: '2022-09-20T09:00:00.000Z', withdrawnBecause: 'calendar-changed' },
    ]);
    expect(await deadlineOf(engine, 'C-spans-open')).toMatchObject({ due: endOf('2022-09-22'), status: 'open', calendarVersion: afterAnnouncement.version });

    // Audited on each moved case, as the system, through the one path.
    const entry = (await engine.history('C-spans-breached')).at(-1)!;
    expect(entry).toMatchObject({ type: 'calendar.updated', accepted: true, actor: { id: 'system', role: 'system' }, version: breached.version });
    expect(entry.event).toMatchObject({
      calendarVersion: afterAnnouncement.version,
      previousCalendarVersion: beforeAnnouncement.version,
      added: [funeral],
      removed: [],
      deadlines: [{ deadlineId: 'disagreement-resolution:D-2', due: endOf('2022-09-20') }],
    });

    // A case whose deadline does not span the 19th takes no entry and no change.
    for (const [index, id] of ['C-before', 'C-after'].entries()) {
      expect(await engine.get(id)).toEqual(untouched[index]!.view);
      expect(await engine.history(id)).toHaveLength(untouched[index]!.trail);
    }
    expect((await deadlineOf(engine, 'C-before')).calendarVersion).toBe(beforeAnnouncement.version);

    // Notified: each move, and the withdrawn breach.
    await engine.deliver();
    const moved = w.heard.filter((n) => n.type === 'deadline.moved');
    expect(moved).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId: 'C-spans-breached', from: endOf('2022-09-19'), to: endOf('2022-09-20'), calendarVersion: afterAnnouncement.version }),
        expect.objectContaining({ caseId: 'C-spans-open', from: endOf('2022-09-21'), to: endOf('2022-09-22') }),
      ]),
    );
    expect(moved).toHaveLength(2);
    expect(w.heard.filter((n) => n.type === 'breach.withdrawn')).toEqual([
      expect.objectContaining({ caseId: 'C-spans-breached', rule, reason: 'calendar-changed' }),
    ]);

    // Later events and ticks count with the new calendar.
    expect(engine.policy.calendar?.version).toBe(afterAnnouncement.version);
    await caseWithDisagreement(w, 'C-late-record', '2022-09-13T10:00:00+01:00');
    expect(await deadlineOf(engine, 'C-late-record')).toMatchObject({ due: endOf('2022-09-21'), calendarVersion: afterAnnouncement.version });
    const nextTick = '2022-09-21T07:00:00+01:00';
    w.setNow(nextTick);
    await engine.tick(nextTick);
    expect((await engine.get('C-spans-breached')).breaches).toMatchObject([{ rule, detectedAt: nextTick, due: endOf('2022-09-20') }]);
    expect((await deadlineOf(engine, 'C-spans-open')).status).toBe('open');

    // Updating again with the same calendar finds nothing left to move.
    expect(await engine.updateCalendar(afterAnnouncement)).toMatchObject({ cases: 0, deadlines: 0, withdrawn: 0 });
  });

  it('rebuilds a moved case from its trail: the replay counts with the calendar each entry was recorded under', async () => {
    const w = world();
    await caseWithDisagreement(w, 'C-1', '2022-09-12T10:00:00+01:00');
    w.setNow('2022-09-20T07:00:00+01:00');
    await w.engine.tick('2022-09-20T07:00:00+01:00');
    w.setNow('2022-09-20T10:00:00+01:00');
    await w.engine.updateCalendar(afterAnnouncement);
    const view = await w.engine.rebuild('C-1');
    expect(view.deadlines.find((d) => d.rule === rule)).toMatchObject({ due: endOf('2022-09-20'), calendarVersion: afterAnnouncement.version });
    expect((await w.engine.verifyAll()).broken).toEqual([]);
  });

  it('refuses a calendar of another division, and one not built by the library', async () => {
    const { engine } = world();
    const scotland = createCalendar({ division: 'scotland', holidays: shippedBankHolidays.scotland });
    await expect(engine.updateCalendar(scotland)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'calendar' } });
    await expect(engine.updateCalendar({ division: 'england-and-wales' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(engine.policy.calendar?.version).toBe(beforeAnnouncement.version);
  });

  it('a calendar.updated cannot be voided: the calendar is a fact of the record', async () => {
    const w = world();
    await caseWithDisagreement(w, 'C-1', '2022-09-14T10:00:00+01:00');
    w.setNow('2022-09-20T10:00:00+01:00');
    await w.engine.updateCalendar(afterAnnouncement);
    const eventId = ((await w.engine.history('C-1')).at(-1)!.event as { eventId: string }).eventId;
    await expect(
      w.engine.send('C-1', { ...sampleEvent('event.voided', '2022-09-20T10:00:00+01:00'), voidedEventId: eventId }),
    ).rejects.toMatchObject({ code: 'EVENT_NOT_ACCEPTED' });
  });
});
