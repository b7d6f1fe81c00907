/**
 * caf-step-down: the council's policy for stepping a child's case down from Children's Social Care
 * to Early Help under a CAF, as an explicit XState machine with working-day deadlines.
 *
 * @packageDocumentation
 */
export { StepDownError, isStepDownError, errorCodes } from './errors.js';
export type { StepDownErrorCode } from './errors.js';
export * from './calendar/index.js';
export { idPattern, idSchema, isId, maxIdLength } from './ids/id.js';
export * from './events/index.js';
export * from './policy/index.js';
export * from './machine/index.js';
export * from './engine/index.js';
export * from './diagram/index.js';
export * from './report/index.js';
export * from './policy-doc/index.js';
export * from './returns/index.js';
// Signed audit heads (issue 11): the text format and its checks, the engine's `audit` option, `verifyAll`.
export { formatHead, parseHead, verifyHead } from './engine/heads.js';
export type { CaseHead, SignedHead, HeadSigningKey, HeadVerificationKey } from './engine/heads.js';
export type { AuditSigningOptions } from './engine/heads-store.js';
export type { BrokenCase, VerifyAllOptions, VerifyAllResult, VerifyProgress } from './engine/heads-verify.js';
export type { AuditProblem, AuditVerificationOptions } from './engine/audit-chain.js';
export type { WriteOptions } from './engine/store.js';
export * from './labels/index.js';
// Policy versions (issue 13): a case's governing version, its adoption and the preview of one.
export { defaultPolicyIdentity } from './policy/define-policy.js';
export { policyAdoptedSchema } from './events/policy-adoption.js';
export type { PolicyIdentity } from './policy/versions.js';
export type { PolicyChange, DeadlineTiming } from './engine/policy-versions.js';
export type { ReportPolicy } from './report/policy-version.js';
