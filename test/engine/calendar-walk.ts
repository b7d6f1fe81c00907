import { calendarFromGovUk, createCalendar, shippedBankHolidays } from '../../src/calendar/index.js';
import { createCaseEngine, type CaseEngine, type CaseStore, type EngineEvent } from '../../src/engine/index.js';
import { definePolicy } from '../../src/policy/define-policy.js';
import { sampleEvent, sampleFamilyAdded } from '../events/samples.js';

/**
 * The State Funeral bank holiday of Monday 19 September 2022, announced on Saturday 10 September.
 * The council's engine still counts with the data as published before the announcement; its host
 * loads GOV.UK's feed (which lists the new day from 10 September) on the morning of 20 September,
 * after the nightly tick has already judged one deadline against the old calendar. A deadline
 * counted in working days that was opened before 10 September ends by 16 September at the latest
 * (5 working days), so only those opened since span the 19th.
 */
export const funeral = '2022-09-19';
const england = shippedBankHolidays['england-and-wales'];
export const beforeAnnouncement = createCalendar({
  division: 'england-and-wales',
  holidays: england.filter((h) => h.date !== funeral),
  label: 'gov-uk-2022-09-09',
});
const feed = {
  'england-and-wales': {
    division: 'england-and-wales',
    events: england.filter((h) => h.date.startsWith('2022') || h.date.startsWith('2023')).map((h) => ({ ...h, notes: '', bunting: true })),
  },
};
export const afterAnnouncement = calendarFromGovUk(feed, 'england-and-wales', { base: beforeAnnouncement });

export const endOf = (date: string) => `${date}T23:59:59.999+01:00`;
export const rule = 'disagreement-resolution';

export interface World {
  engine: CaseEngine;
  setNow: (at: string) => void;
  heard: EngineEvent[];
}

export function world(store?: CaseStore): World {
  let now = new Date('2022-09-01T09:00:00+01:00');
  const engine = createCaseEngine({ policy: definePolicy({ calendar: beforeAnnouncement }), now: () => now, ...(store ? { store } : {}) });
  const heard: EngineEvent[] = [];
  engine.on('*', (n) => {
    heard.push(n);
  });
  return { engine, setNow: (at) => (now = new Date(at)), heard };
}

/** Opens a case on 1 September 2022 and raises a disagreement on `raisedAt`, with the clock there. */
export async function caseWithDisagreement({ engine, setNow }: World, caseId: string, raisedAt: string): Promise<void> {
  const opened = '2022-09-01T09:00:00+01:00';
  setNow(raisedAt);
  await engine.open({ caseId, route: 'cin-outcome', at: opened, actor: { id: 'tm-1', role: 'team-manager' } });
  for (const event of sampleFamilyAdded(opened)) await engine.send(caseId, event);
  await engine.send(caseId, sampleEvent('decision.agreed', '2022-09-01T11:00:00+01:00'));
  await engine.send(caseId, sampleEvent('disagreement.raised', raisedAt));
}

export const deadlineOf = async (engine: CaseEngine, caseId: string) => (await engine.get(caseId)).deadlines.find((d) => d.rule === rule)!;

