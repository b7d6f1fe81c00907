import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { createCaseEngine, type CaseStore } from '../../src/index.js';
import { maxEventLength } from '../../src/engine/engine.js';
import { createServer, openApiDocument, type ServerOptions } from '../../src/server/index.js';
import { sampleEvent, sampleNames, samplePeople } from '../events/samples.js';
import { call, hmacToken, listen, testSecret } from './harness.js';
import { journeyOpening, journeySteps } from './journey-steps.js';

const { teamManager: tm, socialWorker: sw, leadProfessionalActor: lp, clock: system } = samplePeople;
const running: { close(): Promise<unknown> }[] = [];

afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

/** A service over an engine on `store` (memory by default), listening on 127.0.0.1. */
async function start(options: Partial<ServerOptions> = {}, store: CaseStore = memoryStore()) {
  const engine = createCaseEngine({ store });
  const server = createServer(engine, { auth: { secret: testSecret }, ...options });
  running.push(server);
  return { base: await listen(server), engine, server };
}

/** Opens case `caseId` as the journey's team manager. */
async function open(base: string, caseId: string) {
  return call(base, 'POST', '/cases', { token: await hmacToken(journeyOpening.actor), body: { caseId, ...journeyOpening.body } });
}

const bodyOf = (type: Parameters<typeof sampleEvent>[0], at: string) => {
  const { actor: _actor, ...body } = sampleEvent(type, at);
  return body;
};

describe('createServer over real HTTP', { timeout: 30_000 }, () => {
  it('walks a case from the decision to the CAF closure with signed tokens', async () => {
    const { base, engine } = await start();
    const opened = await open(base, 'C-1');
    expect(opened.status).toBe(201);
    expect(opened.headers.get('location')).toBe('/cases/C-1');
    expect(opened.headers.get('etag')).toBe('"1"');
    let version = 1;
    for (const step of journeySteps()) {
      const response =
        step.kind === 'tick'
          ? await call(base, 'POST', '/tick', { token: await hmacToken(system), body: { at: step.at } })
          : await call(base, 'POST', '/cases/C-1/events', { token: await hmacToken(step.actor), body: step.body });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      if (step.kind === 'tick') {
        expect(response.body).toEqual({ cases: 1, breaches: 1, failed: [] });
      } else {
        version += 1;
        expect(response.headers.get('etag')).toBe(`"${response.body.version}"`);
      }
    }
    const read = await call(base, 'GET', '/cases/C-1', { token: await hmacToken(sw) });
    expect(read.status).toBe(200);
    expect(read.body.outcome).toBe('caf-closed');
    expect(read.body.breaches.map((b: { rule: string }) => b.rule)).toEqual(['first-family-plan-meeting']);
    // The server sent the engine exactly what the engine holds: the same case, read directly.
    expect(read.body).toEqual(JSON.parse(JSON.stringify(await engine.get('C-1'))));
    // The actor of each accepted entry is the token's, person id included.
    const history = await call(base, 'GET', '/cases/C-1/history', { token: await hmacToken(sw) });
    expect(history.status).toBe(200);
    const closed = history.body.find((e: { type: string }) => e.type === 'caf.closed');
    expect(closed.actor).toEqual({ id: lp.id, role: 'lead-professional', personId: lp.personId });
    expect(history.body.filter((e: { accepted: boolean }) => e.accepted)).toHaveLength(version + 1);
  });

  it('serves the compliance report as JSON, Markdown and HTML, by format or Accept', async () => {
    const { base } = await start();
    await open(base, 'C-1');
    const token = await hmacToken(tm);
    const asJson = await call(base, 'GET', '/cases/C-1/report', { token });
    expect(asJson.status).toBe(200);
    expect(asJson.body.caseId).toBe('C-1');
    const markdown = await call(base, 'GET', '/cases/C-1/report', { token, headers: { accept: 'text/markdown' } });
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(markdown.text).toMatch(/^# Compliance report: case C-1/);
    const html = await call(base, 'GET', '/cases/C-1/report?format=html', { token, headers: { accept: 'text/markdown' } });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toMatch(/<html/i);
    const wrong = await call(base, 'GET', '/cases/C-1/report?format=pdf', { token });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('INVALID_INPUT');
  });

  it('answers explain, the work list with its filters, and verifies a case', async () => {
    const { base } = await start();
    await open(base, 'C-1');
    const token = await hmacToken(tm);
    const blocked = await call(base, 'POST', '/cases/C-1/explain', { token: await hmacToken(sw), body: bodyOf('finalMeeting.held', '2024-03-05T10:00:00Z') });
    expect(blocked.status).toBe(200);
    expect(blocked.body.refusal.code).toBe('EVENT_NOT_ACCEPTED');
    const fine = await call(base, 'POST', '/cases/C-1/explain', { token, body: bodyOf('decision.agreed', '2024-03-05T10:00:00Z') });
    expect(fine.body).toEqual({ refusal: null });
    // Explain stores nothing.
    expect((await call(base, 'GET', '/cases/C-1', { token })).body.version).toBe(1);

    const all = await call(base, 'GET', '/worklist', { token });
    expect(all.status).toBe(200);
    expect(all.body.map((w: { step: string; role: string }) => [w.step, w.role])).toEqual([['decision.agreed', 'team-manager']]);
    expect((await call(base, 'GET', '/worklist?role=social-worker&limit=5&breached=false', { token })).body).toEqual([]);
    const badFilter = await call(base, 'GET', '/worklist?limit=none', { token });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.code).toBe('INVALID_INPUT');

    const verified = await call(base, 'POST', '/cases/C-1/rebuild', { token });
    expect(verified.body).toEqual({ caseId: 'C-1', verified: true, version: 1 });
  });
});

