/**
 * Writes docs/openapi.json, the HTTP service's OpenAPI 3.1 document, from the route table and the
 * zod schemas in src (the same document the service serves at /openapi.json). With `--check` it
 * writes nothing and exits 1 when the file is out of date, so CI catches a change committed
 * without its document.
 *
 *   npm run openapi [-- --check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../src/server/openapi.js';

/** Where the document lives. */
export const openApiPath = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/** The document's text exactly as written: two-space JSON and a final newline. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

function readCurrent(): string | null {
  try {
    return readFileSync(openApiPath, 'utf8');
  } catch {
    return null;
  }
}

function main(args: readonly string[]): number {
  const fresh = renderOpenApi();
  if (args.includes('--check')) {
    if (readCurrent() === fresh) return 0;
    console.error('docs/openapi.json is out of date: run `npm run openapi`.');
    return 1;
  }
  writeFileSync(openApiPath, fresh);
  console.log('wrote docs/openapi.json');
  return 0;
}

// Run only as a script: the tests import renderOpenApi without writing anything.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
