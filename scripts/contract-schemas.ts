/**
 * Writes docs/notifications.schema.json, docs/case-view.schema.json and docs/webhook.schema.json, the
 * contracts of what the library hands a host, from the zod schemas in src/contracts. With `--check`
 * it writes nothing and exits 1 when a file is out of date.
 *
 *   npx tsx scripts/contract-schemas.ts [--check]
 */
import { fileURLToPath } from 'node:url';
import { contractJsonSchema, contractSchemas } from '../src/contracts/json-schemas.js';
import { writeOrCheck } from './generated-document.js';

/** Each document's path and its text exactly as written: two-space JSON and a final newline. */
export function contractDocuments(): { name: string; path: string; render: () => string }[] {
  return Object.entries(contractSchemas).map(([file, { title, schema }]) => ({
    name: `docs/${file}`,
    path: fileURLToPath(new URL(`../docs/${file}`, import.meta.url)),
    render: () => `${JSON.stringify(contractJsonSchema(schema, title), null, 2)}\n`,
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = Math.max(
    ...contractDocuments().map((d) => writeOrCheck({ ...d, command: 'npx tsx scripts/contract-schemas.ts' }, process.argv.slice(2))),
  );
}
