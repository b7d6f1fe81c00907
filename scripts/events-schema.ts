/**
 * Writes docs/events.schema.json, the event vocabulary as JSON Schema for hosts in other languages,
 * from the zod schemas in src/events. With `--check` it writes nothing and exits 1 when the file is
 * out of date, so CI catches a schema change committed without its document.
 *
 *   npx tsx scripts/events-schema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventsJsonSchema } from '../src/events/index.js';

/** Where the document lives. */
export const eventsSchemaPath = fileURLToPath(new URL('../docs/events.schema.json', import.meta.url));

/** The document's text exactly as written: two-space JSON and a final newline. */
export function renderEventsSchema(): string {
  return `${JSON.stringify(eventsJsonSchema(), null, 2)}\n`;
}

function readCurrent(): string | null {
  try {
    return readFileSync(eventsSchemaPath, 'utf8');
  } catch {
    return null;
  }
}

function main(args: readonly string[]): number {
  const fresh = renderEventsSchema();
  if (args.includes('--check')) {
    if (readCurrent() === fresh) return 0;
    console.error('docs/events.schema.json is out of date: run `npx tsx scripts/events-schema.ts`.');
    return 1;
  }
  writeFileSync(eventsSchemaPath, fresh);
  console.log('wrote docs/events.schema.json');
  return 0;
}

// Run only as a script: the tests import renderEventsSchema without writing anything.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
