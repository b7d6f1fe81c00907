import { createServer, type IncomingMessage, type Server } from 'node:http';
import { format } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { webhookEmitter } from '../../adapters/webhook.js';
import {
  StepDownError,
  createCaseEngine,
  defaultPermissions,
  eventTypes,
  createCalendar,
  shippedBankHolidays,
  eventsJsonSchema,
  idPattern,
  parseEvent,
  type CaseEngine,
  type CaseStore,
  type EngineEvent,
  type EventType,
  type OpenCase,
  type Role,
  type StoredCase,
} from '../../src/index.js';
import { personAdded, samplePeople, sampleActionIds, sampleFamilyAdded, sampleRecipients } from '../events/samples.js';
import { event } from '../machine/harness.js';
import { installTracing, recordingLogger, spanText, type LogLine } from './observed.js';

/*
 * Issue 9: no free text the host wrote reaches an id, a notification, an error or a log.
 *
 * Every free-text field of every event (names, agencies, summaries, reasons, …) carries a marker: a
 * token `[MKRnnn]` appended to the sample's text. The same text always gets the same marker. People
 * are referred to by id, so the journeys run as they would. The test collects everything the library
 * hands outward (delivered notifications, the bodies a webhook receiver got, errors of refused and
 * invalid events, views, explanations, rebuilds, compliance reports, and anything written to the
 * console, every line given to the engine's `logger`, and every span an OpenTelemetry SDK
 * exported: names, attributes, events, status) and proves no marker is in any of it, while every marker of a valid event is in the audit
 * trail, inside the event payloads and nowhere else.
 *
 * Then every id field of every event (read from the events' JSON Schema, so a new one is covered
 * when it is added) and the case id of `open` is sent a name-like value (spaces and a marker): each
 * is refused INVALID_EVENT / INVALID_INPUT naming that field, and the name reaches nothing at all.
 */

const markerOf = new Map<string, string>();
const origin = new Map<string, string>();
const markerPattern = /\[MKR\d{3}\]/;
const markersIn = (text: string) => text.match(/\[MKR\d{3}\]/g) ?? [];

/** The marked form of a text: the same text always gets the same marker. */
function marked(text: string, where: string): string {
  const result = tryMarked(text);
  result.keep(where);
  return result.text;
}

/** The marked form of a text, its marker registered only if `keep` is called (when it is used). */
function tryMarked(text: string): { text: string; keep: (where: string) => void } {
  const marker = markerOf.get(text) ?? `[MKR${String(markerOf.size + 1).padStart(3, '0')}]`;
  return {
    text: `${text} ${marker}`,
    keep: (where) => {
      if (markerOf.has(text)) return;
      markerOf.set(text, marker);
      origin.set(marker, where);
    },
  };
}

/**
 * Fields that hold ids or the envelope, not free text: ids are what outputs are made of. (A marker
 * is not id-shaped, so `mark` could not put one in an id anyway; the id fields are tried below.)
 */
const idLists = new Set(['attendees', 'recipients']);
const notFreeText = (key: string) =>
  key === 'type' || key === 'at' || key === 'actor' || key === 'id' || key.endsWith('Id') || idLists.has(key);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Every path to a string leaf of `value` that is not under an id or envelope field. */
function textPaths(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => textPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (notFreeText(k) ? [] : textPaths(v, [...path, k])));
  }
  return [];
}

function setAt(value: Json, path: (string | number)[], leaf: string): Json {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, leaf) : v));
  const object = value as { [key: string]: Json };
  return { ...object, [head as string]: setAt(object[head as string]!, rest, leaf) };
}

function getAt(value: Json, path: (string | number)[]): Json {
  return path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, value);
}

/**
 * The event with every free-text leaf marked. A leaf is free text when the marked event still
 * validates: dates, enums and booleans do not take a marker, text does (ids are left out by name).
 */
function mark<T extends object>(input: T): T {
  let result = structuredClone(input) as unknown as Json;
  const type = (input as { type?: string }).type ?? '(event)';
  for (const path of textPaths(result)) {
    const original = getAt(result, path) as string;
    // Already marked (a name passed in as an override): marking it again would change nothing.
    if (markerPattern.test(original)) continue;
    const attempt = tryMarked(original);
    const candidate = setAt(result, path, attempt.text);
    try {
      parseEvent(candidate);
      attempt.keep(`${type} ${path.join('.')}`);
      result = candidate;
    } catch {
      // Not free text (a date, an enum): left as it was.
    }
  }
  if (markerPattern.test(JSON.stringify(result))) typesWithMarkers.add(type);
  return result as unknown as T;
}

