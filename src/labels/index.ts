/**
 * Plain-English labels for practitioners: every event type, rule, stage, outcome, role and kind of
 * deadline, and the policy's citations written out in full. The report, the caseload page and the
 * simulator's timeline speak in these words; ids stay beside them as references for developers.
 *
 * @module
 */
export { eventLabels, eventLabel, relationshipLabels } from './events.js';
export { ruleLabels, ruleLabel, breachLabel, ruleStageLabels } from './rules.js';
export {
  stageLabels,
  outcomeLabels,
  routeLabels,
  roleLabels,
  deadlineStatusLabels,
  deadlineKindLabels,
  deadlineLabel,
} from './vocabulary.js';
export type { DeadlineKind } from './vocabulary.js';
export { citationText, ruleCitations } from './citations.js';
export { pendingStepLabel, pendingStepReference } from './steps.js';
export { refusalLabels, refusalLabel } from './refusals.js';
