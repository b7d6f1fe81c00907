import type { FastifyReply } from 'fastify';
import type { CaseEngine } from '../engine/case-engine.js';
import type { StepDownEventInput } from '../events/registry.js';
import type { CaseView } from '../engine/engine.js';
import { isStepDownError, StepDownError } from '../errors.js';
import type { Actor } from '../events/common.js';
import { reportToHtml } from '../report/html.js';
import { reportToMarkdown } from '../report/markdown.js';
import { policyPreviewBody, worklistParameters } from './schemas.js';

/** What a route's handler gets: the engine, the authenticated actor (null on open routes) and the request's parts. */
export interface RouteContext {
  readonly engine: CaseEngine;
  readonly actor: Actor | null;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly reply: FastifyReply;
  readonly now: () => Date;
}

/** A response a route documents: a schema (by component name) per media type. */
export interface RouteResponse {
  readonly description: string;
  readonly content?: Readonly<Record<string, { readonly schema: string | Readonly<Record<string, unknown>> }>>;
}

/**
 * One endpoint: what Fastify registers and what the OpenAPI document says of it, from one record,
 * so the two cannot disagree. Schemas are named by component (see `openapi.ts`).
 */
export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** Fastify's form: `/cases/:caseId`. */
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  /** False for the probes and the document itself; everything else needs a bearer token. */
  readonly auth: boolean;
  readonly body?: { readonly schema: string; readonly required: boolean };
  readonly query?: readonly { readonly name: string; readonly schema: Readonly<Record<string, unknown>>; readonly description: string }[];
  readonly responses: Readonly<Record<string, RouteResponse>>;
  readonly handler: (context: RouteContext) => Promise<unknown>;
}

const json = (schema: string | Readonly<Record<string, unknown>>) => ({ 'application/json': { schema } });
const caseView = { description: 'The case: stage, deadlines, breaches, pending steps, version.', content: json('CaseView') };
/** Problems each authenticated route may answer, besides its own. */
const refusals = ['400', '401', '403', '404', '409', '413', '422', '503'];

/**
 * The body as a plain object without `actor`: the actor is the caller, and a body that names one is
 * refused rather than quietly overwritten, because a host that sends it believes it counts.
 */
function bodyWithoutActor(body: unknown, code: 'INVALID_EVENT' | 'INVALID_INPUT'): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new StepDownError(code, 'The body must be one JSON object.', {
      issues: [{ path: '(body)', code: 'invalid_type', message: 'expected an object' }],
    });
  }
  if ('actor' in body) {
    throw new StepDownError(code, 'actor: not taken from the body; the actor is the caller the bearer token names. Remove the field.', {
      issues: [{ path: 'actor', code: 'unrecognized_keys', message: 'the actor comes from the bearer token' }],
    });
  }
  return body as Record<string, unknown>;
}

/** `If-Match: "7"` (the ETag of a read) as the version the caller expects; absent, none. */
function expectedVersion(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(String(header).trim());
  if (!match) {
    throw new StepDownError('INVALID_INPUT', 'If-Match must be the ETag of a read of the case, e.g. "7" (its version).', {
      issues: [{ path: 'If-Match', message: 'expected a version' }],
    });
  }
  return Number(match[1]);
}

function withVersion(reply: FastifyReply, view: CaseView): CaseView {
  reply.header('etag', `"${view.version}"`);
  return view;
}

function needActor(context: RouteContext): Actor {
  // Only reached when a route is registered without auth by mistake: fail closed.
  if (context.actor === null) throw new StepDownError('UNAUTHENTICATED', 'Send a bearer token.');
  return context.actor;
}

