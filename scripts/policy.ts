/**
 * Generates docs/policy.md (and docs/policy.json, which the command line renders) from the policy
 * texts, the rule catalogue, the code and the tests: each paragraph with the rules that cite it.
 * Never edit the output by hand. `--check` exits 1 when either file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { coverageLine } from '../src/policy-doc/woven.js';
import { wovenPolicyToMarkdown } from '../src/policy-doc/markdown.js';
import { weavePolicy } from './policy-weave.js';

const docs = join(import.meta.dirname, '..', 'docs');
const woven = weavePolicy();
const outputs = {
  'policy.md': wovenPolicyToMarkdown(woven),
  'policy.json': `${JSON.stringify(woven, null, 2)}\n`,
};

if (process.argv.includes('--check')) {
  const stale = Object.entries(outputs).filter(([name, text]) => {
    try {
      return readFileSync(join(docs, name), 'utf8') !== text;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`${stale.map(([name]) => `docs/${name}`).join(' and ')} out of date: run \`npm run policy\`.`);
    process.exit(1);
  }
} else {
  for (const [name, text] of Object.entries(outputs)) writeFileSync(join(docs, name), text);
  console.log(`wrote docs/policy.md and docs/policy.json; ${coverageLine(woven)}`);
}
