/**
 * Writes docs/events.schema.json, the event vocabulary as JSON Schema for hosts in other languages,
 * from the zod schemas in src/events. With `--check` it writes nothing and exits 1 when the file is
 * out of date, so CI catches a schema change committed without its document.
 *
 *   npx tsx scripts/events-schema.ts [--check]
 */
import { fileURLToPath } from 'node:url';
import { eventsJsonSchema } from '../src/events/index.js';
import { writeOrCheck } from './generated-document.js';

/** Where the document lives. */
export const eventsSchemaPath = fileURLToPath(new URL('../docs/events.schema.json', import.meta.url));

/** The document's text exactly as written: two-space JSON and a final newline. */
export function renderEventsSchema(): string {
  return `${JSON.stringify(eventsJsonSchema(), null, 2)}\n`;
}

// Run only as a script: the tests import renderEventsSchema without writing anything.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = writeOrCheck(
    { path: eventsSchemaPath, name: 'docs/events.schema.json', command: 'npx tsx scripts/events-schema.ts', render: renderEventsSchema },
    process.argv.slice(2),
  );
}
