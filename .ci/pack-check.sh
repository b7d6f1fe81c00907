#!/usr/bin/env bash
# Packs the package as `npm publish` would (prepack builds), installs the tarball in an empty folder
# and uses it as a host would: every subpath imports in ESM and CJS, a host's TypeScript that
# misspells an event field does not compile, and the package's `caf-step-down serve` answers the
# test suite's Python client (standard library only) on a memory store.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
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

if ! command -v python3 >/dev/null; then
  echo "pack: SKIPPED the Python client's journey: python3 is not on PATH"
  exit 0
fi
(cd "$root" && npx --no-install tsx scripts/python-journey.ts) > journey.json
secret=pack-check-secret-of-at-least-32-bytes
CAF_STEP_DOWN_JWT_SECRET=$secret ./node_modules/.bin/caf-step-down serve --store memory --host 127.0.0.1 --port 0 2> serve.log &
server=$!
base=
for _ in $(seq 1 100); do
  base=$(sed -n 's/.*serving .* on \(http:[^ ]*\).*/\1/p' serve.log)
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat serve.log; exit 1; }
  sleep 0.2
done
[ -n "$base" ] || { echo "pack: serve did not start"; cat serve.log; exit 1; }
python3 "$root/test/server/python-client.py" --base "$base" --secret "$secret" --journey journey.json --case-id C-PACK-1 > summary.json
node -e '
const summary = JSON.parse(require("node:fs").readFileSync("summary.json", "utf8"));
const ok = summary.outcome === "caf-closed" && summary.refusal.code === "EVENT_NOT_ACCEPTED" && summary.refusal.status === 409;
if (!ok) { console.error("pack: the Python journey ended wrong:", JSON.stringify(summary)); process.exit(1); }
console.log(`pack: caf-step-down serve (installed) answered the Python client: ${summary.events} events, outcome ${summary.outcome}`);
'
kill -TERM "$server"
wait "$server"
server=
