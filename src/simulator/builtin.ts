import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StepDownError } from '../errors.js';
import { packageRoot } from './package-root.js';
import { loadScenarioFile, type LoadedScenario } from './scenario.js';

export { packageRoot } from './package-root.js';

/** The directory of the built-in scenarios, `examples/scenarios` in the package. */
export function builtInScenarioDirectory(): string {
  return join(packageRoot(), 'examples', 'scenarios');
}

/**
 * The names of the built-in scenarios (their file names without `.json`), sorted.
 *
 * @example
 * ```ts
 * builtInScenarioNames(); // => ['closure-returned-once', 'consent-withdrawn', …]
 * ```
 */
export function builtInScenarioNames(): string[] {
  const dir = builtInScenarioDirectory();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/**
 * Loads a scenario named on the command line: a file path, or the name of a built-in scenario. A
 * path (anything with a slash or ending in `.json`) is read as a file; a bare name is looked up among
 * the built-ins first, then as a file in the working directory.
 *
 * @throws StepDownError `INVALID_ARGUMENT` when it is neither, naming the built-ins to choose from
 *
 * @example
 * ```ts
 * const { scenario, source } = await resolveScenario('review-missed-over-christmas');
 * ```
 */
export async function resolveScenario(nameOrPath: string): Promise<LoadedScenario> {
  const looksLikePath = /[\\/]/.test(nameOrPath) || nameOrPath.endsWith('.json');
  if (!looksLikePath) {
    const builtIn = join(builtInScenarioDirectory(), `${nameOrPath}.json`);
    if (existsSync(builtIn)) return loadScenarioFile(builtIn);
    if (!existsSync(nameOrPath)) {
      throw new StepDownError(
        'INVALID_ARGUMENT',
        `No scenario file or built-in scenario named '${nameOrPath}'; built-in scenarios are: ${builtInScenarioNames().join(', ')}.`,
      );
    }
  }
  return loadScenarioFile(nameOrPath);
}
