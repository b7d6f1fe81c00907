import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { webhookEmitter } from '../../adapters/webhook.js';
import {
  StepDownError,
  createCaseEngine,
  defaultPermissions,
  eventTypes,
  parseEvent,
  type CaseEngine,
  type CaseStore,
  type EngineEvent,
  type EventType,
  type OpenCase,
  type Role,
  type StoredCase,
} from '../../src/index.js';
import { samplePeople, sampleActionIds } from '../events/samples.js';
import { event } from '../machine/harness.js';

/*
 * Every free-text field of every event carries a marker: a token `[MKRnnn]` appended to the sample's
 * text. The same text always gets the same marker, so the names the machine compares (a parent's
 * view and the recipients of the documents, say) still agree and every journey runs as it would.
 * The test then collects everything the library hands outward (delivered notifications, the bodies a
 * webhook receiver got, errors of refused and invalid events, views, explanations, rebuilds) and
 * proves no marker is in any of it, while every marker of a valid event is in the audit trail.
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

/** Fields that hold ids or the envelope, not free text: ids are what outputs are made of. */
const notFreeText = (key: string) => key === 'type' || key === 'at' || key === 'actor' || key === 'id' || key.endsWith('Id');

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
const name = (text: string) => marked(text, 'a name');

// The people of the sample case, marked: what every event that names them uses.
const people = {
  child: name(samplePeople.child),
  parent: name(samplePeople.parent),
  partner: name(samplePeople.partner),
  lp: name(samplePeople.leadProfessional.name),
};
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

const secret = 'whsec_' + Buffer.from('a test secret of thirty-two bytes!!').toString('base64');

interface Outputs {
  readonly heard: { id: string; notification: EngineEvent }[];
  readonly errors: StepDownError[];
  readonly results: [string, unknown][];
}

function setup(store: CaseStore = memoryStore()) {
  const engine = createCaseEngine({
    store,
    now: () => new Date('2024-07-01T09:00:00Z'),
    emitters: [webhookEmitter({ url: webhookUrl, secret })],
  });
  const outputs: Outputs = { heard: [], errors: [], results: [] };
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
  outputs.results.push([`view after ${(input as { type: string }).type}`, await engine.send(caseId, input)]);
}

async function open(engine: CaseEngine, outputs: Outputs, caseId: string, route: OpenCase['route'], at: string): Promise<void> {
  outputs.results.push([`open ${caseId}`, await engine.open({ caseId, route, at, actor: tm })]);
}

/** The journeys' events sent, by type: together they must cover every event type. */
const sentTypes = new Set<string>();

