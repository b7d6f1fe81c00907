export { rules, getRule } from './rules.js';
export type { Rule, RuleId, RuleKind, RuleStage } from './rules.js';
export { formatCitation, flowchartSteps } from './citation.js';
export type { Citation, GuidanceSection } from './citation.js';
export { roles, roleSchema } from './roles.js';
export type { Role } from './roles.js';
export { defaultPermissions } from './permissions.js';
export { definePolicy, defaultPolicy, defaultTimescales, policyOverridesSchema } from './define-policy.js';
export type { Policy, PolicyOverrides, Timescales } from './define-policy.js';
