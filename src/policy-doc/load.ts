import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StepDownError } from '../errors.js';
import { packageRoot } from '../simulator/package-root.js';
import { wovenPolicySchema, type WovenPolicy } from './woven.js';

/**
 * Reads the woven policy the package ships as `docs/policy.json` (written by `npm run policy`
 * beside `docs/policy.md`), or the file at `path`. The weaving reads the repository's sources and
 * tests, which an installed package does not have, so the command line renders this file.
 * A missing or malformed file is `INVALID_ARGUMENT`, saying how to regenerate it.
 *
 * @example
 * ```ts
 * const woven = loadWovenPolicy();
 * woven.coverage.all; // => { cited: 39, total: 42 }
 * ```
 */
export function loadWovenPolicy(path: string = join(packageRoot(), 'docs', 'policy.json')): WovenPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new StepDownError('INVALID_ARGUMENT', `Cannot read the woven policy at ${path}: run \`npm run policy\` to write it.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = wovenPolicySchema.safeParse(parsed);
  if (!result.success) {
    throw new StepDownError('INVALID_ARGUMENT', `The woven policy at ${path} is not in the expected form: run \`npm run policy\` to rewrite it.`);
  }
  return result.data;
}
