export { createCaseEngine } from './engine.js';
export type { CaseEngine, CaseEngineOptions, CaseView, EngineEvent, Listener, OpenCase, TickResult } from './engine.js';
export { deliverOutbox, backoffDelay, defaultDeliveryOptions } from './delivery.js';
export type { DeliveryOptions, Emitter } from './delivery.js';
export { verifyAuditTrail, chainEntry, canonicalJson, genesisHash } from './audit-chain.js';
export type { AuditVerification } from './audit-chain.js';
export type { AuditDraft, AuditEntry, CaseStore, EngineNotification, OutboxMessage, StoredCase } from './store.js';
