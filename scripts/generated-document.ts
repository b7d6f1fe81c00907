/**
 * What the scripts that write a generated document under docs/ share: write it, or with `--check`
 * write nothing and exit 1 when the file differs, so CI catches a change committed without it.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** A generated document: where it lives, its text as written, and the command that writes it. */
export interface GeneratedDocument {
  readonly path: string;
  readonly name: string;
  readonly command: string;
  readonly render: () => string;
}

/** Writes the document, or checks it with `--check`; returns the exit code. */
export function writeOrCheck(document: GeneratedDocument, args: readonly string[]): number {
  const fresh = document.render();
  if (args.includes('--check')) {
    let current: string | null = null;
    try {
      current = readFileSync(document.path, 'utf8');
    } catch {
      // Missing: out of date.
    }
    if (current === fresh) return 0;
    console.error(`${document.name} is out of date: run \`${document.command}\`.`);
    return 1;
  }
  writeFileSync(document.path, fresh);
  console.log(`wrote ${document.name}`);
  return 0;
}
