// Imports every subpath the installed package exports, as an ES module host would.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(require.resolve('caf-step-down/package.json'), 'utf8'));
let count = 0;
for (const subpath of Object.keys(manifest.exports)) {
  if (subpath.endsWith('.json')) continue;
  const name = subpath === '.' ? 'caf-step-down' : `caf-step-down/${subpath.slice(2)}`;
  const module = await import(name);
  if (Object.keys(module).length === 0) throw new Error(`${name} (ESM) exports nothing`);
  count += 1;
}
console.log(`ESM: ${count} subpaths import`);
