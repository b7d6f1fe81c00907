import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StepDownError } from '../errors.js';

/**
 * The directory of this module's code. Under ESM that is `import.meta.url`; the CommonJS build has
 * `__dirname` instead (esbuild leaves `import.meta` empty there), so that is tried first.
 */
function hereDirectory(): string {
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/**
 * The package's root: the nearest directory above this module whose package.json is ours. Found by
 * walking up rather than by a fixed `../..`, because the same code runs from `src/simulator/` (tsx,
 * tests) and from a bundled chunk in `dist/`.
 *
 * @example
 * ```ts
 * join(packageRoot(), 'examples', 'scenarios'); // the built-in scenarios
 * ```
 */
export function packageRoot(): string {
  let dir = hereDirectory();
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'caf-step-down') return dir;
      } catch {
        // An unreadable package.json on the way up is not ours; keep climbing.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new StepDownError('INVALID_ARGUMENT', 'Cannot find the caf-step-down package directory for its built-in scenarios.');
    dir = parent;
  }
}
