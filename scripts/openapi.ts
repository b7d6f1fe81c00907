/**
 * Writes docs/openapi.json, the HTTP service's OpenAPI 3.1 document, from the route table and the
 * zod schemas in src (the same document the service serves at /openapi.json). With `--check` it
 * writes nothing and exits 1 when the file is out of date, so CI catches a change committed
 * without its document.
 *
 *   npm run openapi [-- --check]
 */
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../src/server/openapi.js';
import { writeOrCheck } from './generated-document.js';

/** Where the document lives. */
export const openApiPath = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/** The document's text exactly as written: two-space JSON and a final newline. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

// Run only as a script: the tests import renderOpenApi without writing anything.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = writeOrCheck(
    { path: openApiPath, name: 'docs/openapi.json', command: 'npm run openapi', render: renderOpenApi },
    process.argv.slice(2),
  );
}
