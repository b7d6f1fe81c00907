// Requires every subpath the installed package exports, as a CommonJS host would. A subpath whose
// optional peer dependency the host has not installed is skipped with the reason, and only then.
const manifest = require('caf-step-down/package.json');
const optionalPeers = Object.keys(manifest.peerDependenciesMeta ?? {}).filter((name) => manifest.peerDependenciesMeta[name].optional);
let count = 0;
for (const subpath of Object.keys(manifest.exports)) {
  if (subpath.endsWith('.json')) continue;
  const name = subpath === '.' ? 'caf-step-down' : `caf-step-down/${subpath.slice(2)}`;
  let module;
  try {
    module = require(name);
  } catch (error) {
    const peer = optionalPeers.find((p) => error.code === 'MODULE_NOT_FOUND' && error.message.includes(`'${p}'`));
    if (!peer) throw error;
    console.log(`CJS: ${name} SKIPPED: its optional peer dependency ${peer} is not installed`);
    continue;
  }
  if (Object.keys(module).length === 0) throw new Error(`${name} (CJS) exports nothing`);
  count += 1;
}
console.log(`CJS: ${count} subpaths require`);
