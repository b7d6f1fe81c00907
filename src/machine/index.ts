export { createStepDownMachine, stepDownMachine, machineVersion } from './machine.js';
export type { StepDownMachine, StepDownMachineOptions } from './machine.js';
export { describeCase } from './describe.js';
export type { CaseDescription, DeadlineView } from './describe.js';
export { explainRefusal } from './explain.js';
export type { Refusal, UnmetRule } from './explain.js';
export { outcomes } from './context.js';
export type {
  Breach,
  CaseContext,
  CaseInput,
  Deadline,
  DeadlineStatus,
  Disagreement,
  Outcome,
  RecordedView,
  Person,
  ConsentRecord,
  WithdrawnBreach,
  Destination,
  Route,
} from './context.js';
export type { Notification, NotificationType, Stage } from './notifications.js';
export type { PendingStep } from './pending.js';
export type { CaseSnapshot } from './snapshot.js';
export { caseInputSchema } from './initial-context.js';
export { persistCase, restoreCase } from './persistence.js';
export type { PersistedCase } from './persistence.js';
