/**
 * Prints the Python client's journey file (test/server/python-client.py's `--journey`): the same
 * case the test suite walks, for `.ci/pack-check.sh` to walk against the installed package's
 * `caf-step-down serve`.
 *
 *   npx tsx scripts/python-journey.ts > journey.json
 */
import { journeyOpening, journeySteps } from '../test/server/journey-steps.js';

process.stdout.write(`${JSON.stringify({ opening: journeyOpening, steps: journeySteps() })}\n`);