/** The event types `mark` found free text in. */
const typesWithMarkers = new Set<string>();

/** `event()` of the harness, marked. */
const m = <T extends EventType>(type: T, at: string, overrides: Parameters<typeof event<T>>[2] = {}) => mark(event(type, at, overrides));

// The people of the sample case, by id (ids carry no name); a grandmother besides, whose involvement ends.
const { child, parent, partner } = samplePeople;
const lpId = samplePeople.leadProfessional.personId;
const gran = 'gran';
const tm = { id: samplePeople.teamManager.id, role: 'team-manager' as const };

// ---------------------------------------------------------------------------------------------
// What the library hands outward, collected.

let server: Server | null = null;
const webhookBodies: { headers: IncomingMessage['headers']; body: string }[] = [];
let webhookUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      webhookBodies.push({ headers: request.headers, body });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

// Logs: whatever the library writes to the console while a test runs is an output too.
const logged: string[] = [];
beforeEach(() => {
  logged.splice(0);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(`console.${method} ${format(...args)}`));
  }
});
afterEach(() => void vi.restoreAllMocks());

const secret = 'whsec_' + Buffer.from('a test secret of thirty-two bytes!!').toString('base64');

// Spans: an SDK registered as a host would, exporting to memory.
const tracing = installTracing();
afterAll(() => tracing.uninstall());

interface Outputs {
  readonly logs: LogLine[];
  readonly heard: { id: string; notification: EngineEvent }[];
  readonly errors: StepDownError[];
  readonly results: [string, unknown][];
}

function setup(store: CaseStore = memoryStore()) {
  const { logger, lines } = recordingLogger();
  const engine = createCaseEngine({
    store,
    logger,
    now: () => new Date('2024-07-01T09:00:00Z'),
    emitters: [webhookEmitter({ url: webhookUrl, secret })],
  });
  const outputs: Outputs = { logs: lines, heard: [], errors: [], results: [] };
  engine.on('*', (notification, meta) => void outputs.heard.push({ id: meta.id, notification }));
  return { engine, outputs, store };
}

/** Runs a call that must fail with a StepDownError and keeps the error as an output. */
async function refused(outputs: Outputs, promise: Promise<unknown>, code?: StepDownError['code']): Promise<StepDownError> {
  let caught: unknown = null;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a refusal').toBeInstanceOf(StepDownError);
  const error = caught as StepDownError;
  if (code) expect(error.code, error.message).toBe(code);
  outputs.errors.push(error);
  return error;
}

/** Sends an event that must be accepted, keeping the returned view as an output. */
async function accept(engine: CaseEngine, outputs: Outputs, caseId: string, input: unknown): Promise<void> {
  outputs.results.push([`view after ${(input as { type: string }).type}`, await engine.send(caseId, input as never)]);
}

async function open(engine: CaseEngine, outputs: Outputs, caseId: string, route: OpenCase['route'], at: string): Promise<void> {
  outputs.results.push([`open ${caseId}`, await engine.open({ caseId, route, at, actor: tm })]);
}

/** Everything written outward, as [where, text] pairs to search for markers. */
function places(outputs: Outputs, bodies: typeof webhookBodies): [string, string][] {
  return [
    ...outputs.heard.map((h): [string, string] => [`notification ${h.id}`, `${h.id} ${JSON.stringify(h.notification)}`]),
    ...bodies.map((b, i): [string, string] => [`webhook body ${i}`, `${JSON.stringify(b.headers)} ${b.body}`]),
    ...outputs.errors.map((e, i): [string, string] => [
      `error ${i} (${e.code})`,
      `${e.message} ${String(e)} ${JSON.stringify(e.details)} ${JSON.stringify(e)} ${e.stack ?? ''} ${format(e)}`,
    ]),
    ...outputs.results.map(([where, value]): [string, string] => [where, JSON.stringify(value)]),
    ...logged.map((line, i): [string, string] => [`log ${i}`, line]),
    ...outputs.logs.map((line, i): [string, string] => [`logger line ${i} (${line.level})`, `${line.message} ${JSON.stringify(line.fields)}`]),
    ...tracing.exporter.getFinishedSpans().map((span, i): [string, string] => [`span ${i} (${span.name})`, spanText(span)]),
  ];
}

/** Every audit entry of the cases without its event payload: where no free text may be, even in the trail. */
async function entriesOutsidePayload(engine: CaseEngine, caseIds: readonly string[]): Promise<[string, string][]> {
  const trails = await Promise.all(caseIds.map((id) => engine.history(id)));
  return trails.flat().map(({ event: _payload, ...entry }): [string, string] => [`audit entry ${entry.caseId}#${entry.seq} (${entry.type})`, JSON.stringify(entry)]);
}

