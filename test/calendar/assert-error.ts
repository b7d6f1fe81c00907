import { StepDownError } from '../../src/errors.js';

/** The StepDownError `run` throws; fails the test when it throws nothing or something else. */
export function errorOf(run: () => unknown): StepDownError {
  try {
    run();
  } catch (error) {
    if (error instanceof StepDownError) return error;
    throw error;
  }
  throw new Error('expected a StepDownError');
}
