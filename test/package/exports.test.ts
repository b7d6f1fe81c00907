import { describe, expect, it } from 'vitest';
import { exportNames } from './export-names.js';

// The package root is its public API: a name added here is a promise to hosts, kept under semver, so
// adding one must be a deliberate edit of this list (and its TSDoc, with an example). Internals stay
// in their modules; what a third-party store needs is under `caf-step-down/store-kit`.
const rootValues = [
  'SHIPPED_DATA_DATE', 'SHIPPED_FIRST_YEAR', 'SHIPPED_LAST_YEAR', 'StepDownError', 'addDays', 'addMonths',
  'addWorkingDays', 'breachLabel', 'buildComplianceReport', 'cafClosedSchema', 'calendarFromGovUk',
  'calendarUpdatedSchema', 'caseInputSchema', 'caseTransferredOutSchema', 'caseloadToHtml', 'citationText',
  'clockTickSchema', 'closureEventSchemas', 'closureSummaryCompletedSchema', 'complianceReport',
  'consentGivenSchema', 'consentRefusedSchema', 'consentWithdrawnSchema', 'correctionEventSchemas',
  'createCalendar', 'createCaseEngine', 'createStepDownMachine', 'cscClosedSchema', 'deadlineHistory', 'deadlineKindLabels',
  'deadlineLabel', 'deadlineStatusLabels', 'decisionAgreedSchema', 'defaultCalendar', 'defaultPermissions',
  'defaultPolicy', 'defaultPolicyIdentity', 'defaultTimescales', 'definePolicy', 'describeCase', 'disagreementRaisedSchema',
  'disagreementResolvedSchema', 'divisions', 'documentsSharedSchema', 'eCafFormSchema',
  'eCafReferralCompletedSchema', 'earlyHelpEpisode', 'earlyHelpEpisodeEndReasons', 'earlyHelpEpisodeReasons',
  'earlyHelpEventSchemas', 'ehmAuthorisedSchema', 'ehmEventSchemas', 'ehmInfoProvidedSchema',
  'ehmInfoRequestedSchema', 'endOfDay', 'errorCodes', 'eventLabel', 'eventLabels', 'eventSchemas',
  'eventTypes', 'eventVoidedSchema', 'eventsJsonSchema', 'explainRefusal', 'familyPlanActionSchema',
  'familyPlanActionStatusSchema', 'familyPlanMeetingHeldSchema', 'fileReviewCompletedSchema',
  'finalMeetingEventSchemas', 'finalMeetingHeldSchema', 'flowchartSteps', 'formatCitation', 'formatHead',
  'getRule', 'idPattern', 'idSchema', 'involvementEndedSchema', 'isEventType', 'isId', 'isStepDownError',
  'isWorkingDay', 'leadProfessionalAgreedSchema', 'leadProfessionalChallengeFailedSchema',
  'leadProfessionalContactedSchema', 'leadProfessionalLeftSchema', 'leadProfessionalNotFoundSchema',
  'leadProfessionalPanelFailedSchema', 'loadWovenPolicy', 'machineVersion', 'maxIdLength',
  'noLeadProfessionalRecordedSchema', 'outcomeLabels', 'outcomes', 'parseEvent', 'parseHead',
  'pendingStepLabel', 'pendingStepReference', 'peopleEventSchemas', 'persistCase', 'personAddedSchema',
  'personUpdatedSchema', 'policyAdoptedSchema', 'policyEventSchemas', 'policyOverridesSchema', 'preparationEventSchemas', 'reassessmentCompletedSchema',
  'refusalLabel', 'refusalLabels', 'relationshipLabels', 'relationshipSchema', 'reportToHtml',
  'reportToMarkdown', 'restoreCase', 'roleLabels', 'roleSchema', 'roles', 'routeLabels', 'ruleCitations',
  'ruleLabel', 'ruleLabels', 'ruleStageLabels', 'ruleStatuses', 'rules', 'shippedBankHolidays', 'socialCareEpisodeClosure',
  'stageLabels', 'stepDownAuthorisedSchema', 'stepDownEventSchema', 'stepDownMachine',
  'stepDownReturnedSchema', 'stepDownWithdrawnSchema', 'stepUpReferredSchema', 'telemetryAttributes',
  'timeEventSchemas', 'timelineSvg', 'toLondonDate', 'toMermaid', 'toMermaidGantt',
  'transferDetailsCompletedSchema', 'verifyAuditTrail', 'verifyHead', 'viewsRecordedSchema',
  'workingDaysBetween', 'wovenParagraphSchema', 'wovenPolicySchema', 'wovenPolicyToHtml',
  'wovenPolicyToMarkdown', 'wovenRuleSchema',
];

