/**
 * Puts the example files into docs/embedding.md: each code block after a marker
 * `<!-- example: examples/embedding/NAME -->` is the file's text, its relative imports written as a
 * host writes them (`caf-step-down`, `caf-step-down/adapters/postgres`). Edit the example, then run
 * `npm run embedding-doc`; `--check` exits 1 when a block differs from its file, or when a TypeScript
 * or SQL block has no marker (every snippet a host would run is a file the tests run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const target = join(root, 'docs', 'embedding.md');

/** The package's subpath for a relative import of the source tree; anything else is not public API. */
const publicImports: Readonly<Record<string, string>> = {
  '../../src/index.js': 'caf-step-down',
  '../../src/server/index.js': 'caf-step-down/server',
  '../../adapters/memory.js': 'caf-step-down/adapters/memory',
  '../../adapters/file.js': 'caf-step-down/adapters/file',
  '../../adapters/postgres.js': 'caf-step-down/adapters/postgres',
  '../../adapters/webhook.js': 'caf-step-down/adapters/webhook',
  '../../adapters/graphile-worker.js': 'caf-step-down/adapters/graphile-worker',
  // An example directly under examples/ (the job-queue worker's, say).
  '../src/index.js': 'caf-step-down',
  '../src/server/index.js': 'caf-step-down/server',
  '../adapters/postgres.js': 'caf-step-down/adapters/postgres',
  '../adapters/webhook.js': 'caf-step-down/adapters/webhook',
  '../adapters/graphile-worker.js': 'caf-step-down/adapters/graphile-worker',
};

/** The example's text as the guide shows it. */
export function asHostWritesIt(path: string, text: string): string {
  return text.replace(/from '(\.\.?\/[^']+)'/g, (_all, specifier: string) => {
    const published = publicImports[specifier];
    if (!published) throw new Error(`${path} imports ${specifier}, which is not a public entry point of the package`);
    return `from '${published}'`;
  });
}

const block = /<!-- example: (\S+) -->\n```(\w+)\n(?:[\s\S]*?\n)??```/g;
const anyBlock = /^```(\w*)\n/gm;

/** docs/embedding.md with every marked block brought up to date, and the problems found. */
export function renderEmbedding(doc: string, read: (path: string) => string = (p) => readFileSync(join(root, p), 'utf8')): { text: string; problems: string[] } {
  const problems: string[] = [];
  const text = doc.replace(block, (_all, path: string, lang: string) => `<!-- example: ${path} -->\n\`\`\`${lang}\n${asHostWritesIt(path, read(path)).trimEnd()}\n\`\`\``);
  const marked = new Set([...text.matchAll(block)].map((m) => m.index! + m[0].indexOf('```')));
  for (const match of text.matchAll(anyBlock)) {
    const lang = match[1]!;
    if ((lang === 'ts' || lang === 'sql') && !marked.has(match.index!)) {
      problems.push(`a \`\`\`${lang} block at line ${text.slice(0, match.index).split('\n').length} is not an example file: add <!-- example: examples/... --> before it`);
    }
  }
  return { text, problems };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const current = readFileSync(target, 'utf8');
  const { text, problems } = renderEmbedding(current);
  if (process.argv.includes('--check')) {
    if (text !== current) problems.push('docs/embedding.md is out of date with examples/: run npm run embedding-doc');
    for (const problem of problems) console.error(problem);
    process.exit(problems.length > 0 ? 1 : 0);
  }
  writeFileSync(target, text);
  for (const problem of problems) console.error(problem);
  process.exit(problems.length > 0 ? 1 : 0);
}
