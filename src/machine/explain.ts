import { parseEvent, type StepDownEvent } from '../events/index.js';
import { defaultPolicy, type Policy } from '../policy/define-policy.js';
import { getRule, type RuleId } from '../policy/rules.js';
import { gateChecks, unmetGates } from './gates.js';
import { pendingSteps } from './pending.js';
import { handledEvents, stageOf, type CaseSnapshot } from './snapshot.js';

/** One unmet rule behind a refusal. */
export interface UnmetRule {
  readonly rule: RuleId;
  readonly citation: string;
  /** What is missing, in ids, counts and dates: never an event's free text. */
  readonly reason: string;
}

/** Why the machine would not take an event. */
export interface Refusal {
  /** `NOT_ALLOWED`: wrong role. `EVENT_NOT_ACCEPTED`: not a step of this stage. `GATE_BLOCKED`: a gate is unmet. */
  readonly code: 'NOT_ALLOWED' | 'EVENT_NOT_ACCEPTED' | 'GATE_BLOCKED';
  readonly message: string;
  readonly rules: readonly UnmetRule[];
}

/**
 * Says why an event would change nothing, or returns null when the machine would take it. The same
 * gate checks back the machine's guards, so the explanation and the behaviour cannot drift apart.
 * The event is validated first, so a host calling from plain JavaScript gets `INVALID_EVENT`, not a
 * crash inside a gate.
 *
 * @throws StepDownError `INVALID_EVENT` when the event does not match its schema.
 *
 * @example
 * ```ts
 * explainRefusal(snapshot, finalMeetingEvent);
 * // { code: 'GATE_BLOCKED', rules: [{ rule: 'informed-consent', citation: 'G "Decision made…" ¶1; …', reason: '…' }], … }
 * ```
 */
export function explainRefusal(snapshot: CaseSnapshot, input: StepDownEvent, policy: Policy = defaultPolicy): Refusal | null {
  const event = parseEvent(input);
  const { context } = snapshot;
  if (snapshot.status !== 'active') {
    return {
      code: 'EVENT_NOT_ACCEPTED',
      message: `Case ${context.caseId} has ended with outcome '${context.outcome}'; it takes no further events.`,
      rules: [],
    };
  }
  const role = gateChecks['division-of-duties'](context, event, policy);
  if (role !== null) {
    return refusal('NOT_ALLOWED', `'${event.type}' refused`, [{ rule: 'division-of-duties', reason: role }]);
  }
  if (!handledEvents(snapshot).has(event.type)) {
    const waiting = pendingSteps(snapshot).map((p) => `${p.step} (${p.role})`);
    const rule = orderRule(snapshot, event);
    return refusal('EVENT_NOT_ACCEPTED', `'${event.type}' is not a step of the ${stageOf(snapshot)} stage now`, [
      { rule, reason: `the case is waiting for: ${waiting.join(', ') || 'nothing'}.` },
    ]);
  }
  const unmet = unmetGates(context, event, policy);
  if (unmet.length === 0) return null;
  return refusal('GATE_BLOCKED', `'${event.type}' is blocked`, unmet);
}

function refusal(code: Refusal['code'], lead: string, unmet: { rule: RuleId; reason: string }[]): Refusal {
  const rules = unmet.map((u) => ({ ...u, citation: getRule(u.rule).citation }));
  const message = `${lead}: ${rules.map((r) => `${r.rule} (${r.citation}): ${r.reason}`).join(' ')}`;
  return { code, message, rules };
}

/** The rule an out-of-order event breaks: the decision first, the ladder rung by rung, then the flowchart's order. */
function orderRule(snapshot: CaseSnapshot, event: StepDownEvent): RuleId {
  if (stageOf(snapshot) === 'decision') return 'threshold-decision';
  switch (event.type) {
    case 'leadProfessional.challengeFailed':
      return 'lp-escalation-clw';
    case 'leadProfessional.panelFailed':
      return 'lp-clw-challenge';
    case 'noLeadProfessional.recorded':
      return 'lp-transforming-lives-panel';
    default:
      return 'step-sequence';
  }
}
