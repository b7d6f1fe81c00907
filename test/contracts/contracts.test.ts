import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { webhookEmitter, type WebhookBody } from '../../adapters/webhook.js';
import { contractJsonSchema, contractSchemas } from '../../src/contracts/json-schemas.js';
import { caseViewSchema } from '../../src/contracts/case-view.js';
import { notificationSchema } from '../../src/contracts/notifications.js';
import { webhookBodySchema } from '../../src/contracts/webhook-body.js';
import { createCaseEngine, type CaseView, type EngineEvent } from '../../src/index.js';
import { contractDocuments } from '../../scripts/contract-schemas.js';
import { runToClosedCaf } from '../engine/journey.js';
import { event } from '../machine/harness.js';

const secret = 'whsec_' + Buffer.from('a test secret of thirty-two bytes!!').toString('base64');

/** A case walked to a closed CAF, with a refusal and a void on a second case, every webhook body captured. */
async function realContracts(): Promise<{ bodies: WebhookBody[]; views: CaseView[] }> {
  const bodies: WebhookBody[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return new Response(null, { status: 204 });
  };
  const engine = createCaseEngine({ emitters: [webhookEmitter({ url: 'https://cms.example.gov.uk/hooks', secret, fetch })] });
  const views = [await runToClosedCaf(engine, 'C-1')];
  views.push(await engine.open({ caseId: 'C-2', route: 'cp-outcome', at: '2024-03-04T09:00:00Z', actor: { id: 'tm-1', role: 'team-manager' } }));
  const decided = await engine.send('C-2', event('decision.agreed', '2024-03-05T10:00:00Z'));
  views.push(await engine.send('C-2', { type: 'event.voided', at: '2024-03-05T11:00:00Z', actor: { id: 'tm-1', role: 'team-manager' }, voidedEventId: decided.eventId!, reason: 'Recorded on the wrong case.' }).catch(() => engine.get('C-2')));
  await engine.send('C-2', event('stepDown.authorised', '2024-03-06T10:00:00Z')).catch(() => undefined);
  while ((await engine.deliver()).delivered > 0);
  return { bodies, views };
}

describe('the contracts shipped as JSON Schema (notifications, case view, webhook body)', () => {
  it('are current: run `npx tsx scripts/contract-schemas.ts` after changing a contract', () => {
    for (const document of contractDocuments()) expect(readFileSync(document.path, 'utf8'), document.name).toBe(document.render());
  });

  it('are the zod schemas of exactly the TypeScript types a host receives', () => {
    // Each way assignable, so neither side has a field, a member or a value the other lacks.
    expectTypeOf<EngineEvent>().toExtend<z.output<typeof notificationSchema>>();
    expectTypeOf<z.output<typeof notificationSchema>>().toExtend<EngineEvent>();
    expectTypeOf<CaseView>().toExtend<z.output<typeof caseViewSchema>>();
    expectTypeOf<z.output<typeof caseViewSchema>>().toExtend<CaseView>();
    expectTypeOf<WebhookBody>().toExtend<z.output<typeof webhookBodySchema>>();
    expectTypeOf<z.output<typeof webhookBodySchema>>().toExtend<WebhookBody>();
  });

  it('accept every notification, view and webhook body a real case produces, unchanged', async () => {
    const { bodies, views } = await realContracts();
    const types = new Set(bodies.map((b) => b.type));
    for (const type of ['case.opened', 'stage.entered', 'deadline.opened', 'breach.recorded', 'outcome.reached', 'event.refused']) {
      expect(types, type).toContain(type);
    }
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const check = (file: keyof typeof contractSchemas, value: unknown) => {
      const { title, schema } = contractSchemas[file];
      const validate = ajv.compile(contractJsonSchema(schema, title));
      expect(validate(value) ? [] : validate.errors, file).toEqual([]);
      // The zod schema keeps every field: nothing the host receives is missing from the contract.
      expect(schema.parse(value), file).toEqual(value);
    };
    for (const body of bodies) {
      check('webhook.schema.json', body);
      check('notifications.schema.json', body.data);
    }
    for (const view of views) check('case-view.schema.json', JSON.parse(JSON.stringify(view)));
  }, 120_000);

  it('refuse what is not the contract: a misspelt field, an unknown type', () => {
    const ajv = new Ajv2020({ strict: false });
    const notifications = ajv.compile(contractJsonSchema(notificationSchema, 'n'));
    expect(notifications({ type: 'case.opened', caseId: 'C-1', at: '2024-03-04T09:00:00Z' })).toBe(true);
    expect(notifications({ type: 'case.opened', caseID: 'C-1', at: '2024-03-04T09:00:00Z' })).toBe(false);
    expect(notifications({ type: 'case.openned', caseId: 'C-1', at: '2024-03-04T09:00:00Z' })).toBe(false);
  });
});
