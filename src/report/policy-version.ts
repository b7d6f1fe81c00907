import type { AuditEntry } from '../engine/store.js';
import type { Timescales } from '../policy/define-policy.js';
import type { PolicyIdentity } from '../policy/versions.js';

/**
 * The policy version a report's case is judged by, and each adoption that moved it there.
 *
 * @example
 * ```ts
 * (await engine.complianceReport('C-1')).policy; // { id: 'caf-step-down', version: '2025-04', effectiveFrom: '2025-04-01', adoptions: [{ seq: 9, at: '…', version: '2025-04' }] }
 * ```
 */
export interface ReportPolicy extends PolicyIdentity {
  /** Each accepted, unvoided `policy.adopted` of the trail, oldest first: its entry, date and the version adopted. */
  readonly adoptions: readonly { readonly seq: number; readonly at: string | null; readonly version: string }[];
  /**
   * The timescales of this version, so the report's labels say the ones the case is judged by
   * ("within 3 working days"). Absent from a report built without them (read back from a file
   * written before, or built from a view alone): its labels then say the guidance's.
   */
  readonly timescales?: Timescales;
}

/** The case's policy version from its view, with the adoptions its trail records. */
export function reportPolicy(
  policy: PolicyIdentity,
  entries: readonly AuditEntry[],
  voided: ReadonlyMap<number, unknown>,
  timescales?: Timescales,
): ReportPolicy {
  const adoptions = entries
    .filter((e) => e.accepted && e.type === 'policy.adopted' && !voided.has(e.seq))
    .map((e) => ({ seq: e.seq, at: e.at, version: String((e.event as { policyVersion?: unknown } | null)?.policyVersion ?? '') }));
  return { id: policy.id, version: policy.version, effectiveFrom: policy.effectiveFrom, adoptions, ...(timescales ? { timescales: { ...timescales } } : {}) };
}

/**
 * The policy version in plain English, e.g. "Version 2025-04 of the council's step-down policy
 * (caf-step-down), in force from 2025-04-01. The Team Manager moved the case to it on 2025-04-01."
 * Dates are formatted by the caller (`date`), and the ids escaped by `text` (for HTML).
 */
export function policySentence(policy: ReportPolicy, date: (iso: string) => string, text: (plain: string) => string = (plain) => plain): string {
  const base = `Version ${text(policy.version)} of the council's step-down policy (${text(policy.id)}), in force from ${date(policy.effectiveFrom)}.`;
  const last = policy.adoptions.at(-1);
  if (!last) return `${base} The case has been judged by it since the decision to step down.`;
  return `${base} The Team Manager moved the case to it on ${last.at ? date(last.at) : 'a date not recorded'}; earlier steps were judged by the version then in force.`;
}
