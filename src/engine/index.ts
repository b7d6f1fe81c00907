export { createCaseEngine } from './engine.js';
export type { CaseEngine } from './case-engine.js';
export type { CaseEngineOptions, CaseView, EngineEvent, Listener, OpenCase, TickResult, WorklistInput } from './engine.js';
export type { DeadLetterReason, DeliveryOptions, DeliveryResult, Emitter } from './delivery.js';
export type { RelayOptions } from './relay.js';
export { verifyAuditTrail } from './audit-chain.js';
export type { AuditVerification } from './audit-chain.js';
export type {
  AuditDraft,
  AuditEntry,
  CaseStore,
  CaseWrite,
  DeadLetter,
  EngineNotification,
  OutboxMessage,
  StoredCase,
  WorkItem,
  WorklistQuery,
} from './store.js';
export type { RebuildProblem } from './rebuild.js';
export type { SnapshotMigration, SnapshotMigrations } from './migrations.js';
export { telemetryAttributes } from './telemetry.js';
export type { EngineLogger, EngineLogFields } from './logger.js';
export type { CalendarUpdateResult } from './calendar-update.js';
export { deadlineHistory } from './deadline-history.js';