/** The journeys' events sent, by type: together they must cover every event type. */
const sentTypes = new Set<string>();

/** A CIN case through every stage to a closed CAF, with a correction and every kind of refusal on the way. */
async function fullJourney(engine: CaseEngine, outputs: Outputs, caseId: string): Promise<void> {
  await open(engine, outputs, caseId, 'cin-outcome', '2024-03-04T09:00:00Z');
  const send = async (input: { type: string; [field: string]: unknown }) => {
    sentTypes.add(input.type);
    await accept(engine, outputs, caseId, input);
  };
  const refuse = async (input: unknown, code: StepDownError['code']) => refused(outputs, engine.send(caseId, input as never), code);

  await send(m('decision.agreed', '2024-03-05T10:00:00Z'));
  for (const added of sampleFamilyAdded('2024-03-05T11:00:00Z')) await send(mark(added));
  await send(mark(personAdded(gran, 'family-member', '2024-03-05T11:30:00Z', { name: 'Grace Taylor, maternal grandmother' })));
  // A mistaken update of the parent's name, corrected by a void (with its reason).
  await send(m('person.updated', '2024-03-05T12:00:00Z', { personId: parent, eventId: 'update-sarah' }));
  await send(m('event.voided', '2024-03-05T12:30:00Z', { voidedEventId: 'update-sarah' }));
  await send(m('involvement.ended', '2024-03-06T09:00:00Z', { personId: gran, reason: 'Grace has moved to Scotland and is no longer involved.' }));
  await send(m('views.recorded', '2024-03-07T10:00:00Z', { personId: child }));
  await send(m('views.recorded', '2024-03-07T10:00:00Z', { personId: parent, agrees: false }));
  await send(m('views.recorded', '2024-03-07T10:00:00Z', { personId: partner }));
  await send(m('consent.refused', '2024-03-07T11:00:00Z', { personId: parent }));
  await send(m('disagreement.raised', '2024-03-07T12:00:00Z', { personId: partner }));
  // A bank holiday proclaimed while the disagreements are open moves their deadlines through the
  // system's own calendar.updated entry, which holds dates and versions only.
  const proclaimed = createCalendar({
    division: 'england-and-wales',
    holidays: [...shippedBankHolidays['england-and-wales'], { date: '2024-03-11', title: 'A proclaimed holiday' }].sort((a, b) => a.date.localeCompare(b.date)),
  });
  const moved = await engine.updateCalendar(proclaimed, { at: '2024-03-07T13:00:00Z' });
  expect(moved.deadlines).toBeGreaterThan(0);
  outputs.results.push(['updateCalendar', moved]);
  sentTypes.add('calendar.updated');
  // A policy.adopted holds a version only; this engine has one version, so it changes nothing.
  await refuse(m('policy.adopted', '2024-03-07T13:00:00Z', { policyVersion: '2024-08', actor: { id: 'tm-1', role: 'team-manager' } }), 'NO_EFFECT');
  sentTypes.add('policy.adopted');
  // Blocked by the open disagreements and the refused consent: the reasons must not quote the event.
  await refuse(m('finalMeeting.held', '2024-03-07T13:00:00Z'), 'GATE_BLOCKED');
  // A disagreement that was never raised.
  await refuse(m('disagreement.resolved', '2024-03-08T09:00:00Z', { disagreementId: 'D-9' }), 'GATE_BLOCKED');
  await send(m('disagreement.resolved', '2024-03-08T10:00:00Z', { disagreementId: 'D-1' }));
  await send(m('disagreement.resolved', '2024-03-08T10:30:00Z', { disagreementId: 'D-2' }));
  await send(m('consent.given', '2024-03-08T11:00:00Z', { personId: parent }));
  await send(m('leadProfessional.notFound', '2024-03-08T12:00:00Z'));
  await send(m('leadProfessional.challengeFailed', '2024-03-09T10:00:00Z'));
  await send(m('leadProfessional.agreed', '2024-03-11T10:00:00Z', { personId: lpId }));

  // Attendees by id; others as free text, marked like any text.
  await send(m('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' }));
  const referral = (date: string) => {
    const e = event('eCaf.referralCompleted', '2024-03-21T10:00:00Z');
    return mark({ ...e, form: { ...e.form, firstFamilyPlanMeetingDate: date } });
  };
  await refuse(referral('2024-04-11'), 'GATE_BLOCKED');
  await send(referral('2024-04-10'));
  await send(m('transferDetails.completed', '2024-03-21T11:00:00Z'));
  await send(m('closureSummary.completed', '2024-03-21T12:00:00Z'));
  await send(m('fileReview.completed', '2024-03-22T10:00:00Z'));
  await send(m('stepDown.returned', '2024-03-22T11:00:00Z'));
  await send(m('closureSummary.completed', '2024-03-25T10:00:00Z'));
  await send(m('fileReview.completed', '2024-03-26T10:00:00Z'));
  await send(m('stepDown.authorised', '2024-03-26T11:00:00Z'));
  // The documents not shared with the partner: the refusal names who is missing by id only.
  const missing = await refuse(m('documents.shared', '2024-03-26T12:00:00Z', { recipients: [parent, lpId] }), 'GATE_BLOCKED');
  expect(missing.message).toContain(partner);
  await send(m('documents.shared', '2024-03-26T12:00:00Z', { recipients: [...sampleRecipients] }));
  await send(m('csc.closed', '2024-03-27T10:00:00Z'));
  await send(m('ehm.infoRequested', '2024-03-28T10:00:00Z'));
  await send(m('ehm.infoProvided', '2024-03-29T10:00:00Z'));
  await send(m('ehm.authorised', '2024-04-01T10:00:00+01:00'));
  await send(m('leadProfessional.contacted', '2024-04-02T10:00:00+01:00'));
  outputs.results.push(['tick', await engine.tick('2024-04-30T07:00:00+01:00')]);
  sentTypes.add('clock.tick');
  await send(m('familyPlanMeeting.held', '2024-04-30T10:00:00+01:00', { kind: 'initial', actions: sampleActionIds.map((id) => ({ id, status: 'open' as const })) }));
  await send(m('reassessment.completed', '2024-05-10T10:00:00+01:00'));
  await send(m('familyPlanMeeting.held', '2024-06-10T10:00:00+01:00', { kind: 'final', actions: sampleActionIds.map((id) => ({ id, status: 'met' as const })) }));
  await send(m('caf.closed', '2024-06-11T10:00:00+01:00'));
}

