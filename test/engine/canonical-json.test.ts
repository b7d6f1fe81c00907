import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/engine/audit-chain.js';

/** The definition the audit chain's stored hashes were made with: sorted keys at every level, undefined fields left out. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

describe('canonicalJson', () => {
  it('writes exactly what the sorted-entries definition writes, on nested records with odd keys and values', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const keys = ['b', 'a', 'Z', 'é', '😀', '10', '9', '', 'a"b', '\u2028', 'aa'];
    const make = (depth: number): unknown => {
      const pick = random();
      if (depth === 0 || pick < 0.3) return [null, 0, -1.5, 'text "quoted"\n', true, undefined, 1e21][Math.floor(random() * 7)];
      if (pick < 0.55) return Array.from({ length: Math.floor(random() * 4) }, () => make(depth - 1));
      return Object.fromEntries(keys.filter(() => random() < 0.5).map((k) => [k, make(depth - 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const value = make(5);
      expect(canonicalJson(value)).toBe(reference(value));
    }
    expect(canonicalJson({ b: 1, a: [undefined, { d: undefined, c: 'x' }] })).toBe('{"a":[null,{"c":"x"}],"b":1}');
    // Objects of many keys too (sorted another way than the few keys most objects have).
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i % 3 === 0 ? undefined : { [`z${i}`]: i, [`a${i}`]: [i] }]));
    expect(canonicalJson(many)).toBe(reference(many));
  });
});
