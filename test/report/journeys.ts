import type { CaseEngine, EventType, Route } from '../../src/index.js';
import { samplePeople } from '../events/samples.js';
import { event } from '../machine/harness.js';

const { teamManager: tm } = samplePeople;

/** Opens a case on a route at `at`, by the sample Team Manager. */
export async function openCase(engine: CaseEngine, caseId: string, route: Route, at: string): Promise<void> {
  await engine.open({ caseId, route, at, actor: tm });
}

/** Sends sample events in order, each accepted (a refusal fails the test by throwing). */
export async function sendAll(engine: CaseEngine, caseId: string, steps: readonly (readonly [EventType, string, object?])[]) {
  for (const [type, at, overrides] of steps) await engine.send(caseId, event(type, at, overrides ?? {}));
}

/** The decision and every view; consent and the Lead Professional are left to the caller. */
export async function decidedWithViews(engine: CaseEngine, caseId: string, route: Route = 'cin-outcome'): Promise<void> {
  await openCase(engine, caseId, route, '2024-03-04T09:00:00Z');
  await sendAll(engine, caseId, [
    ['decision.agreed', '2024-03-05T10:00:00Z'],
    ['views.recorded', '2024-03-06T10:00:00Z', { party: 'child', name: samplePeople.child }],
    ['views.recorded', '2024-03-06T10:00:00Z', { party: 'parent', name: samplePeople.parent }],
    ['views.recorded', '2024-03-06T10:00:00Z', { party: 'partner', name: samplePeople.partner }],
  ]);
}

/** Keys whose string values are codes, enums or dates, never personal data: left as they are. */
const codeKeys = new Set(['type', 'at', 'kind', 'party', 'by', 'outcome', 'role', 'disagreementId', 'id', 'status']);

/**
 * Puts `marker` into every piece of free text and every name of an event (any string with a space:
 * names, agencies, views, reasons, the e-CAF form) and into the actor's id, consistently, so the
 * events still agree with each other (the recipients are still the people whose views were taken).
 */
export function markPersonalData<T>(value: T, marker: string, key = ''): T {
  if (typeof value === 'string') {
    if (key === 'actorId') return `${marker}-${value}` as T;
    return (codeKeys.has(key) || !value.includes(' ') ? value : `${marker} ${value}`) as T;
  }
  if (Array.isArray(value)) return value.map((v) => markPersonalData(v, marker, key)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === 'actor' && typeof v === 'object' && v !== null) {
          const actor = v as { id: string; role: string };
          return [k, { ...actor, id: markPersonalData(actor.id, marker, 'actorId') }];
        }
        return [k, markPersonalData(v, marker, k)];
      }),
    ) as T;
  }
  return value;
}

/**
 * The engine seen through a filter that marks every event (and the opening actor) with `marker`
 * before it reaches the engine: any journey written against an engine becomes a personal-data probe.
 */
export function markingEngine(engine: CaseEngine, marker: string): CaseEngine {
  return {
    ...engine,
    open: (request) => engine.open({ ...request, actor: { ...request.actor, id: `${marker}-${request.actor.id}` } }),
    send: (caseId, input, options) => engine.send(caseId, markPersonalData(input, marker), options),
  };
}

/**
 * A CIN case taken to the closure to CSC on 2024-03-21 (the steps of test/engine/journey.ts), with
 * the Lead Professional agreed at once: the first family plan meeting is then due by 2024-04-18.
 */
export async function closedToCsc(engine: CaseEngine, caseId: string): Promise<void> {
  await decidedWithViews(engine, caseId);
  const closing = '2024-03-21T16:00:00Z';
  await sendAll(engine, caseId, [
    ['consent.given', '2024-03-07T11:00:00Z'],
    ['leadProfessional.agreed', '2024-03-08T11:00:00Z'],
    ['finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' }],
    ['eCaf.referralCompleted', closing, { form: { ...event('eCaf.referralCompleted', closing).form, firstFamilyPlanMeetingDate: '2024-04-10' } }],
    ['transferDetails.completed', closing],
    ['closureSummary.completed', closing],
    ['fileReview.completed', closing],
    ['stepDown.authorised', closing],
    ['documents.shared', closing, { recipients: [samplePeople.parent, samplePeople.partner, samplePeople.leadProfessional.name] }],
    ['csc.closed', closing],
  ]);
}