/** A CIN case closed to CSC, for the under-CAF endings. */
async function closedToCsc(engine: CaseEngine, outputs: Outputs, caseId: string): Promise<void> {
  await open(engine, outputs, caseId, 'cin-outcome', '2024-03-04T09:00:00Z');
  const closing = '2024-03-21T16:00:00Z';
  const form = event('eCaf.referralCompleted', closing).form;
  for (const input of [
    m('decision.agreed', '2024-03-05T10:00:00Z'),
    ...sampleFamilyAdded('2024-03-05T11:00:00Z').map(mark),
    m('views.recorded', '2024-03-07T10:00:00Z', { personId: child }),
    m('views.recorded', '2024-03-07T10:00:00Z', { personId: parent }),
    m('views.recorded', '2024-03-07T10:00:00Z', { personId: partner }),
    m('consent.given', '2024-03-07T11:00:00Z', { personId: parent }),
    m('leadProfessional.agreed', '2024-03-08T11:00:00Z', { personId: lpId }),
    m('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' }),
    m('eCaf.referralCompleted', closing, { form: { ...form, firstFamilyPlanMeetingDate: '2024-04-10' } }),
    m('transferDetails.completed', closing),
    m('closureSummary.completed', closing),
    m('fileReview.completed', closing),
    m('stepDown.authorised', closing),
    m('documents.shared', closing, { recipients: [...sampleRecipients] }),
    m('csc.closed', closing),
  ]) {
    await accept(engine, outputs, caseId, input);
  }
}

