import { describe, expect, it } from 'vitest';
import { mergePayload } from '../../src/testing/merge-payload.js';

describe('mergePayload', () => {
  it('merges objects field by field at any depth and replaces lists whole', () => {
    expect(mergePayload({ form: { a: 1, b: { c: 2, d: 3 } }, list: [1, 2] }, { form: { b: { d: 4 } }, list: [9] })).toEqual({
      form: { a: 1, b: { c: 2, d: 4 } },
      list: [9],
    });
  });

  it('keeps a default given as undefined, and replaces one of another shape', () => {
    expect(mergePayload({ a: 1, b: { c: 2 } }, { a: undefined, b: 'plain' })).toEqual({ a: 1, b: 'plain' });
    expect(mergePayload({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  it('leaves its inputs as they were', () => {
    const base = { form: { a: 1 } };
    mergePayload(base, { form: { a: 2 } });
    expect(base).toEqual({ form: { a: 1 } });
  });
});
