/**
 * The compliance report: each rule of the catalogue met, breached, pending or not applicable for one
 * case, with its evidence from the audit trail and its citation; rendered as Markdown or as a
 * self-contained HTML page with a timeline.
 *
 * @module
 */
export { complianceReport, buildComplianceReport } from './compliance.js';
export type { BuildReportOptions, ReportSource, ReportView } from './compliance.js';
export { reportToMarkdown } from './markdown.js';
export { reportToHtml } from './html.js';
export { caseloadToHtml } from './caseload.js';
export type { CaseloadBreach, CaseloadOptions } from './caseload.js';
export { timelineSvg } from './timeline-svg.js';
export { ruleStatuses } from './types.js';
export type {
  ComplianceReport,
  ReportAuditTrail,
  ReportBreach,
  ReportCorrection,
  ReportDeadline,
  ReportEntry,
  ReportEnvelope,
  ReportEvidence,
  ReportWithdrawnBreach,
  RuleReport,
  RuleStatus,
  StageSpan,
} from './types.js';
