import type { CaseEngine } from '../../src/index.js';
import { deadlineHistory } from '../../src/engine/deadline-history.js';

/**
 * Every deadline a case has had, settled ones included: since snapshot version 3 the view shows only
 * those still open or missed, and the rest are folded from the trail.
 */
export async function everyDeadline(engine: CaseEngine, caseId: string) {
  return deadlineHistory(caseId, await engine.history(caseId), { policy: engine.policy });
}
