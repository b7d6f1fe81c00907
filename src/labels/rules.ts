import type { Timescales } from '../policy/define-policy.js';
import type { RuleId, RuleStage } from '../policy/rules.js';
import { timescaleBreachLabels, timescaleRuleLabels } from './timescale-words.js';

/**
 * Every rule of the catalogue as a short name a practitioner knows it by: what the policy asks for.
 * The rule id stays beside it on the pages, as a reference for developers.
 *
 * @example
 * ```ts
 * ruleLabels['family-plan-review']; // => 'Family plan reviewed every 6 to 8 weeks'
 * ```
 */
export const ruleLabels: Readonly<Record<RuleId, string>> = {
  'entry-route': 'Step down starts from a CIN, CP or 10-day checkpoint decision',
  'threshold-decision': 'Step down agreed in supervision first',
  'division-of-duties': 'Each step taken by the right role',
  'step-sequence': 'Steps taken in the order of the flowchart',
  destination: 'Case steps down to a CAF or to universal services',
  'own-cases-only': 'Lead Professionals act only on their own cases',
  'transfer-out': 'Family moving away: case transferred out',
  'people-on-record': 'Everyone named is a person on the case',
  'views-recorded': 'Views of the child, parents and partners recorded',
  'informed-consent': 'Informed consent to the CAF from a parent or carer',
  'consent-refusal-is-disagreement': 'Refused consent treated as a disagreement',
  'family-disagreement': "Family's disagreement discussed with the Team Manager",
  'partner-disagreement': "Partner agency's disagreement documented",
  'disagreement-resolution': 'Disagreement resolved within 5 working days',
  'no-open-disagreement': 'No disagreement left open',
  'disagreement-withdrawal': 'Disagreement ended by withdrawing the step down',
  'step-down-withdrawal': 'Team Manager may withdraw the step down',
  'lead-professional-identified': 'Lead Professional identified and agreed',
  'lp-escalation-clw': 'No Lead Professional: raised with the CAF Link Worker',
  'lp-clw-challenge': 'CAF Link Worker challenges the partners involved',
  'lp-transforming-lives-panel': 'No Lead Professional: taken to the Transforming Lives Panel',
  'lp-none-universal-services': 'Still no Lead Professional: steps down to universal services',
  'final-meeting-kind': 'Right kind of final meeting for the route',
  'final-meeting-views': 'Views gathered at the final meeting',
  'caf-assessment-in-meeting': 'CAF assessment completed in the final meeting',
  'destination-plan': 'Plan for where the case steps down to',
  'reconvened-meeting': 'Final meeting held again when returned',
  'smart-family-plan': 'SMART family plan agreed',
  'first-meeting-date': 'First family plan meeting set within 28 days',
  'lead-professional-attends': 'Lead Professional at the final meeting',
  'step-down-outcome': "Outcome recorded as 'Step Down to CAF'",
  'ecaf-referral-complete': 'e-CAF referral fully completed',
  'parents-aware-of-transfer': 'Parents aware of the transfer',
  'closure-summary': 'Closure summary written for the Team Manager',
  'tm-file-review': "Team Manager's file review before closure",
  'tm-quality-assurance': 'Team Manager quality assures and authorises',
  'separation-of-duties': 'Closure summary authorised by someone else',
  'documents-shared-with-all': 'Minutes and CAF shared with everyone involved',
  'csc-closure': "Case closed to Children's Social Care after authorisation",
  'ehm-quality-assurance': 'CAF Link Worker quality assures the CAF in EHM',
  'clw-contacts-lead-professional': 'CAF Link Worker contacts the Lead Professional',
  'first-family-plan-meeting': 'Initial family plan meeting within 28 days',
  'family-plan-meeting-record': 'Family plan meetings recorded and shared',
  'family-plan-review': 'Family plan reviewed every 6 to 8 weeks',
  'caf-closure-all-actions-met': 'CAF closes only when every action is met',
  'caf-twelve-months': 'Reassessment if the plan is not met in 12 months',
  reassessment: 'Reassessment with the team around the family',
  'lead-professional-change': 'Lead Professional replaced when one leaves',
  'step-up': "Case may go back to Children's Social Care",
  'consent-withdrawal': 'CAF closes when consent is withdrawn',
};

/**
 * A rule's name (as {@link ruleLabels}), with the timescales of the policy version that governs the
 * case: "Disagreement resolved within 3 working days" under a version with 3. Without `timescales`,
 * the guidance's own words. A rule id this version does not know is shown as it is.
 *
 * @example
 * ```ts
 * ruleLabel('family-plan-review'); // => 'Family plan reviewed every 6 to 8 weeks'
 * ruleLabel('disagreement-resolution', { ...defaultTimescales, disagreementResolutionWorkingDays: 3 });
 * // => 'Disagreement resolved within 3 working days'
 * ```
 */
export function ruleLabel(rule: RuleId, timescales?: Timescales): string {
  return (timescales ? timescaleRuleLabels(timescales)[rule] : undefined) ?? ruleLabels[rule] ?? rule;
}

/**
 * A breach of a rule as a manager reads it: what went wrong. For the rules whose breach has words
 * of its own ("Family plan review held late"); any other rule's breach is "Not met: " and its name.
 * Without `timescales`, the guidance's own words.
 *
 * @example
 * ```ts
 * breachLabel('family-plan-review'); // => 'Family plan review held late'
 * breachLabel('views-recorded'); // => 'Not met: Views of the child, parents and partners recorded'
 * // With the timescales of the version that governs the case:
 * breachLabel('disagreement-resolution', { ...defaultTimescales, disagreementResolutionWorkingDays: 3 });
 * // => 'Disagreement not resolved within 3 working days'
 * ```
 */
export function breachLabel(rule: RuleId, timescales?: Timescales): string {
  // A report read back from a file may name a rule this version does not know: show its id.
  return (timescales ? timescaleBreachLabels(timescales)[rule] : undefined) ?? breachLabels[rule] ?? `Not met: ${ruleLabel(rule, timescales)}`;
}

const breachLabels: Partial<Record<RuleId, string>> = {
  'disagreement-resolution': 'Disagreement not resolved within 5 working days',
  'first-meeting-date': 'First family plan meeting not set within 28 days',
  'clw-contacts-lead-professional': 'Lead Professional not contacted in time',
  'first-family-plan-meeting': 'Initial family plan meeting held late',
  'family-plan-review': 'Family plan review held late',
  'caf-twelve-months': 'Plan not met within 12 months',
  'family-plan-meeting-record': 'Family plan meeting not recorded or not shared',
  'lead-professional-attends': 'Lead Professional missed the final meeting',
};

/**
 * The catalogue's stages as headings, in policy order: the report groups its rules by them.
 *
 * @example
 * ```ts
 * ruleStageLabels.ehm; // => 'Quality assurance in EHM'
 * ```
 */
export const ruleStageLabels: Readonly<Record<RuleStage, string>> = {
  decision: 'Decision',
  preparation: 'Preparation before the final meeting',
  'final-meeting': 'Final meeting',
  closure: 'Closure and referral',
  ehm: 'Quality assurance in EHM',
  'early-help': 'Early Help under the CAF',
  any: 'Throughout the case',
};
