import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventTypes, eventsJsonSchema } from '../../src/events/index.js';
import { eventsSchemaPath, renderEventsSchema } from '../../scripts/events-schema.js';

describe('docs/events.schema.json', () => {
  it('is current: run `npx tsx scripts/events-schema.ts` after changing an event', () => {
    expect(readFileSync(eventsSchemaPath, 'utf8')).toBe(renderEventsSchema());
  });

  it('passes the script\'s own --check, as CI runs it', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/events-schema.ts', '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('is a JSON Schema document with one definition per event', () => {
    const document = eventsJsonSchema();
    expect(document.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(document.title).toBe('caf-step-down events');
    expect(Object.keys(document.$defs)).toEqual([...eventTypes]);
    expect(document.oneOf).toEqual(eventTypes.map((type) => ({ $ref: `#/$defs/${type}` })));
  });

  it('describes every event and every field, and refuses unknown fields', () => {
    const undocumented: string[] = [];
    const open: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string): void => {
      if (typeof schema['description'] !== 'string' || schema['description'] === '') undocumented.push(path);
      if (schema['type'] === 'object' && schema['additionalProperties'] !== false) open.push(path);
      const properties = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
      for (const [key, child] of Object.entries(properties)) walk(child, `${path}.${key}`);
      const items = schema['items'] as Record<string, unknown> | undefined;
      if (items) walk(items, `${path}[]`);
    };
    for (const [type, definition] of Object.entries(eventsJsonSchema().$defs)) walk(definition as Record<string, unknown>, type);
    expect(undocumented).toEqual([]);
    expect(open).toEqual([]);
  });

  it('requires an offset on at and non-blank text, for validators in other languages', () => {
    const views = eventsJsonSchema().$defs['views.recorded'] as { properties: Record<string, { pattern?: string }> };
    const at = new RegExp(views.properties['at']?.pattern ?? '');
    expect(at.test('2024-05-01T10:00:00+01:00')).toBe(true);
    expect(at.test('2024-05-01T10:00:00')).toBe(false);
    const summary = new RegExp(views.properties['summary']?.pattern ?? '');
    expect(summary.test('   ')).toBe(false);
  });
});
