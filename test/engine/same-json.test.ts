import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/engine/audit-chain.js';
import { sameJson } from '../../src/engine/same-json.js';

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('sameJson', () => {
  it('is true exactly when the canonical JSON texts are equal, on random pairs that differ a little or not at all', () => {
    const random = generator(11);
    const keys = ['b', 'a', 'Z', '10', '9', '', 'a"b', 'aa'];
    const leaves = [null, undefined, 0, -0, 1, -1.5, NaN, Infinity, 'x', 'text "quoted"\n', '', true, false, 1e21];
    const make = (depth: number): unknown => {
      const pick = random();
      if (depth === 0 || pick < 0.3) return leaves[Math.floor(random() * leaves.length)];
      if (pick < 0.55) return Array.from({ length: Math.floor(random() * 4) }, () => make(depth - 1));
      return Object.fromEntries(keys.filter(() => random() < 0.5).map((k) => [k, make(depth - 1)]));
    };
    /** A copy with keys in another order and, sometimes, one thing changed somewhere. */
    const variant = (value: unknown, change: number): unknown => {
      if (value === null || typeof value !== 'object') return random() < change ? make(1) : value;
      if (Array.isArray(value)) {
        const items = value.map((v) => variant(v, change));
        if (random() < change / 2) items.push(make(1));
        return items;
      }
      const entries = Object.entries(value).reverse().map(([k, v]) => [k, variant(v, change)] as const);
      if (random() < change / 2) entries.push([keys[Math.floor(random() * keys.length)]!, make(1)]);
      if (random() < change / 2) entries.shift();
      return Object.fromEntries(entries);
    };
    let same = 0;
    let differ = 0;
    for (let i = 0; i < 3000; i++) {
      const a = make(4);
      const b = variant(a, i % 3 === 0 ? 0 : 0.1);
      const expected = canonicalJson(a) === canonicalJson(b);
      expect(sameJson(a, b)).toBe(expected);
      expect(sameJson(b, a)).toBe(expected);
      if (expected) same += 1;
      else differ += 1;
    }
    // Both answers were asked for often enough to mean something.
    expect(same).toBeGreaterThan(500);
    expect(differ).toBeGreaterThan(500);
  });

  it('reads undefined fields, nulls and arrays as canonical JSON writes them', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: null }, {})).toBe(false);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson({ a: [1, { c: 'x', d: undefined }] }, { a: [1, { c: 'x' }] })).toBe(true);
    expect(sameJson('1', 1)).toBe(false);
    expect(sameJson(Object.create({ inherited: 1 }), {})).toBe(true);
    expect(sameJson({ toString: 1 }, {})).toBe(false);
  });
});
