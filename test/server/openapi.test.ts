import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventTypes, parseEvent } from '../../src/index.js';
import { openApiDocument } from '../../src/server/index.js';
import { routeSpecs } from '../../src/server/routes.js';
import { openApiPath, renderOpenApi } from '../../scripts/openapi.js';
import { sampleEvent } from '../events/samples.js';

type Schema = { properties: Record<string, unknown>; required?: string[]; additionalProperties?: unknown };

describe('docs/openapi.json', { timeout: 30_000 }, () => {
  it('is current: run `npm run openapi` after changing a route or an event', () => {
    expect(readFileSync(openApiPath, 'utf8')).toBe(renderOpenApi());
  });

  it("passes the script's own --check, as CI runs it", () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/openapi.ts', '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('openApiDocument', { timeout: 30_000 }, () => {
  const document = openApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, Schema & { oneOf?: { $ref: string }[] }> };
  };

  it('is OpenAPI 3.1 with an operation for every route the server registers', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of routeSpecs) {
      const operation = document.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(operation?.operationId, `${route.method} ${route.url}`).toBe(route.operationId);
      // Open routes say so; the rest inherit the bearer requirement and list the 401 problem.
      if (route.auth) expect(operation?.responses['401']).toBeDefined();
      else expect(operation?.security).toEqual([]);
    }
  });

  it('has one body schema per event, each the event schema without actor', () => {
    const body = document.components.schemas['EventBody']!;
    expect(body.oneOf?.map((r) => r.$ref)).toEqual(eventTypes.map((type) => `#/components/schemas/${type}`));
    for (const type of eventTypes) {
      const schema = document.components.schemas[type]!;
      expect(schema.properties, type).not.toHaveProperty('actor');
      expect(schema.required ?? [], type).not.toContain('actor');
      expect(schema.properties['type'], type).toBeDefined();
      expect(schema.additionalProperties, type).toBe(false);
    }
  });

  it('lists exactly the fields an event takes, besides actor', () => {
    // A sample event's fields are all in its schema: the document describes what the engine accepts.
    for (const type of eventTypes) {
      const { actor: _actor, ...fields } = parseEvent(sampleEvent(type, '2024-05-01T10:00:00+01:00'));
      const properties = Object.keys(document.components.schemas[type]!.properties);
      for (const field of Object.keys(fields)) expect(properties, `${type}.${field}`).toContain(field);
    }
  });
});
