// Requires every subpath the installed package exports, as a CommonJS host would.
const manifest = require('caf-step-down/package.json');
let count = 0;
for (const subpath of Object.keys(manifest.exports)) {
  if (subpath.endsWith('.json')) continue;
  const name = subpath === '.' ? 'caf-step-down' : `caf-step-down/${subpath.slice(2)}`;
  const module = require(name);
  if (Object.keys(module).length === 0) throw new Error(`${name} (CJS) exports nothing`);
  count += 1;
}
console.log(`CJS: ${count} subpaths require`);
