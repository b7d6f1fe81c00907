import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asHostWritesIt, renderEmbedding } from '../../scripts/embedding-doc.js';

// docs/embedding.md shows the example files the other tests in this folder run, as they are.
const doc = readFileSync(new URL('../../docs/embedding.md', import.meta.url), 'utf8');

describe('docs/embedding.md', () => {
  it('every TypeScript and SQL block is an example file, and each is current (npm run embedding-doc)', () => {
    const { text, problems } = renderEmbedding(doc);
    expect(problems).toEqual([]);
    expect(text === doc, 'docs/embedding.md is out of date with examples/: run npm run embedding-doc').toBe(true);
    const files = [...doc.matchAll(/<!-- example: (\S+) -->/g)].map((m) => m[1]);
    expect(files).toEqual(
      expect.arrayContaining([
        'examples/embedding/express.ts',
        'examples/embedding/nest-provider.ts',
        'examples/embedding/migration.ts',
        'examples/embedding/grants.sql',
        'examples/embedding/relay-process.ts',
        'examples/embedding/tracing.ts',
        'examples/embedding/service.ts',
      ]),
    );
    // The .NET client is the one sketch, and says so.
    expect(doc).toMatch(/## Calling the service from \.NET \(a sketch\)\n\nA sketch, not run by the tests/);
  });

  it('the check can fail: an edited block, a block with no file, an import of an internal', () => {
    const edited = doc.replace("res.status(201).json(", "res.status(200).json(");
    expect(edited).not.toBe(doc);
    expect(renderEmbedding(edited).text).toBe(doc);
    const unmarked = `${doc}\n\`\`\`ts\nconst x = 1;\n\`\`\`\n`;
    expect(renderEmbedding(unmarked).problems).toEqual([expect.stringMatching(/^a ```ts block at line \d+ is not an example file/)]);
    expect(() => asHostWritesIt('x.ts', "import { chainEntry } from '../../src/engine/audit-chain.js';")).toThrow(/not a public entry point/);
    expect(asHostWritesIt('x.ts', "import { postgresStore } from '../../adapters/postgres.js';")).toBe("import { postgresStore } from 'caf-step-down/adapters/postgres';");
  });
});
