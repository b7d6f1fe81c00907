import { expect } from 'vitest';
import { StepDownError } from '../../src/index.js';

/** The error a promise rejects with; fails the test when it resolves or throws something else. */
export async function rejection(promise: Promise<unknown>): Promise<StepDownError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StepDownError);
    return error as StepDownError;
  }
  throw new Error('expected a StepDownError, but the call succeeded');
}
