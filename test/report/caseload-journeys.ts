import type { CaseEngine, CaseStore, WorkItem } from '../../src/index.js';
import type { CaseloadBreach } from '../../src/report/index.js';
import { closedToCsc, decidedWithViews, disagreement, openCase, runToClosedCaf, sample, sendAll, testEngine } from './journeys.js';

/** The day the caseload is read: Monday 22 April 2024, noon, after the morning's tick. */
export const caseloadAsOf = '2024-04-22T12:00:00+01:00';

/**
 * A team's cases on 22 April 2024, each at a different point:
 * - `C-1` closed (a whole CAF): on no one's list;
 * - `E-1` in Early Help: the initial family plan meeting was due 18 April and the tick found it missed;
 * - `P-1` in preparation with a disagreement raised 7 March, due in 5 working days and found missed;
 * - `P-2` in preparation, waiting for consent and a Lead Professional, with no deadline;
 * - `D-1` just opened, waiting for the Team Manager's decision.
 */
export async function teamCaseload(store?: CaseStore): Promise<{ engine: CaseEngine; items: WorkItem[]; breaches: Record<string, CaseloadBreach[]> }> {
  const { engine } = testEngine(store ? { store } : {});
  await runToClosedCaf(engine, 'C-1');
  await closedToCsc(engine, 'E-1');
  await sendAll(engine, 'E-1', [sample('ehm.authorised', '2024-03-25T10:00:00Z'), sample('leadProfessional.contacted', '2024-03-26T10:00:00Z')]);
  await decidedWithViews(engine, 'P-1');
  await sendAll(engine, 'P-1', [disagreement('school', '2024-03-07T10:00:00Z', 'D-2')]);
  await decidedWithViews(engine, 'P-2');
  await openCase(engine, 'D-1', 'cp-outcome', '2024-04-19T09:00:00Z');
  await engine.tick('2024-04-22T07:00:00+01:00');
  const items = await engine.worklist({ limit: 1000 });
  const breaches: Record<string, CaseloadBreach[]> = {};
  for (const caseId of new Set(items.map((i) => i.caseId))) breaches[caseId] = [...(await engine.get(caseId)).breaches];
  return { engine, items, breaches };
}
