import { describe, expect, it } from 'vitest';
import { StepDownError, isStepDownError } from '../src/index.js';

describe('StepDownError', () => {
  it('carries a stable code and is an Error', () => {
    const error = new StepDownError('INVALID_DATE', 'bad', { field: 'at' });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('INVALID_DATE');
    expect(error.details).toEqual({ field: 'at' });
    expect(isStepDownError(error, 'INVALID_DATE')).toBe(true);
    expect(isStepDownError(error, 'NOT_ALLOWED')).toBe(false);
    expect(isStepDownError(new Error('x'))).toBe(false);
  });
});
