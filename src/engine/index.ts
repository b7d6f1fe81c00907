export { createCaseEngine } from './engine.js';
export type { CaseEngine } from './case-engine.js';
export type { CaseEngineOptions, CaseView, EngineEvent, Listener, OpenCase, TickResult, WorklistInput } from './engine.js';
export { deliverOutbox, backoffDelay, defaultDeliveryOptions } from './delivery.js';
export type { DeadLetterReason, DeliveryOptions, DeliveryResult, Emitter } from './delivery.js';
export type { RelayOptions } from './relay.js';
export { verifyAuditTrail, chainEntry, canonicalJson, genesisHash } from './audit-chain.js';
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
export { workOrder } from './worklist.js';
export type { Ledger, LedgerEntry } from './ledger.js';
export { replayAuditTrail } from './rebuild.js';
export type { RebuildProblem, ReplayedCase, ReplayOptions } from './rebuild.js';
export { migrateSnapshot, snapshotMigrations } from './migrations.js';
export type { SnapshotMigration, SnapshotMigrations } from './migrations.js';
export { telemetryAttributes } from './telemetry.js';
export type { EngineLogger, EngineLogFields } from './logger.js';
