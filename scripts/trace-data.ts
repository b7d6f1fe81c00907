import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { rules } from '../src/policy/rules.js';

/** Where the code names a rule, and which tests are named after it. */
export interface RuleTrace {
  readonly id: string;
  readonly enforcedIn: readonly string[];
  readonly tests: readonly string[];
}

const root = join(import.meta.dirname, '..');
const enforcingParts = ['events', 'policy', 'machine', 'engine'];

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

/**
 * Traces every rule of the catalogue: the source files of the enforcing parts (events, policy,
 * machine, engine; the catalogue itself left out) that name its id in quotes, and the tests whose
 * title starts with it (`it('rule-id: …')`).
 */
export function traceRules(): RuleTrace[] {
  // Only the parts that enforce the policy count; the report, diagrams, simulator and testing kit
  // name rules to show them, not to enforce them.
  const sources = enforcingParts
    .flatMap((part) => files(join(root, 'src', part), '.ts'))
    .filter((path) => !path.endsWith(join('policy', 'rules.ts')))
    .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));
  const testFiles = files(join(root, 'test'), '.test.ts').map((path) => ({
    path: relative(root, path),
    text: readFileSync(path, 'utf8'),
  }));
  return rules.map((rule) => {
    const quoted = new RegExp(`['"\`]${rule.id}['"\`:]`);
    const enforcedIn = sources.filter((s) => quoted.test(s.text)).map((s) => s.path);
    const title = new RegExp(`\\b(?:it|test)(?:\\.each\\([^)]*\\))?\\(\\s*['"\`](${rule.id}: [^'"\`]*)`, 'g');
    const tests = testFiles.flatMap((f) => [...f.text.matchAll(title)].map((m) => `${f.path} › ${m[1]}`));
    return { id: rule.id, enforcedIn, tests };
  });
}