/** `format=` or the Accept header: json (the default), md or html. */
function reportFormat(context: RouteContext): 'json' | 'md' | 'html' {
  const format = context.query['format'];
  if (format !== undefined) {
    if (format === 'json' || format === 'md' || format === 'html') return format;
    if (format === 'markdown') return 'md';
    throw new StepDownError('INVALID_INPUT', 'format takes json, md or html.', { issues: [{ path: 'format', message: 'expected json, md or html' }] });
  }
  const accept = String(context.headers['accept'] ?? '');
  if (/\btext\/markdown\b/.test(accept)) return 'md';
  if (/\btext\/html\b/.test(accept)) return 'html';
  return 'json';
}

/** The work-list query from the URL: numbers and booleans read from text; anything else left for the engine to refuse. */
function worklistQuery(query: RouteContext['query']): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const value = raw;
    if (name === 'breached' && (value === 'true' || value === 'false')) result[name] = value === 'true';
    else if (name === 'limit' && typeof value === 'string' && /^\d{1,6}$/.test(value)) result[name] = Number(value);
    else result[name] = value;
  }
  return result;
}

/**
 * Every endpoint of the service. The handlers are thin: the engine validates, authorises, records
 * and refuses; a route only takes the actor from the token and shapes the HTTP answer.
 */