/** Every other ending, so every event type is sent: the ladder, a withdrawal, consent withdrawn, a step up. */
async function otherEndings(engine: CaseEngine, outputs: Outputs): Promise<void> {
  await open(engine, outputs, 'PD-ladder', 'ten-day-checkpoint', '2024-05-01T09:00:00+01:00');
  for (const input of [
    m('decision.agreed', '2024-05-01T10:00:00+01:00'),
    m('leadProfessional.notFound', '2024-05-03T10:00:00+01:00'),
    m('leadProfessional.challengeFailed', '2024-05-10T10:00:00+01:00'),
    m('leadProfessional.panelFailed', '2024-05-20T10:00:00+01:00'),
    m('noLeadProfessional.recorded', '2024-05-21T10:00:00+01:00'),
  ]) {
    sentTypes.add(input.type);
    await accept(engine, outputs, 'PD-ladder', input);
  }
  await open(engine, outputs, 'PD-withdrawn', 'cp-outcome', '2024-05-01T09:00:00+01:00');
  for (const input of [m('decision.agreed', '2024-05-01T10:00:00+01:00'), m('stepDown.withdrawn', '2024-05-02T10:00:00+01:00')]) {
    sentTypes.add(input.type);
    await accept(engine, outputs, 'PD-withdrawn', input);
  }
  await closedToCsc(engine, outputs, 'PD-consent');
  sentTypes.add('consent.withdrawn');
  await accept(engine, outputs, 'PD-consent', m('consent.withdrawn', '2024-03-25T10:00:00Z', { personId: parent }));
  await closedToCsc(engine, outputs, 'PD-stepup');
  // The Lead Professional leaves under the CAF (its reason marked), then the case is stepped up.
  sentTypes.add('leadProfessional.left');
  await accept(engine, outputs, 'PD-stepup', m('leadProfessional.left', '2024-03-24T10:00:00Z', { actor: samplePeople.cafLinkWorker }));
  sentTypes.add('stepUp.referred');
  await accept(engine, outputs, 'PD-stepup', m('stepUp.referred', '2024-03-25T10:00:00Z', { actor: samplePeople.cafLinkWorker }));
  // A family that moves away: transferred out under the CAF (the authority's name marked).
  await closedToCsc(engine, outputs, 'PD-transfer');
  sentTypes.add('case.transferredOut');
  await accept(engine, outputs, 'PD-transfer', m('case.transferredOut', '2024-03-25T10:00:00Z', { actor: samplePeople.cafLinkWorker }));
}

/** A role the policy does not give `type` to. */
function wrongRole(type: EventType): Role {
  const allowed = defaultPermissions[type];
  return (['system', 'social-worker', 'early-help-manager'] as const).find((r) => !allowed.includes(r))!;
}

/** The steps a case in preparation with no one on record takes as they are: not sent as they are below. */
const takenInPreparation = ['person.added', 'leadProfessional.notFound', 'stepDown.withdrawn', 'case.transferredOut'];

/**
 * Every event type, marked, refused every way it can be in a case in preparation: from the wrong
 * role, as it is (not a step of this stage, blocked, naming no one on record, changing nothing, or
 * voiding an event the case does not hold), with a marker where a date belongs, with an unknown
 * field holding a marker, with a marker for its type, and at a stale version. Each is also
 * explained. Then the engine's own refusals: a duplicate eventId, a record that changes nothing, a
 * void that would leave a later event refused, an event from the future. The opening is refused with
 * markers for its route and date.
 */
async function refusals(engine: CaseEngine, outputs: Outputs): Promise<void> {
  const caseId = 'PD-refusals';
  await open(engine, outputs, caseId, 'cin-outcome', '2024-05-01T09:00:00+01:00');
  await accept(engine, outputs, caseId, m('decision.agreed', '2024-05-01T10:00:00+01:00'));
  const at = '2024-05-02T10:00:00+01:00';
  for (const type of eventTypes) {
    const e = m(type, at);
    const wrong = { ...e, actor: { id: 'someone-1', role: wrongRole(type) } };
    await refused(outputs, engine.send(caseId, wrong), 'NOT_ALLOWED');
    await refused(outputs, engine.send(caseId, { ...e, at: marked(`${type} date`, `${type} at (invalid)`) }), 'INVALID_EVENT');
    await refused(outputs, engine.send(caseId, { ...e, note: marked(`${type} note`, `${type} note (invalid)`) } as never), 'INVALID_EVENT');
    await refused(outputs, engine.send(caseId, { ...e, type: marked(`${type} type`, `${type} type (invalid)`) } as never), 'INVALID_EVENT');
    await refused(outputs, engine.send(caseId, e, { expectedVersion: 1 }), 'VERSION_CONFLICT');
    outputs.results.push([`explain ${type}`, await engine.explain(caseId, e)]);
    await refused(outputs, engine.explain(caseId, { ...e, at: marked(`${type} date`, '') }), 'INVALID_EVENT');
    if (!takenInPreparation.includes(type)) await refused(outputs, engine.send(caseId, e));
  }

  const child2 = { ...m('person.added', at), personId: 'pd-child', eventId: 'pd-add-child' };
  await accept(engine, outputs, caseId, child2);
  // The same eventId with other content (a marked name of its own).
  await refused(outputs, engine.send(caseId, mark({ ...child2, name: 'Someone else entirely' })), 'DUPLICATE_EVENT');
  // A record that would change nothing.
  await refused(outputs, engine.send(caseId, mark({ ...event('person.updated', at), personId: 'pd-child', name: child2.name })), 'NO_EFFECT');
  // A void that would leave the child's view naming no one on record.
  await accept(engine, outputs, caseId, m('views.recorded', '2024-05-02T11:00:00+01:00', { personId: 'pd-child' }));
  await refused(outputs, engine.send(caseId, m('event.voided', '2024-05-02T12:00:00+01:00', { voidedEventId: 'pd-add-child' })), 'VOID_CONFLICT');
  await refused(outputs, engine.send(caseId, m('stepDown.withdrawn', '2099-05-02T10:00:00+01:00')), 'FUTURE_DATED');
  await refused(
    outputs,
    engine.open({ caseId: 'PD-bad', route: marked('a route', 'open route') as never, at: marked('a date', 'open at'), actor: tm }),
    'INVALID_INPUT',
  );
}

