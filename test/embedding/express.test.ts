import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseRoutes } from '../../examples/embedding/express.js';
import { createCaseEngine } from '../../src/index.js';
import { sampleEvent, samplePeople } from '../events/samples.js';

// The guide's Express route (docs/embedding.md), run over real HTTP.
const engine = createCaseEngine({ now: () => new Date('2024-07-01T09:00:00Z') });
let server: Server;
let base = '';

beforeAll(async () => {
  const app = express();
  // The test's stand-in for the host's authentication: the user named by a header, as a team manager.
  app.use(
    caseRoutes(engine, (req, res, next) => {
      res.locals['actor'] = { id: req.header('x-user') ?? 'anonymous', role: 'team-manager' };
      next();
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await engine.open({ caseId: 'C-1', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': 'tm-7' }, body: JSON.stringify(body) });

describe('examples/embedding/express.ts', () => {
  it('records an event with the authenticated actor, whatever actor the body names', async () => {
    const { actor: _actor, ...decision } = sampleEvent('decision.agreed', '2024-05-01T11:00:00+01:00');
    const response = await post('/cases/C-1/events', { ...decision, actor: { id: 'someone-else', role: 'system' } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ version: 2, stage: 'preparation' });
    const trail = await engine.history('C-1');
    expect(trail.at(-1)?.actor).toEqual({ id: 'tm-7', role: 'team-manager' });
  });

  it('answers a refusal with its code and the HTTP service’s status: 403 NOT_ALLOWED, 409 EVENT_NOT_ACCEPTED, 400 INVALID_EVENT, 404 UNKNOWN_CASE', async () => {
    // A team manager does not hold the final meeting.
    const { actor: _actor, ...meeting } = sampleEvent('finalMeeting.held', '2024-05-02T10:00:00+01:00');
    const forbidden = await post('/cases/C-1/events', meeting);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'NOT_ALLOWED' });
    // The decision is taken: a second one is not a step of this stage.
    const { actor: _a, ...again } = sampleEvent('decision.agreed', '2024-05-02T11:00:00+01:00');
    const conflict = await post('/cases/C-1/events', again);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'EVENT_NOT_ACCEPTED' });
    const invalid = await post('/cases/C-1/events', { type: 'consent.givn', at: '2024-05-02T10:00:00+01:00' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'INVALID_EVENT' });
    const unknown = await fetch(`${base}/cases/C-404`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'UNKNOWN_CASE' });
    const read = await fetch(`${base}/cases/C-1`);
    expect(await read.json()).toMatchObject({ caseId: 'C-1', version: 2 });
  });
});
