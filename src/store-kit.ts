/**
 * For authors of a third-party store (a `CaseStore` on a database the library has no driver for):
 * the pieces the library's own drivers share, so a new driver chains audit entries, checks a case's
 * head, orders the work list and lists dead letters exactly as the conformance suite expects.
 *
 * This is not the package's public API, and it is versioned more loosely (see `docs/decisions.md`,
 * "The package surface"): what it exports follows the store contract, and may change in a minor
 * release when that contract changes; the release notes then say what a driver must change. Hosts
 * that embed the engine never need it. The store's types (`CaseStore`, `StoredCase`, `AuditDraft`,
 * `AuditEntry`, `OutboxMessage`, `WorkItem`, `WorklistQuery`, `DeadLetter`, `WriteOptions`, ...)
 * are public and come from the package root.
 *
 * @example
 * ```ts
 * import type { AuditDraft, AuditEntry, CaseStore } from 'caf-step-down';
 * import { chainEntry, checkTrailHead, nextHead } from 'caf-step-down/store-kit';
 *
 * // Inside the driver's own transaction, holding the case's lock:
 * checkTrailHead(caseId, stored.version, stored.head, null, last, options);
 * const entry: AuditEntry = chainEntry(last, draft);
 * const head = nextHead(entry, stored.version + 1, options);
 * ```
 *
 * @module
 */
export { chainEntry } from './engine/audit-chain.js';
export { checkTrailHead, nextHead } from './engine/heads-check.js';
export type { HeadProblem } from './engine/heads-check.js';
export { workMatches, workOrder } from './engine/worklist.js';
export { byBurial, deadLetter } from './engine/dead-letters.js';
export type { BuriedMessage } from './engine/dead-letters.js';