describe('personal data never leaves the audit trail', () => {
  it('no marker of any free-text field reaches a notification, a webhook body, an error, a log, a view, an explanation, a report or a rebuild', { timeout: 120_000 }, async () => {
    const { engine, outputs, store } = setup();
    const bodiesBefore = webhookBodies.length;
    await fullJourney(engine, outputs, 'PD-full');
    await otherEndings(engine, outputs);
    await refusals(engine, outputs);
    // Every event type a journey uses was sent with its free text marked.
    expect([...sentTypes].sort()).toEqual([...eventTypes].sort());

    const caseIds = ['PD-full', 'PD-ladder', 'PD-withdrawn', 'PD-consent', 'PD-stepup', 'PD-transfer', 'PD-refusals'];
    for (const caseId of caseIds) {
      outputs.results.push([`get ${caseId}`, await engine.get(caseId)]);
      outputs.results.push([`rebuild ${caseId}`, await engine.rebuild(caseId)]);
      outputs.results.push([`compliance report ${caseId}`, await engine.complianceReport(caseId)]);
    }
    expect((await engine.get('PD-full')).voided).toEqual([expect.objectContaining({ eventId: 'update-sarah', type: 'person.updated' })]);
    // A rebuild that fails names the snapshot's fields, never their values (here, a marked name).
    const tampered: CaseStore = {
      ...store,
      async load(caseId) {
        const record = await store.load(caseId);
        if (!record) return record;
        const context = record.snapshot.context;
        const people = { ...context.people, [child]: { ...context.people[child]!, name: marked('Someone else', 'tampered name') } };
        return { ...record, snapshot: { ...record.snapshot, context: { ...context, people } } } as StoredCase;
      },
    };
    const mismatch = await refused(outputs, createCaseEngine({ store: tampered }).rebuild('PD-full'), 'REBUILD_MISMATCH');
    expect(mismatch.details?.['fields']).toEqual([`context.people.${child}.name`]);

    // Everything delivered to the webhook too (each message to both emitters).
    while ((await engine.deliver()).delivered > 0);
    const bodies = webhookBodies.slice(bodiesBefore);
    const heardIds = outputs.heard.map((h) => h.id).sort();
    expect(bodies.map((b) => b.headers['webhook-id']).sort()).toEqual(heardIds);
    expect(outputs.heard.map((h) => h.notification.type)).toEqual(
      expect.arrayContaining([
        'case.opened',
        'event.refused',
        'event.voided',
        'deadline.opened',
        'breach.recorded',
        'outcome.reached',
        'parties.toInform',
        'leadProfessional.toContact',
      ]),
    );

    const outward = [...places(outputs, bodies), ...(await entriesOutsidePayload(engine, caseIds))];
    const leaks = outward.flatMap(([where, text]) => [...new Set(markersIn(text))].map((mk) => `${where}: ${mk} from ${origin.get(mk)}`));
    expect(leaks).toEqual([]);
    expect(outputs.errors.length).toBeGreaterThan(eventTypes.length * 6);
    expect(new Set(outputs.errors.map((e) => e.code))).toEqual(
      new Set([
        'NOT_ALLOWED',
        'INVALID_EVENT',
        'VERSION_CONFLICT',
        'EVENT_NOT_ACCEPTED',
        'GATE_BLOCKED',
        'INVALID_INPUT',
        'REBUILD_MISMATCH',
        'NO_EFFECT',
        'UNKNOWN_EVENT',
        'DUPLICATE_EVENT',
        'VOID_CONFLICT',
        'FUTURE_DATED',
        'UNKNOWN_POLICY_VERSION',
      ]),
    );
    // The logger and the spans were really searched: every refusal is in both, by code, and every
    // accepted write is logged.
    const refusedCodes = new Set(outputs.errors.filter((e) => e.code !== 'REBUILD_MISMATCH').map((e) => e.code));
    expect(new Set(outputs.logs.filter((l) => l.level === 'info').map((l) => l.fields.code))).toEqual(refusedCodes);
    const spanCodes = tracing.exporter.getFinishedSpans().map((span) => span.attributes['error.type']);
    for (const code of refusedCodes) expect(spanCodes).toContain(code);
    expect(outputs.logs.filter((l) => l.level === 'debug').length).toBeGreaterThan(80);
    expect(tracing.exporter.getFinishedSpans().map((span) => span.name)).toEqual(
      expect.arrayContaining(['caf_step_down.open', 'caf_step_down.send', 'caf_step_down.tick', 'caf_step_down.deliver']),
    );

    // The control: every marker of a valid event was sent and is kept in the audit trail…
    const trail = (await Promise.all(caseIds.map((id) => engine.history(id)))).map((h) => JSON.stringify(h)).join('\n');
    const invalidOnly = [...origin].filter(([, where]) => /\((invalid)\)$|^open |^tampered|^$/.test(where)).map(([mk]) => mk);
    const valid = [...origin.keys()].filter((mk) => !invalidOnly.includes(mk));
    // Every event type with free text had it marked; the others hold only ids, dates, enums and ticks.
    const withoutText = [
      'transferDetails.completed',
      'fileReview.completed',
      'stepDown.authorised',
      'documents.shared',
      'csc.closed',
      'ehm.authorised',
      'leadProfessional.contacted',
      'leadProfessional.panelFailed',
      'clock.tick',
      'calendar.updated',
      'policy.adopted',
    ];
    expect(eventTypes.filter((t) => !withoutText.includes(t) && !typesWithMarkers.has(t))).toEqual([]);
    if (process.env['SHOW_MARKERS']) process.stdout.write(`${[...origin].map(([mk, where]) => `${mk} ${where}`).join('\n')}\n`);
    expect(valid.filter((mk) => !trail.includes(mk))).toEqual([]);
    // …and the raw input of an invalid event is not kept at all.
    expect(invalidOnly.filter((mk) => trail.includes(mk))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Names where ids belong.

type Path = (string | number)[];

/**
 * The paths of every id field of an event type, read from the events' JSON Schema: each property
 * whose pattern is {@link idPattern}, `*` standing for an array's items. So an id field added to an
 * event later is tried here without anyone remembering to.
 */
function idPaths(type: EventType): Path[] {
  const definition = (eventsJsonSchema().$defs as Record<string, unknown>)[type];
  const found: Path[] = [];
  const walk = (node: unknown, path: Path) => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as { pattern?: string; properties?: Record<string, unknown>; items?: unknown; anyOf?: unknown[]; oneOf?: unknown[] };
    if (schema.pattern === idPattern.source) found.push(path);
    for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child, [...path, key]);
    if (schema.items) walk(schema.items, [...path, '*']);
    for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(branch, path);
  };
  walk(definition, []);
  return found;
}

/** `value` with `leaf` at `path` (`*` as index 0), creating the optional fields on the way. */
function withIdAt(value: Json, path: Path, leaf: string): { event: Json; field: string } {
  const concrete = path.map((key) => (key === '*' ? 0 : key));
  const set = (node: Json | undefined, rest: Path): Json => {
    if (rest.length === 0) return leaf;
    const [head, ...tail] = rest;
    if (typeof head === 'number') {
      const list = Array.isArray(node) && node.length > 0 ? node : [leaf];
      return list.map((item, i) => (i === head ? set(item, tail) : item));
    }
    const object = node !== null && typeof node === 'object' && !Array.isArray(node) ? node : {};
    return { ...object, [head as string]: set(object[head as string], tail) };
  };
  return { event: set(value, concrete), field: concrete.join('.') };
}

describe('a name where an id belongs is refused, naming the field, and goes nowhere', () => {
  it('every id field of every event, and the case id and actor id of open: INVALID_EVENT / INVALID_INPUT naming the field', { timeout: 120_000 }, async () => {
    const { engine, outputs } = setup();
    const bodiesBefore = webhookBodies.length;
    const caseId = 'PD-ids';
    await open(engine, outputs, caseId, 'cin-outcome', '2024-05-01T09:00:00+01:00');
    await accept(engine, outputs, caseId, event('decision.agreed', '2024-05-01T10:00:00+01:00'));
    for (const added of sampleFamilyAdded('2024-05-01T11:00:00+01:00')) await accept(engine, outputs, caseId, added);
    const trailBefore = await engine.history(caseId);
    const stored = await engine.store.load(caseId);

    const names: string[] = [];
    /** A name-like value, unique to where it is put: spaces, a capital, a marker. */
    const nameLike = (where: string) => {
      const text = marked(`Sarah Taylor in ${where}`, `${where} (invalid)`);
      names.push(text);
      return text;
    };

    const tried: string[] = [];
    const at = '2024-05-02T10:00:00+01:00';
    for (const type of eventTypes) {
      // Every optional id present, so each is tried: the event's own id and the actor's person id.
      const base = event(type, at) as unknown as { actor: Record<string, Json> } & Record<string, Json>;
      const sample: Json = { ...base, eventId: `pd-${type}`, actor: { ...base.actor, personId: lpId } };
      for (const path of idPaths(type)) {
        const { event: input, field } = withIdAt(sample, path, nameLike(`${type} ${path.join('.')}`));
        tried.push(`${type} ${field}`);
        for (const call of [() => engine.send(caseId, input as never), () => engine.explain(caseId, input as never)]) {
          const error = await refused(outputs, call(), 'INVALID_EVENT');
          expect((error.details?.['issues'] as { path: string }[]).map((i) => i.path), `${type} ${field}`).toEqual([field]);
          expect(error.message).toContain(`${field}:`);
        }
      }
    }
    // The fields issue 9 names, each found in the schema (so the walk above is not vacuous).
    for (const expected of [
      'person.added personId',
      'views.recorded personId',
      'consent.refused disagreementId',
      'disagreement.raised disagreementId',
      'disagreement.resolved disagreementId',
      'event.voided voidedEventId',
      'decision.agreed eventId',
      'decision.agreed actor.id',
      'decision.agreed actor.personId',
      'finalMeeting.held attendees.0',
      'finalMeeting.held familyPlan.actions.0.id',
      'familyPlanMeeting.held actions.0.id',
      'documents.shared recipients.0',
      'leadProfessional.agreed personId',
      'consent.withdrawn personId',
    ]) {
      expect(tried).toContain(expected);
    }
    expect(tried.length).toBeGreaterThanOrEqual(eventTypes.length * 3);

    // The case id and the opener's id of `open`.
    for (const [field, request] of [
      ['caseId', { caseId: nameLike('open caseId'), route: 'cin-outcome', at, actor: tm }],
      ['actor.id', { caseId: 'PD-ids-2', route: 'cin-outcome', at, actor: { ...tm, id: nameLike('open actor.id') } }],
    ] as const) {
      const error = await refused(outputs, engine.open(request as OpenCase), 'INVALID_INPUT');
      expect(error.details?.['issues'] as string[]).toEqual([expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: `))]);
    }
    // A case id that is a name, given to every other call: refused, and the name is not repeated.
    const nameAsCase = nameLike('a case id');
    for (const call of [
      () => engine.send(nameAsCase, event('decision.agreed', at)),
      () => engine.get(nameAsCase),
      () => engine.history(nameAsCase),
      () => engine.explain(nameAsCase, event('decision.agreed', at)),
      () => engine.rebuild(nameAsCase),
      () => engine.complianceReport(nameAsCase),
    ]) {
      const error = await refused(outputs, call(), 'INVALID_INPUT');
      expect(error.details).toEqual({ issues: [expect.stringMatching(/^caseId: /)] });
    }

    // Nothing was stored: the case is as it was, its trail holds only the refusals (no raw input).
    // The head moves with the refusals appended to the trail; the case itself does not.
    expect({ ...(await engine.store.load(caseId)), head: null }).toEqual({ ...stored, head: null });
    const trail = await engine.history(caseId);
    expect(trail.slice(0, trailBefore.length)).toEqual(trailBefore);
    expect(trail.slice(trailBefore.length).every((e) => !e.accepted && e.errorCode === 'INVALID_EVENT' && e.event === null)).toBe(true);

    while ((await engine.deliver()).delivered > 0);
    const outward: [string, string][] = [
      ...places(outputs, webhookBodies.slice(bodiesBefore)),
      ['audit trail', JSON.stringify(trail)],
    ];
    const leaks = outward.flatMap(([where, text]) => names.filter((n) => text.includes(markersIn(n)[0]!)).map((n) => `${where}: ${n}`));
    expect(leaks).toEqual([]);
    // The control: the names were sent, and each refusal was heard.
    expect(names.length).toBe(tried.length + 3);
    expect(outputs.heard.filter((h) => h.notification.type === 'event.refused')).toHaveLength(tried.length);
  });
});
