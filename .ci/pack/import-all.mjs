// Imports every subpath the installed package exports, as an ES module host would. A subpath whose
// optional peer dependency the host has not installed is skipped with the reason, and only then.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(require.resolve('caf-step-down/package.json'), 'utf8'));
const optionalPeers = Object.keys(manifest.peerDependenciesMeta ?? {}).filter((name) => manifest.peerDependenciesMeta[name].optional);
let count = 0;
for (const subpath of Object.keys(manifest.exports)) {
  if (subpath.endsWith('.json')) continue;
  const name = subpath === '.' ? 'caf-step-down' : `caf-step-down/${subpath.slice(2)}`;
  let module;
  try {
    module = await import(name);
  } catch (error) {
    const peer = optionalPeers.find((p) => error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes(`'${p}'`));
    if (!peer) throw error;
    console.log(`ESM: ${name} SKIPPED: its optional peer dependency ${peer} is not installed`);
    continue;
  }
  if (Object.keys(module).length === 0) throw new Error(`${name} (ESM) exports nothing`);
  count += 1;
}
console.log(`ESM: ${count} subpaths import`);
