import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * zod schemas built from the published texts in test/fixtures/returns (see its README for the
 * sources): the checks follow the fixtures, never a copy of them.
 */
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'returns');
const read = (path: string) => readFileSync(join(fixtures, path), 'utf8');

/** The CIN census reason-for-closure codes, RC1–RC9, from the SSD's category file. */
export function closureReasonCodes(): string[] {
  return [...read('ssd/reason_for_closure.yml').matchAll(/^- value: '([A-Z0-9]+)'/gm)].map((m) => m[1]!);
}

/** A pre-flight check of the DfE API schema on `social_care_episode_id`: its rule column. */
function episodeIdCheck(name: 'pattern' | 'length'): string {
  const sql = read('dfe-csc-api/ssd_vw_csc_api_schema_checks.excerpt.sql');
  const rule = new RegExp(`'social_care_episode_id ${name}', 'cin_episode', '([^']+)'`).exec(sql)?.[1];
  if (rule === undefined) throw new Error(`the fixture has no social_care_episode_id ${name} check`);
  return rule;
}

/** A zod schema for a value of the payload structure's example: the example shows each value's form. */
function fromExample(example: unknown): z.ZodType {
  if (example === 'YYYY-MM-DD') return z.iso.date();
  if (typeof example === 'string') return z.string();
  if (typeof example === 'boolean') return z.boolean();
  if (typeof example === 'number') return z.number();
  if (Array.isArray(example)) return z.array(fromExample(example[0]));
  if (typeof example === 'object' && example !== null) {
    // Every member may be left out of a submission (the API takes partial records); nothing else may be added.
    return z.strictObject(Object.fromEntries(Object.entries(example).map(([k, v]) => [k, fromExample(v).optional()])));
  }
  throw new Error(`no schema for the example value ${String(example)}`);
}

/** The example `social_care_episodes[]` entry of the DfE API's JSON structure. */
export function socialCareEpisodeExample(): Record<string, unknown> {
  const markdown = read('dfe-csc-api/json_payload_structure.md');
  const block = /```json\n([\s\S]*?)\n```/.exec(markdown)?.[1];
  if (block === undefined) throw new Error('the payload structure has no JSON block');
  // The published example writes one value as prose: "Integer e.g. 20".
  const payload = JSON.parse(block.replace(/Integer e\.g\. (\d+)/g, '$1')) as { Children: { social_care_episodes: Record<string, unknown>[] } };
  return payload.Children.social_care_episodes[0]!;
}

/**
 * One `social_care_episodes[]` entry as the DfE API takes it: the structure's members and value forms,
 * the id as the v0.9.0 schema checks hold it, and the closure reason one of the CIN census codes.
 */
export function socialCareEpisodeSchema(): z.ZodType {
  const idLength = Number(/^<= (\d+)$/.exec(episodeIdCheck('length'))![1]);
  const entry = fromExample(socialCareEpisodeExample()) as z.ZodObject;
  return entry.extend({
    social_care_episode_id: z.string().regex(new RegExp(episodeIdCheck('pattern'))).min(1).max(idLength),
    closure_reason: z.enum(closureReasonCodes()).optional(),
  });
}

/** One field of the SSD's early help episode object, with its deployed column type. */
export interface SsdField {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  /** `NVARCHAR(48)` → 48; `NVARCHAR(MAX)` and dates → null. */
  readonly maxLength: number | null;
}

/** The fields of `ssd_early_help_episodes` the fixture holds, in order. */
export function earlyHelpFields(): SsdField[] {
  const columns = new Map(
    [...read('ssd/ssd_early_help_episodes.excerpt.sql').matchAll(/^\s+(earl_\w+)\s+(NVARCHAR\((\d+|MAX)\)|DATETIME)/gm)].map((m) => [m[1]!, m[3]]),
  );
  return read('ssd/ssd_early_help_episodes.excerpt.yml')
    .split(/\n {2}- name: /)
    .slice(1)
    .map((block) => {
      const name = block.split('\n')[0]!.trim();
      const type = /\n {4}type: (\w+)/.exec(block)![1]!;
      const length = columns.get(name);
      return { name, type, required: /- required:\n\s+enabled: true/.test(block), maxLength: length === undefined || length === 'MAX' ? null : Number(length) };
    });
}

/**
 * An `ssd_early_help_episodes` row as the dataset defines it: exactly its fields; text no longer than
 * its column; a DATETIME in the ISO 8601 form SQL Server reads under every language; a field the
 * dataset does not require may be null.
 */
export function earlyHelpEpisodeSchema(): z.ZodType {
  const shape = Object.fromEntries(
    earlyHelpFields().map((field) => {
      const value =
        field.type === 'datetime'
          ? z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/)
          : field.maxLength === null
            ? z.string().min(1)
            : z.string().min(1).max(field.maxLength);
      return [field.name, field.required ? value : value.nullable()];
    }),
  );
  return z.strictObject(shape);
}
