import { getRule, type RuleId } from '../policy/rules.js';
import type { Breach, CaseContext, Deadline } from './context.js';
import { isAfter } from './instants.js';
import type { Notification } from './notifications.js';

/** A change to a case: the new context and the notifications it raises. */
export interface Effects {
  readonly context: CaseContext;
  readonly notifications: readonly Notification[];
}

/** Starts a deadline. Its due instant was computed with the calendar when the step that starts it happened. */
export function openDeadline(
  effects: Effects,
  deadline: { id: string; rule: RuleId; opensAt: string; due: string; windowOpens?: string; calendarVersion?: string },
): Effects {
  const { context } = effects;
  const opened: Deadline = { ...deadline, status: 'open', closedAt: null };
  return {
    context: { ...context, deadlines: [...context.deadlines, opened] },
    notifications: [
      ...effects.notifications,
      { type: 'deadline.opened', caseId: context.caseId, rule: deadline.rule, deadlineId: deadline.id, due: deadline.due },
    ],
  };
}

/**
 * Closes a deadline by the step that meets it, dated `at` (and recorded at `recordedAt`, when the
 * event says). A step dated by its due instant counts as met even when recorded after it, and even
 * after a tick marked it missed: that breach is withdrawn. A step dated after it is `met-late`, and
 * the breach is recorded now if no tick found it first.
 */
export function meetDeadline(effects: Effects, deadlineId: string, at: string, recordedAt?: string): Effects {
  const deadline = effects.context.deadlines.find((d) => d.id === deadlineId);
  if (!deadline || deadline.status === 'met' || deadline.status === 'met-late' || deadline.status === 'cancelled') {
    return effects;
  }
  const late = isAfter(at, deadline.due);
  const closed: Deadline = { ...deadline, status: late ? 'met-late' : 'met', closedAt: at, ...(recordedAt ? { recordedAt } : {}) };
  let next = replaceDeadline(effects, closed);
  if (late && deadline.status === 'open') next = recordBreach(next, deadline.rule, at, deadline);
  if (!late && deadline.status === 'missed') next = withdrawBreach(next, deadline, at, 'met-on-time');
  return next;
}

/** Closes a deadline whose due time the step itself is judged against (e.g. a date set in a meeting). */
export function judgeDeadline(effects: Effects, deadline: Deadline, met: boolean, at: string): Effects {
  const judged: Deadline = { ...deadline, status: met ? 'met' : 'missed', closedAt: at };
  const next = {
    context: { ...effects.context, deadlines: [...effects.context.deadlines, judged] },
    notifications: effects.notifications,
  };
  return met ? next : recordBreach(next, deadline.rule, at, judged);
}

/** `clock.tick` at `at`: every open deadline whose last instant has passed is missed, its breach recorded once. */
export function sweepMissed(effects: Effects, at: string): Effects {
  let next = effects;
  for (const deadline of effects.context.deadlines) {
    if (deadline.status === 'open' && isAfter(at, deadline.due)) {
      next = replaceDeadline(next, { ...deadline, status: 'missed' });
      next = recordBreach(next, deadline.rule, at, deadline);
    }
  }
  return next;
}

/**
 * On an outcome dated `at`: deadlines already overdue at that date are missed; those not yet due no
 * longer apply and are cancelled, so a closed case shows nothing open. A deadline a tick marked
 * missed whose due instant had not passed by the outcome's date was not needed on its due date (the
 * case had already left the path that needed it, as an earlier-dated record now shows): it is
 * cancelled and its breach withdrawn (DOMAIN "Time").
 */
export function settleOnOutcome(effects: Effects, at: string): Effects {
  let next = sweepMissed(effects, at);
  for (const deadline of next.context.deadlines) {
    if (deadline.status === 'open') next = replaceDeadline(next, { ...deadline, status: 'cancelled', closedAt: at });
    if (deadline.status === 'missed' && !isAfter(at, deadline.due)) {
      next = replaceDeadline(next, { ...deadline, status: 'cancelled', closedAt: at });
      next = withdrawBreach(next, deadline, at, 'no-longer-needed');
    }
  }
  return next;
}

/** Records a breach of a rule (a missed deadline, or a record rule not complied with) and notifies. */
export function recordBreach(effects: Effects, rule: RuleId, detectedAt: string, deadline?: Deadline): Effects {
  const breach: Breach = {
    rule,
    citation: getRule(rule).citation,
    due: deadline?.due ?? null,
    detectedAt,
    deadlineId: deadline?.id ?? null,
  };
  return {
    context: { ...effects.context, breaches: [...effects.context.breaches, breach] },
    notifications: [...effects.notifications, { type: 'breach.recorded', caseId: effects.context.caseId, ...breach }],
  };
}

/** The unmet (open or missed) deadline of a rule, if any (reviews and the 12-month clock have one open at a time). */
export function unmetDeadlineOf(context: CaseContext, rule: RuleId): Deadline | undefined {
  return context.deadlines.find((d) => d.rule === rule && (d.status === 'open' || d.status === 'missed'));
}

/** How many deadlines of a rule have been opened: numbers the next one's id. */
export function countDeadlines(context: CaseContext, rule: RuleId): number {
  // Settled ones have left the snapshot (src/machine/compaction.ts) but still count.
  return (context.settledDeadlines[rule] ?? 0) + context.deadlines.filter((d) => d.rule === rule).length;
}

function replaceDeadline(effects: Effects, deadline: Deadline): Effects {
  return {
    context: {
      ...effects.context,
      deadlines: effects.context.deadlines.map((d) => (d.id === deadline.id ? deadline : d)),
    },
    notifications: effects.notifications,
  };
}

/**
 * Why a breach was withdrawn: the step was dated on time after all, was no longer needed on its due
 * date, or a new bank-holiday calendar moved the deadline past the tick that found it.
 */
export type WithdrawalReason = 'met-on-time' | 'no-longer-needed' | 'calendar-changed';

export function withdrawBreach(effects: Effects, deadline: Deadline, at: string, reason: WithdrawalReason): Effects {
  const withdrawn = effects.context.breaches
    .filter((b) => b.deadlineId === deadline.id)
    .map((b) => ({ ...b, withdrawnAt: at, withdrawnBecause: reason }));
  return {
    context: {
      ...effects.context,
      breaches: effects.context.breaches.filter((b) => b.deadlineId !== deadline.id),
      withdrawnBreaches: [...effects.context.withdrawnBreaches, ...withdrawn],
    },
    notifications: [
      ...effects.notifications,
      { type: 'breach.withdrawn', caseId: effects.context.caseId, rule: deadline.rule, deadlineId: deadline.id, at, reason },
    ],
  };
}