/** A CIN case through every stage to a closed CAF, with every kind of refusal on the way. */
async function fullJourney(engine: CaseEngine, outputs: Outputs, caseId: string): Promise<void> {
  await open(engine, outputs, caseId, 'cin-outcome', '2024-03-04T09:00:00Z');
  const send = async (input: { type: string; [field: string]: unknown }) => {
    sentTypes.add(input.type);
    await accept(engine, outputs, caseId, input);
  };
  const refuse = async (input: unknown, code: StepDownError['code']) => refused(outputs, engine.send(caseId, input), code);

  await send(m('decision.agreed', '2024-03-05T10:00:00Z'));
  await send(m('views.recorded', '2024-03-07T10:00:00Z', { party: 'child', name: people.child }));
  await send(m('views.recorded', '2024-03-07T10:00:00Z', { party: 'parent', name: people.parent, agrees: false }));
  await send(m('views.recorded', '2024-03-07T10:00:00Z', { party: 'partner', name: people.partner }));
  await send(m('consent.refused', '2024-03-07T11:00:00Z', { parentCarer: people.parent }));
  await send(m('disagreement.raised', '2024-03-07T12:00:00Z', { party: people.partner }));
  // Blocked by the open disagreements and the refused consent: the reasons must not quote the event.
  await refuse(m('finalMeeting.held', '2024-03-07T13:00:00Z'), 'GATE_BLOCKED');
  // A disagreement that was never raised.
  await refuse(m('disagreement.resolved', '2024-03-08T09:00:00Z', { disagreementId: 'D-9' }), 'GATE_BLOCKED');
  await send(m('disagreement.resolved', '2024-03-08T10:00:00Z', { disagreementId: 'D-1' }));
  await send(m('disagreement.resolved', '2024-03-08T10:30:00Z', { disagreementId: 'D-2' }));
  await send(m('consent.given', '2024-03-08T11:00:00Z', { parentCarer: people.parent }));
  await send(m('leadProfessional.notFound', '2024-03-08T12:00:00Z'));
  await send(m('leadProfessional.challengeFailed', '2024-03-09T10:00:00Z'));
  await send(m('leadProfessional.agreed', '2024-03-11T10:00:00Z', { name: people.lp }));

  const meeting = m('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' });
  // Attendee roles are the host's words and marked like any text; the LP is also listed as `LP`.
  await send({ ...meeting, attendees: [...meeting.attendees, { role: 'LP', name: people.lp }] });
  const referral = (date: string) => {
    const e = event('eCaf.referralCompleted', '2024-03-21T10:00:00Z');
    return mark({ ...e, form: { ...e.form, firstFamilyPlanMeetingDate: date, leadProfessional: { ...e.form.leadProfessional, name: people.lp } } });
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
  // The documents not shared with the partner: the refusal must not name who is missing.
  await refuse(m('documents.shared', '2024-03-26T12:00:00Z', { recipients: [people.parent, people.lp] }), 'GATE_BLOCKED');
  await send(m('documents.shared', '2024-03-26T12:00:00Z', { recipients: [people.parent, people.partner, people.lp] }));
  await send(m('csc.closed', '2024-03-27T10:00:00Z'));
  await send(m('ehm.infoRequested', '2024-03-28T10:00:00Z'));
  await send(m('ehm.infoProvided', '2024-03-29T10:00:00Z'));
  await send(m('ehm.authorised', '2024-04-01T10:00:00+01:00'));
  await send(m('leadProfessional.contacted', '2024-04-02T10:00:00+01:00'));
  outputs.results.push(['tick', await engine.tick('2024-04-30T07:00:00+01:00')]);
  sentTypes.add('clock.tick');
  await send(m('familyPlanMeeting.held', '2024-04-30T10:00:00+01:00', { kind: 'initial', actions: sampleActionIds.map((id) => ({ id, status: 'open' as const })) }));
  await send(m('reassessment.completed', '2024-05-10T10:00:00+01:00', { contributors: [people.lp, people.parent, 'School nurse'] }));
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
    m('views.recorded', '2024-03-07T10:00:00Z', { party: 'child', name: people.child }),
    m('views.recorded', '2024-03-07T10:00:00Z', { party: 'parent', name: people.parent }),
    m('views.recorded', '2024-03-07T10:00:00Z', { party: 'partner', name: people.partner }),
    m('consent.given', '2024-03-07T11:00:00Z', { parentCarer: people.parent }),
    m('leadProfessional.agreed', '2024-03-08T11:00:00Z', { name: people.lp }),
    m('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: '2024-04-10' }),
    m('eCaf.referralCompleted', closing, { form: { ...form, firstFamilyPlanMeetingDate: '2024-04-10' } }),
    m('transferDetails.completed', closing),
    m('closureSummary.completed', closing),
    m('fileReview.completed', closing),
    m('stepDown.authorised', closing),
    m('documents.shared', closing, { recipients: [people.parent, people.partner, people.lp] }),
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
  await accept(engine, outputs, 'PD-consent', m('consent.withdrawn', '2024-03-25T10:00:00Z', { parentCarer: people.parent }));
  await closedToCsc(engine, outputs, 'PD-stepup');
  sentTypes.add('stepUp.referred');
  await accept(engine, outputs, 'PD-stepup', m('stepUp.referred', '2024-03-25T10:00:00Z'));
}

/** A role the policy does not give `type` to. */
function wrongRole(type: EventType): Role {
  const allowed = defaultPermissions[type];
  return (['system', 'social-worker', 'early-help-manager'] as const).find((r) => !allowed.includes(r))!;
}

/**
 * Every event type, marked, refused every way it can be in a case in preparation: from the wrong
 * role, as it is (not a step of this stage, or blocked), with a marker where a date belongs, with an
 * unknown field holding a marker, with a marker for its type, and at a stale version. Each is also
 * explained. The opening is refused with markers for its route and date.
 */
async function refusals(engine: CaseEngine, outputs: Outputs): Promise<void> {
  await open(engine, outputs, 'PD-refusals', 'cin-outcome', '2024-05-01T09:00:00+01:00');
  await accept(engine, outputs, 'PD-refusals', m('decision.agreed', '2024-05-01T10:00:00+01:00'));
  const at = '2024-05-02T10:00:00+01:00';
  for (const type of eventTypes) {
    const e = m(type, at);
    await refused(outputs, engine.send('PD-refusals', { ...e, actor: { id: 'someone-1', role: wrongRole(type) } }), 'NOT_ALLOWED');
    await refused(outputs, engine.send('PD-refusals', { ...e, at: marked(`${type} date`, `${type} at (invalid)`) }), 'INVALID_EVENT');
    await refused(outputs, engine.send('PD-refusals', { ...e, note: marked(`${type} note`, `${type} note (invalid)`) }), 'INVALID_EVENT');
    await refused(outputs, engine.send('PD-refusals', { ...e, type: marked(`${type} type`, `${type} type (invalid)`) }), 'INVALID_EVENT');
    await refused(outputs, engine.send('PD-refusals', e, { expectedVersion: 1 }), 'VERSION_CONFLICT');
    outputs.results.push([`explain ${type}`, await engine.explain('PD-refusals', e)]);
    await refused(outputs, engine.explain('PD-refusals', { ...e, at: marked(`${type} date`, '') }), 'INVALID_EVENT');
    // As it is: accepted only by the few steps a case in preparation takes, which are not sent here.
    if (!['views.recorded', 'consent.given', 'consent.refused', 'disagreement.raised', 'leadProfessional.agreed', 'leadProfessional.notFound', 'stepDown.withdrawn', 'clock.tick'].includes(type)) {
      await refused(outputs, engine.send('PD-refusals', e));
    }
  }
  await refused(
    outputs,
    engine.open({ caseId: 'PD-bad', route: marked('a route', 'open route') as never, at: marked('a date', 'open at'), actor: tm }),
    'INVALID_INPUT',
  );
}

describe('personal data never leaves the audit trail', () => {
  it('no marker of any free-text field reaches a notification, a webhook body, an error, a view, an explanation or a rebuild', { timeout: 60_000 }, async () => {
    const { engine, outputs, store } = setup();
    await fullJourney(engine, outputs, 'PD-full');
    await otherEndings(engine, outputs);
    await refusals(engine, outputs);
    // Every event type a journey uses was sent with its free text marked.
    expect([...sentTypes].sort()).toEqual([...eventTypes].sort());

    const caseIds = ['PD-full', 'PD-ladder', 'PD-withdrawn', 'PD-consent', 'PD-stepup', 'PD-refusals'];
    for (const caseId of caseIds) {
      outputs.results.push([`get ${caseId}`, await engine.get(caseId)]);
      outputs.results.push([`rebuild ${caseId}`, await engine.rebuild(caseId)]);
    }
    // A rebuild that fails names the snapshot's fields, never their values (here, a marked name).
    const tampered: CaseStore = {
      ...store,
      async load(caseId) {
        const record = await store.load(caseId);
        if (!record) return record;
        const context = record.snapshot.context;
        const views = context.views.map((v, i) => (i === 0 ? { ...v, name: marked('Someone else', 'tampered name') } : v));
        return { ...record, snapshot: { ...record.snapshot, context: { ...context, views } } } as StoredCase;
      },
    };
    const mismatch = await refused(outputs, createCaseEngine({ store: tampered }).rebuild('PD-full'), 'REBUILD_MISMATCH');
    expect(mismatch.details?.['fields']).toEqual(['context.views.0.name']);

    // Everything delivered to the webhook too (each message to both emitters).
    while ((await engine.deliver()).delivered > 0);
    const heardIds = outputs.heard.map((h) => h.id).sort();
    expect(webhookBodies.map((b) => b.headers['webhook-id']).sort()).toEqual(heardIds);
    expect(outputs.heard.map((h) => h.notification.type)).toEqual(
      expect.arrayContaining(['case.opened', 'event.refused', 'deadline.opened', 'breach.recorded', 'outcome.reached', 'parties.toInform', 'leadProfessional.toContact']),
    );

    const places: [string, string][] = [
      ...outputs.heard.map((h): [string, string] => [`notification ${h.id}`, `${h.id} ${JSON.stringify(h.notification)}`]),
      ...webhookBodies.map((b, i): [string, string] => [`webhook body ${i}`, `${JSON.stringify(b.headers)} ${b.body}`]),
      ...outputs.errors.map((e, i): [string, string] => [
        `error ${i} (${e.code})`,
        `${e.message} ${String(e)} ${JSON.stringify(e.details)} ${JSON.stringify(e)} ${e.stack ?? ''}`,
      ]),
      ...outputs.results.map(([where, value]): [string, string] => [where, JSON.stringify(value)]),
    ];
    const leaks = places.flatMap(([where, text]) => [...new Set(markersIn(text))].map((mk) => `${where}: ${mk} from ${origin.get(mk)}`));
    expect(leaks).toEqual([]);
    expect(outputs.errors.length).toBeGreaterThan(eventTypes.length * 6);
    expect(new Set(outputs.errors.map((e) => e.code))).toEqual(
      new Set(['NOT_ALLOWED', 'INVALID_EVENT', 'VERSION_CONFLICT', 'EVENT_NOT_ACCEPTED', 'GATE_BLOCKED', 'INVALID_INPUT', 'REBUILD_MISMATCH']),
    );

    // The control: every marker of a valid event was sent and is kept in the audit trail…
    const trail = (await Promise.all(caseIds.map((id) => engine.history(id)))).map((h) => JSON.stringify(h)).join('\n');
    const invalidOnly = [...origin].filter(([, where]) => /\((invalid)\)$|^open |^tampered|^$/.test(where)).map(([mk]) => mk);
    const valid = [...origin.keys()].filter((mk) => !invalidOnly.includes(mk));
    // Every event type with free text had it marked; the others hold only ids, dates, enums and ticks.
    const withoutText = ['transferDetails.completed', 'fileReview.completed', 'stepDown.authorised', 'csc.closed', 'ehm.authorised', 'leadProfessional.contacted', 'leadProfessional.panelFailed', 'clock.tick'];
    expect(eventTypes.filter((t) => !withoutText.includes(t) && !typesWithMarkers.has(t))).toEqual([]);
    if (process.env['SHOW_MARKERS']) console.log([...origin].map(([mk, where]) => `${mk} ${where}`).join('\n'));
    expect(valid.filter((mk) => !trail.includes(mk))).toEqual([]);
    // …and the raw input of an invalid event is not kept at all.
    expect(invalidOnly.filter((mk) => trail.includes(mk))).toEqual([]);
  });
});