const rootTypes = [
  'Actor', 'AuditDraft', 'AuditEntry', 'AuditProblem', 'AuditSigningOptions', 'AuditVerification',
  'AuditVerificationOptions', 'BankHoliday', 'Breach', 'BrokenCase', 'BuildReportOptions', 'Calendar',
  'CalendarOptions', 'CalendarUpdateResult', 'CaseContext', 'CaseDescription', 'CaseEngine',
  'CaseEngineOptions', 'CaseHead', 'CaseInput', 'CaseSnapshot', 'CaseStore', 'CaseView', 'CaseWrite',
  'CaseloadBreach', 'CaseloadOptions', 'Citation', 'ComplianceReport', 'ConsentRecord', 'CreateCalendarInput',
  'CscClosureReason', 'DateInput', 'DeadLetter', 'DeadLetterReason', 'Deadline', 'DeadlineKind',
  'DeadlineStatus', 'DeadlineTiming', 'DeadlineView', 'DeliveryOptions', 'DeliveryResult', 'Destination', 'Disagreement',
  'Division', 'ECafForm', 'EarlyHelpEpisode', 'Emitter', 'EngineEvent', 'EngineLogFields', 'EngineLogger',
  'EngineNotification', 'EventInputOf', 'EventIssue', 'EventOf', 'EventType', 'GanttCase', 'GanttStage',
  'GovUkMergeOptions', 'GuidanceSection', 'HeadSigningKey', 'HeadVerificationKey', 'Listener',
  'MermaidStatechartOptions', 'Notification', 'NotificationType', 'OpenCase', 'OutboxMessage', 'Outcome',
  'PendingStep', 'PersistedCase', 'Person', 'Policy', 'PolicyChange', 'PolicyIdentity', 'PolicyOverrides', 'RebuildProblem', 'RecordedView',
  'Refusal', 'Relationship', 'RelayOptions', 'ReportAuditTrail', 'ReportBreach', 'ReportCorrection',
  'ReportDeadline', 'ReportEntry', 'ReportEnvelope', 'ReportEvidence', 'ReportPolicy', 'ReportSource', 'ReportView',
  'ReportWithdrawnBreach', 'Role', 'Route', 'Rule', 'RuleId', 'RuleKind', 'RuleReport', 'RuleStage',
  'RuleStatus', 'SignedHead', 'SnapshotMigration', 'SnapshotMigrations', 'SocialCareEpisodeClosure', 'Stage',
  'StageSpan', 'StepDownErrorCode', 'StepDownEvent', 'StepDownEventInput', 'StepDownMachine', 'StepDownMachineOptions', 'StoredCase',
  'TickResult', 'Timescales', 'UnmetRule', 'VerifyAllOptions', 'VerifyAllResult', 'VerifyProgress',
  'WithdrawnBreach', 'WorkItem', 'WorklistInput', 'WorklistQuery', 'WovenParagraph', 'WovenPolicy',
  'WovenRule', 'WriteOptions',
];

const storeKit = {
  values: ['byBurial', 'chainEntry', 'checkTrailHead', 'deadLetter', 'nextHead', 'workMatches', 'workOrder'],
  types: ['BuriedMessage', 'HeadProblem'],
};

// Names a host once reached from the root and must not any more (issue 12): internals of the audit
// chain, the relay, the work list, snapshot migration, the machine's gates and the renderers.
const internals = [
  'chainEntry', 'canonicalJson', 'genesisHash', 'hashEntry', 'backoffDelay', 'deliverOutbox', 'defaultDeliveryOptions',
  'workOrder', 'workMatches', 'replayAuditTrail', 'migrateSnapshot', 'snapshotMigrations', 'snapshotVersion',
  'emittedNotifications', 'gatesFor', 'foldEvents', 'eventProblem', 'sharedGuards', 'escapeHtml', 'escapeMarkdown',
  'coverageLine', 'checkTrailHead', 'nextHead', 'deadLetter', 'byBurial',
];

describe('the package surface', () => {
  const root = exportNames('src/index.ts');

  it('exports from its root exactly the public values and types', () => {
    expect(root.values).toEqual(rootValues);
    expect(root.types).toEqual(rootTypes);
  }, 120_000);

  it('leaves the internals out of the root', async () => {
    const runtime = Object.keys(await import('../../src/index.js')).sort();
    expect(runtime).toEqual(rootValues);
    expect(internals.filter((name) => runtime.includes(name) || root.types.includes(name))).toEqual([]);
  }, 120_000);

  it('gives store authors their kit under the store-kit subpath, and nothing a host needs', async () => {
    expect(exportNames('src/store-kit.ts')).toEqual(storeKit);
    const kit = await import('../../src/store-kit.js');
    expect(Object.keys(kit).sort()).toEqual(storeKit.values);
    expect(storeKit.values.filter((name) => rootValues.includes(name))).toEqual([]);
  }, 120_000);
});