export const routeSpecs: readonly RouteSpec[] = [
  {
    method: 'POST',
    url: '/cases',
    operationId: 'openCase',
    summary: 'Open a case',
    description: 'Opens a case at version 1 as the caller (a social-worker or team-manager). 409 CASE_EXISTS when the id is taken.',
    auth: true,
    body: { schema: 'OpenCase', required: true },
    responses: { '201': caseView },
    async handler(context) {
      const actor = needActor(context);
      const body = bodyWithoutActor(context.body, 'INVALID_INPUT');
      if (actor.role !== 'social-worker' && actor.role !== 'team-manager') {
        throw new StepDownError('NOT_ALLOWED', `A case is opened by a social-worker or team-manager, not a ${actor.role}.`, {
          rules: [{ rule: 'division-of-duties' }],
        });
      }
      const view = await context.engine.open({ ...(body as object), actor: { id: actor.id, role: actor.role } } as Parameters<CaseEngine['open']>[0]);
      context.reply.code(201).header('location', `/cases/${encodeURIComponent(view.caseId)}`);
      return withVersion(context.reply, view);
    },
  },
  {
    method: 'POST',
    url: '/cases/:caseId/events',
    operationId: 'sendEvent',
    summary: 'Record an event',
    description:
      'Records one event of the vocabulary, without `actor` (the caller is the actor). Refusals are problems with the code and, for GATE_BLOCKED, the unmet rules in `details.rules`; every refusal is audited. `If-Match: "<version>"` makes a stale version a 409 VERSION_CONFLICT.',
    auth: true,
    body: { schema: 'EventBody', required: true },
    responses: { '200': caseView },
    async handler(context) {
      const actor = needActor(context);
      const body = bodyWithoutActor(context.body, 'INVALID_EVENT');
      const version = expectedVersion(context.headers['if-match']);
      const view = await context.engine.send(context.params['caseId'] ?? '', { ...body, actor } as StepDownEventInput, version === undefined ? {} : { expectedVersion: version });
      return withVersion(context.reply, view);
    },
  },
  {
    method: 'GET',
    url: '/cases/:caseId',
    operationId: 'getCase',
    summary: 'Read a case',
    description: 'The case as it stands; its version is the ETag.',
    auth: true,
    responses: { '200': caseView },
    async handler(context) {
      return withVersion(context.reply, await context.engine.get(context.params['caseId'] ?? ''));
    },
  },
  {
    method: 'GET',
    url: '/cases/:caseId/history',
    operationId: 'getHistory',
    summary: "A case's audit trail",
    description: "The case's audit entries, oldest first: accepted events and refusals, hash-chained.",
    auth: true,
    responses: { '200': { description: 'The audit entries.', content: json({ type: 'array', items: { type: 'object' } }) } },
    async handler(context) {
      return context.engine.history(context.params['caseId'] ?? '');
    },
  },
  {
    method: 'POST',
    url: '/cases/:caseId/explain',
    operationId: 'explainEvent',
    summary: 'Would the case take this event?',
    description: 'Why the case would refuse the event now, as the caller, or null. Stores nothing.',
    auth: true,
    body: { schema: 'EventBody', required: true },
    responses: { '200': { description: 'The refusal, or null.', content: json('ExplainResult') } },
    async handler(context) {
      const actor = needActor(context);
      const body = bodyWithoutActor(context.body, 'INVALID_EVENT');
      return { refusal: await context.engine.explain(context.params['caseId'] ?? '', { ...body, actor } as StepDownEventInput) };
    },
  },
  {
    method: 'POST',
    url: '/cases/:caseId/policy-preview',
    operationId: 'previewPolicyChange',
    summary: 'Preview moving a case to a newer policy version',
    description:
      "Every deadline, pending step and breach a Team Manager's `policy.adopted` of `policyVersion` would change, dated `at`. Stores nothing; an adoption that would be refused is answered with its problem (UNKNOWN_POLICY_VERSION, NO_EFFECT, POLICY_NOT_NEWER, POLICY_NOT_IN_FORCE).",
    auth: true,
    body: { schema: 'PolicyPreview', required: true },
    responses: { '200': { description: 'What the adoption would change.', content: json('PolicyChange') } },
    async handler(context) {
      needActor(context);
      const body = bodyWithoutActor(context.body, 'INVALID_INPUT');
      const parsed = policyPreviewBody.safeParse(body);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
        throw new StepDownError('INVALID_INPUT', `The preview body is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
      }
      const { policyVersion, at } = parsed.data;
      return context.engine.previewPolicyChange(context.params['caseId'] ?? '', policyVersion, at !== undefined ? { at } : {});
    },
  },
  {
    method: 'GET',
    url: '/cases/:caseId/report',
    operationId: 'getComplianceReport',
    summary: "A case's compliance report",
    description:
      'Every rule met, breached, pending or not applicable, with its evidence and citation. JSON by default; Markdown or a self-contained HTML page with `format=md|html` or `Accept: text/markdown|text/html`.',
    auth: true,
    query: [{ name: 'format', schema: { type: 'string', enum: ['json', 'md', 'html'] }, description: 'json (default), md or html; wins over Accept.' }],
    responses: {
      '200': {
        description: 'The report.',
        content: {
          'application/json': { schema: { type: 'object' } },
          'text/markdown': { schema: { type: 'string' } },
          'text/html': { schema: { type: 'string' } },
        },
      },
    },
    async handler(context) {
      const format = reportFormat(context);
      const report = await context.engine.complianceReport(context.params['caseId'] ?? '');
      context.reply.header('vary', 'accept');
      if (format === 'md') {
        context.reply.type('text/markdown; charset=utf-8');
        return reportToMarkdown(report);
      }
      if (format === 'html') {
        context.reply.type('text/html; charset=utf-8');
        return reportToHtml(report);
      }
      return report;
    },
  },
  {
    method: 'GET',
    url: '/worklist',
    operationId: 'getWorklist',
    summary: 'The work list',
    description: 'The steps waiting across every case, soonest due first, filtered as engine.worklist filters.',
    auth: true,
    query: worklistParameters,
    responses: { '200': { description: 'The work items.', content: json({ type: 'array', items: { type: 'object' } }) } },
    async handler(context) {
      return context.engine.worklist(worklistQuery(context.query));
    },
  },
  {
    method: 'POST',
    url: '/tick',
    operationId: 'tick',
    summary: 'Tick the clock',
    description: "Records every deadline due before `at` (the server's clock by default) on every case. For the scheduler's own token: role `system`.",
    auth: true,
    body: { schema: 'Tick', required: false },
    responses: { '200': { description: 'What the tick did.', content: json('TickResult') } },
    async handler(context) {
      const actor = needActor(context);
      if (actor.role !== 'system') {
        throw new StepDownError('NOT_ALLOWED', `The clock is ticked by the scheduler (role system), not a ${actor.role}.`, {
          rules: [{ rule: 'division-of-duties' }],
        });
      }
      const body = context.body ?? {};
      const fields = bodyWithoutActor(body, 'INVALID_INPUT');
      const unknown = Object.keys(fields).filter((key) => key !== 'at');
      if (unknown.length > 0 || (fields['at'] !== undefined && typeof fields['at'] !== 'string')) {
        throw new StepDownError('INVALID_INPUT', 'The tick body takes only `at`: an ISO 8601 date-time with offset.', {
          issues: [{ path: unknown[0] ?? 'at', message: unknown.length > 0 ? 'unknown field' : 'expected a date-time' }],
        });
      }
      return context.engine.tick((fields['at'] as string | undefined) ?? context.now().toISOString());
    },
  },
  {
    method: 'POST',
    url: '/cases/:caseId/rebuild',
    operationId: 'verifyCase',
    summary: "Verify a case's audit trail",
    description:
      'Verifies the hash chain and replays the trail, comparing the result with the stored case. `verified: false` with the code (AUDIT_TRAIL_BROKEN or REBUILD_MISMATCH) and where it diverges.',
    auth: true,
    responses: { '200': { description: 'The verification.', content: json('VerifyResult') } },
    async handler(context) {
      const caseId = context.params['caseId'] ?? '';
      try {
        const view = await context.engine.rebuild(caseId);
        return { caseId, verified: true, version: view.version };
      } catch (error) {
        if (isStepDownError(error, 'AUDIT_TRAIL_BROKEN') || isStepDownError(error, 'REBUILD_MISMATCH')) {
          return { caseId, verified: false, code: error.code, ...(error.details ? { details: error.details } : {}) };
        }
        throw error;
      }
    },
  },
  {
    method: 'POST',
    url: '/verify',
    operationId: 'verifyAll',
    summary: 'Verify every case',
    description:
      "Checks every case of the store (`engine.verifyAll`): each trail's chain and case ids, its head and the head's signature when the engine has a key, the stored version, and a replay. For a nightly job's token: role `system`.",
    auth: true,
    responses: { '200': { description: 'Each broken case by id and code.', content: json('VerifyAllResult') } },
    async handler(context) {
      const actor = needActor(context);
      if (actor.role !== 'system') {
        throw new StepDownError('NOT_ALLOWED', `Every case is verified by a scheduled job (role system), not a ${actor.role}.`, {
          rules: [{ rule: 'division-of-duties' }],
        });
      }
      return context.engine.verifyAll();
    },
  },
  {
    method: 'GET',
    url: '/healthz',
    operationId: 'health',
    summary: 'Liveness',
    description: 'The process is up. No token needed.',
    auth: false,
    responses: { '200': { description: 'Up.', content: json({ type: 'object', properties: { status: { const: 'ok' } } }) } },
    async handler() {
      return { status: 'ok' };
    },
  },
  {
    method: 'GET',
    url: '/readyz',
    operationId: 'ready',
    summary: 'Readiness',
    description: 'The store answers a read. 503 STORE_FAILURE when it does not. No token needed.',
    auth: false,
    responses: { '200': { description: 'Ready.', content: json({ type: 'object', properties: { status: { const: 'ready' } } }) }, '503': { description: 'The store does not answer.', content: { 'application/problem+json': { schema: 'Problem' } } } },
    async handler(context) {
      try {
        // Any read goes through the engine's store guard: a driver fault comes back as STORE_FAILURE.
        await context.engine.get('readyz-probe');
      } catch (error) {
        if (!isStepDownError(error, 'UNKNOWN_CASE')) throw error;
      }
      return { status: 'ready' };
    },
  },
];

/** The problem statuses the OpenAPI document lists for every authenticated route. */
export const authenticatedProblems: readonly string[] = refusals;