describe('refusals are RFC 9457 problems carrying the code', { timeout: 30_000 }, () => {
  it('GATE_BLOCKED is 409 with the unmet rules, audited, and never repeats the body', async () => {
    const { base, engine } = await start();
    await open(base, 'C-1');
    await call(base, 'POST', '/cases/C-1/events', { token: await hmacToken(tm), body: bodyOf('decision.agreed', '2024-03-05T10:00:00Z') });
    const refused = await call(base, 'POST', '/cases/C-1/events', { token: await hmacToken(sw), body: bodyOf('finalMeeting.held', '2024-03-06T10:00:00Z') });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: 'urn:caf-step-down:problem:gate-blocked', title: 'Conflict', status: 409, code: 'GATE_BLOCKED' });
    expect(refused.body.detail).toMatch(/Case C-1/);
    expect(refused.body.details.rules.map((r: { rule: string }) => r.rule)).toContain('views-recorded');
    for (const name of sampleNames) expect(refused.text).not.toContain(name);
    const last = (await engine.history('C-1')).at(-1)!;
    expect(last).toMatchObject({ accepted: false, errorCode: 'GATE_BLOCKED', actor: { id: sw.id, role: 'social-worker' } });
  });

  it('a body naming an actor is refused 400 INVALID_EVENT, and nothing is recorded', async () => {
    const { base, engine } = await start();
    await open(base, 'C-1');
    // A social worker claiming to be the team manager in the body: refused, not believed, not ignored.
    const forged = await call(base, 'POST', '/cases/C-1/events', {
      token: await hmacToken(sw),
      body: { ...bodyOf('decision.agreed', '2024-03-05T10:00:00Z'), actor: tm },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('INVALID_EVENT');
    expect(forged.body.details.issues).toEqual([{ path: 'actor', code: 'unrecognized_keys', message: 'the actor comes from the bearer token' }]);
    expect((await engine.get('C-1')).version).toBe(1);
    const openForged = await call(base, 'POST', '/cases', { token: await hmacToken(tm), body: { caseId: 'C-2', ...journeyOpening.body, actor: tm } });
    expect(openForged.status).toBe(400);
    expect(openForged.body.code).toBe('INVALID_INPUT');
  });

  it('maps NOT_ALLOWED, INVALID_EVENT, UNKNOWN_CASE, CASE_EXISTS, VERSION_CONFLICT and FUTURE_DATED', async () => {
    const { base } = await start();
    await open(base, 'C-1');
    const token = await hmacToken(tm);
    const notAllowed = await call(base, 'POST', '/cases/C-1/events', { token: await hmacToken(sw), body: bodyOf('decision.agreed', '2024-03-05T10:00:00Z') });
    expect([notAllowed.status, notAllowed.body.code]).toEqual([403, 'NOT_ALLOWED']);
    const invalid = await call(base, 'POST', '/cases/C-1/events', { token, body: { ...bodyOf('decision.agreed', '2024-03-05T10:00:00Z'), rationale: '  ' } });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'INVALID_EVENT']);
    expect(invalid.body.details.issues.map((i: { path: string }) => i.path)).toEqual(['rationale']);
    const unknown = await call(base, 'GET', '/cases/C-404', { token });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UNKNOWN_CASE']);
    const exists = await open(base, 'C-1');
    expect([exists.status, exists.body.code]).toEqual([409, 'CASE_EXISTS']);
    const stale = await call(base, 'POST', '/cases/C-1/events', { token, headers: { 'if-match': '"7"' }, body: bodyOf('decision.agreed', '2024-03-05T10:00:00Z') });
    expect([stale.status, stale.body.code, stale.body.details]).toEqual([409, 'VERSION_CONFLICT', { caseId: 'C-1', expectedVersion: 7, actualVersion: 1 }]);
    const current = await call(base, 'POST', '/cases/C-1/events', { token, headers: { 'if-match': '"1"' }, body: bodyOf('decision.agreed', '2024-03-05T10:00:00Z') });
    expect(current.status).toBe(200);
    const future = await call(base, 'POST', '/cases/C-1/events', { token: await hmacToken(sw), body: bodyOf('views.recorded', '2099-01-01T10:00:00Z') });
    expect([future.status, future.body.code]).toEqual([422, 'FUTURE_DATED']);
    const opener = await call(base, 'POST', '/cases', { token: await hmacToken(lp), body: { caseId: 'C-3', ...journeyOpening.body } });
    expect([opener.status, opener.body.code]).toEqual([403, 'NOT_ALLOWED']);
    const ticker = await call(base, 'POST', '/tick', { token });
    expect([ticker.status, ticker.body.code]).toEqual([403, 'NOT_ALLOWED']);
  });

  it('POST /verify sweeps every case for the scheduler and is refused to a practitioner', async () => {
    const { base } = await start();
    await open(base, 'C-1');
    await open(base, 'C-2');
    const system = await hmacToken({ id: 'scheduler', role: 'system' });
    const clean = await call(base, 'POST', '/verify', { token: system });
    expect([clean.status, clean.body.cases, clean.body.broken]).toEqual([200, 2, []]);
    const refused = await call(base, 'POST', '/verify', { token: await hmacToken(tm) });
    expect([refused.status, refused.body.code]).toEqual([403, 'NOT_ALLOWED']);
  });

  it('a body that is not JSON is 400, an unknown path 404, both problems', async () => {
    const { base } = await start();
    const token = await hmacToken(tm);
    const garbled = await call(base, 'POST', '/cases', { token, rawBody: '{"caseId": ' });
    expect([garbled.status, garbled.body.code]).toEqual([400, 'INVALID_INPUT']);
    const nowhere = await call(base, 'GET', '/nowhere', { token });
    expect(nowhere.status).toBe(404);
    expect(nowhere.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('authentication', { timeout: 30_000 }, () => {
  it('401 without a token, with a malformed one, a wrong key or an expired one; the problem says Bearer', async () => {
    const { base, engine } = await start();
    await engine.open({ caseId: 'C-1', ...journeyOpening.body, actor: tm } as never);
    const expired = await new SignJWT({ role: 'team-manager' }).setProtectedHeader({ alg: 'HS256' }).setSubject(tm.id).setExpirationTime(0).sign(new TextEncoder().encode(testSecret));
    const cases: [string, string | undefined, string | undefined][] = [
      ['none', undefined, undefined],
      ['not a bearer', 'Basic dXNlcjpwYXNz', undefined],
      ['garbage', 'Bearer not.a.jwt', 'ERR_JWS_INVALID'],
      ['wrong key', `Bearer ${await hmacToken(tm, 'another-secret-of-at-least-32-bytes')}`, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
      ['expired', `Bearer ${expired}`, 'ERR_JWT_EXPIRED'],
    ];
    for (const [label, authorization, reason] of cases) {
      const response = await call(base, 'GET', '/cases/C-1', { headers: authorization ? { authorization } : {} });
      expect(response.status, label).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.body.code).toBe('UNAUTHENTICATED');
      if (reason) expect(response.body.details.reason, label).toBe(reason);
    }
  });

  it('a token whose role is not a policy role, or whose user id is not an id, is 403', async () => {
    const { base } = await start();
    const manager = await hmacToken({ id: 'u-1', role: 'team-manager' }, testSecret, { role: 'head-teacher' });
    const named = await hmacToken({ id: 'David Okafor', role: 'team-manager' });
    for (const token of [manager, named]) {
      const response = await call(base, 'GET', '/worklist', { token });
      expect([response.status, response.body.code]).toEqual([403, 'NOT_ALLOWED']);
      expect(response.text).not.toContain('David Okafor');
    }
  });

  it('reads the actor from the claims the options name', async () => {
    const { base, engine } = await start({ auth: { secret: testSecret, claims: { userId: 'uid', role: 'stepdown_role', personId: 'person' } } });
    const token = await new SignJWT({ uid: 'tm-9', stepdown_role: 'team-manager' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(testSecret));
    expect((await call(base, 'POST', '/cases', { token, body: { caseId: 'C-1', ...journeyOpening.body } })).status).toBe(201);
    expect((await engine.history('C-1'))[0]!.actor).toEqual({ id: 'tm-9', role: 'team-manager' });
  });

  it('verifies ES256 tokens against a JWKS served over HTTP, and refuses another key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const jwks = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    running.push({ close: () => new Promise((resolve) => jwks.close(resolve)) });
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const { base } = await start({ auth: { jwksUrl, issuer: 'https://idp.test/', audience: 'caf-step-down' } });
    const sign = (key: Parameters<SignJWT['sign']>[0], claims: { iss?: string } = {}) =>
      new SignJWT({ role: 'team-manager' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject(tm.id)
        .setIssuer(claims.iss ?? 'https://idp.test/').setAudience('caf-step-down').setExpirationTime('5m').sign(key);
    const good = await call(base, 'POST', '/cases', { token: await sign(privateKey), body: { caseId: 'C-1', ...journeyOpening.body } });
    expect(good.status).toBe(201);
    const forged = await call(base, 'GET', '/cases/C-1', { token: await sign(other.privateKey) });
    expect([forged.status, forged.body.details.reason]).toEqual([401, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED']);
    const foreign = await call(base, 'GET', '/cases/C-1', { token: await sign(privateKey, { iss: 'https://elsewhere.test/' }) });
    expect([foreign.status, foreign.body.details.reason]).toEqual([401, 'ERR_JWT_CLAIM_VALIDATION_FAILED']);
  });

  it('refuses settings that cannot work when it is created', () => {
    const engine = createCaseEngine();
    expect(() => createServer(engine, { auth: {} })).toThrow(/exactly one of jwksUrl/);
    expect(() => createServer(engine, { auth: { secret: 'short' } })).toThrow(/at least 32 bytes/);
    expect(() => createServer(engine, { auth: { secret: testSecret, jwksUrl: 'https://idp.test/jwks' } })).toThrow(/exactly one/);
  });
});

describe('limits, probes and shutdown', { timeout: 30_000 }, () => {
  it('413 for a body over the limit, before the engine; 413 from the engine for an event over its own, audited', async () => {
    const { base, engine } = await start({ bodyLimit: maxEventLength * 2 });
    await open(base, 'C-1');
    const token = await hmacToken(sw);
    const huge = await call(base, 'POST', '/cases/C-1/events', { token, rawBody: JSON.stringify({ type: 'views.recorded', summary: 'x'.repeat(maxEventLength * 2) }) });
    expect([huge.status, huge.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await engine.history('C-1')).toHaveLength(1);
    const large = await call(base, 'POST', '/cases/C-1/events', { token, body: { ...bodyOf('views.recorded', '2024-03-07T10:00:00Z'), summary: 'x'.repeat(maxEventLength) } });
    expect([large.status, large.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await engine.history('C-1')).at(-1)).toMatchObject({ accepted: false, errorCode: 'PAYLOAD_TOO_LARGE' });
  });

  it('/healthz and /readyz answer without a token; /readyz is 503 when the store fails', async () => {
    const { base } = await start();
    expect((await call(base, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(base, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    const broken: CaseStore = { ...memoryStore(), load: async () => { throw new Error('connection refused: postgres://u:secret@db'); } };
    const down = await start({}, broken);
    expect((await call(down.base, 'GET', '/healthz')).status).toBe(200);
    const ready = await call(down.base, 'GET', '/readyz');
    expect([ready.status, ready.body.code]).toEqual([503, 'STORE_FAILURE']);
    expect(ready.text).not.toContain('secret');
  });

  it('close() finishes a request in flight before it resolves', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const memory = memoryStore();
    let held = false;
    const slow: CaseStore = {
      ...memory,
      async load(caseId) {
        if (caseId === 'C-slow' && !held) {
          held = true;
          entered();
          await gate;
          order.push('store answered');
        }
        return memory.load(caseId);
      },
    };
    const { base, server } = await start({}, slow);
    running.splice(running.indexOf(server), 1);
    await open(base, 'C-slow');
    const request = call(base, 'GET', '/cases/C-slow', { token: await hmacToken(tm) });
    await inside;
    const closed = server.close().then(() => order.push('closed'));
    // Closing, with the request held in the store: close must wait for it.
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    release();
    const response = await request;
    await closed;
    expect(response.status).toBe(200);
    expect(response.body.caseId).toBe('C-slow');
    expect(order).toEqual(['store answered', 'closed']);
    // Closed: nothing listens any more.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('/openapi.json', { timeout: 30_000 }, () => {
  it('serves the document generated from the zod schemas, without a token', async () => {
    const { base } = await start();
    const response = await call(base, 'GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(response.body.openapi).toBe('3.1.0');
  });
});
