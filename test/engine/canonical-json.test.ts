import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalParts, chainEntry, chainEntryText, hashEntry } from '../../src/engine/audit-chain.js';

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

describe('canonicalParts and chainEntryText', () => {
  it('write the texts canonicalJson writes, and an entry hashes the same whether its event was written before or not', () => {
    const event = { type: 'views.recorded', at: '2024-05-01T10:00:00+01:00', eventId: 'e-1', recordedAt: '2024-05-01T09:00:00.000Z', actor: { id: 'sw-1', role: 'social-worker' }, summary: 'Wants "more" time\n', skipped: undefined };
    const { eventId: _id, recordedAt: _at, ...content } = event;
    const parts = canonicalParts(event, new Set(['eventId', 'recordedAt']));
    expect(parts.whole).toBe(canonicalJson(event));
    expect(parts.without).toBe(canonicalJson(content));
    const draft = {
      caseId: 'C-1', type: 'views.recorded', event, actor: event.actor, at: event.at, recordedAt: event.recordedAt,
      stateBefore: ['a'], stateAfter: ['b'], version: 2, rules: { checked: [], breached: [] }, accepted: true, errorCode: null,
    };
    const { entry, text } = chainEntryText({ seq: 1, hash: 'f'.repeat(64) }, draft);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(entry)));
    const { hash, ...rest } = entry;
    // The same entry read back from text (a fresh event object, never written before) hashes the same.
    const { hash: _hash, ...reread } = JSON.parse(text) as typeof entry;
    expect(hashEntry(reread)).toBe(hash);
    expect(hashEntry(rest)).toBe(hash);
    expect(chainEntry({ seq: 1, hash: 'f'.repeat(64) }, JSON.parse(JSON.stringify(draft)))).toEqual(JSON.parse(JSON.stringify(entry)));
  });
});
