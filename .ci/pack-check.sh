#!/usr/bin/env bash
# Packs the package as `npm publish` would (prepack builds), installs the tarball in an empty folder
# and uses it as a host would: every subpath imports in ESM and CJS, and a host's TypeScript that
# misspells an event field does not compile.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && npm pack --silent --pack-destination "$work" >/dev/null)
cp "$root"/.ci/pack/* "$work"/
cd "$work"
echo '{ "name": "host", "private": true, "type": "commonjs" }' > package.json
npm install --silent --no-audit --no-fund ./caf-step-down-*.tgz \
  "typescript@$(node -p "require('$root/node_modules/typescript/package.json').version")" "@types/node@20"
node import-all.mjs
node import-all.cjs
npx --no-install tsc -p tsconfig.json
echo "pack: the installed tarball imports and type-checks as a host uses it"
