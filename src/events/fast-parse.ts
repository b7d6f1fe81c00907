import type { z } from 'zod';

/** A compiled reading of one schema: the value zod would give, or {@link doubt}. */
type Reader = (value: unknown) => unknown;

/** What a reader answers when it is not sure zod would accept the value: zod then reads it, and words the issues. */
const doubt: unique symbol = Symbol('doubt');

interface Check {
  readonly _zod: { readonly def: { readonly when?: (payload: Payload) => boolean }; readonly check: (payload: Payload) => unknown };
}
interface Payload {
  value: unknown;
  issues: unknown[];
}
type Schema = z.core.$ZodType & { readonly _zod: { readonly values?: ReadonlySet<unknown>; readonly optin?: string; readonly traits: ReadonlySet<string> } };

/**
 * Builds a reader of the values a zod schema accepts, for the kinds of schema the events use (strict
 * objects, strings with their checks, literals, enums, booleans, arrays, optionals, the union
 * discriminated by `type`), or null for a schema that uses any other kind: the caller then always
 * asks zod.
 *
 * A reader gives exactly zod's output (the same fields, in the same order, strings trimmed by the
 * same checks) for a value zod accepts, and {@link doubt} for anything else: it runs zod's own check
 * functions, in zod's order, and doubts at the first issue any of them raises, so what it accepts
 * zod accepts. It is zod's reading without zod's bookkeeping (a payload, a context and an issue
 * list per field), which is most of the time an event's parse takes. `test/events/fast-parse.test.ts`
 * holds it to zod on every sample, every scenario event and thousands of broken ones.
 */
function compile(schema: Schema): Reader | null {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const checks: Check[] = [
    ...(schema._zod.traits.has('$ZodCheck') ? [schema as unknown as Check] : []),
    ...((def['checks'] as Check[] | undefined) ?? []),
  ];
  const read = readerOf(schema, def);
  if (read === null) return null;
  if (checks.length === 0) return read;
  return (value) => {
    const parsed = read(value);
    return parsed === doubt ? doubt : passes(parsed, checks);
  };
}

/** The value after zod's checks (a trim replaces it), or doubt when any raises an issue. */
function passes(value: unknown, checks: readonly Check[]): unknown {
  const payload: Payload = { value, issues: [] };
  for (const check of checks) {
    const when = check._zod.def.when;
    if (when && !when(payload)) continue;
    const result = check._zod.check(payload);
    if (result instanceof Promise || payload.issues.length > 0) return doubt;
  }
  return payload.value;
}

function readerOf(schema: Schema, def: Record<string, unknown> & { type: string }): Reader | null {
  switch (def.type) {
    case 'string':
      return def['coerce'] ? null : (value) => (typeof value === 'string' ? value : doubt);
    case 'boolean':
      return def['coerce'] ? null : (value) => (typeof value === 'boolean' ? value : doubt);
    case 'literal':
    case 'enum': {
      const values = schema._zod.values;
      return values ? (value) => (values.has(value) ? value : doubt) : null;
    }
    case 'optional': {
      const inner = compile(def['innerType'] as Schema);
      if (inner === null || (def['innerType'] as Schema)._zod.optin !== undefined) return null;
      return (value) => (value === undefined ? undefined : inner(value));
    }
    case 'array': {
      const element = compile(def['element'] as Schema);
      if (element === null) return null;
      return (value) => {
        if (!Array.isArray(value)) return doubt;
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = element(value[i]);
          if (item === doubt) return doubt;
          out[i] = item;
        }
        return out;
      };
    }
    case 'object':
      return strictObject(def);
    case 'union':
      return discriminated(def);
    default:
      return null;
  }
}

/** A strict object's reader: every field of the shape in the shape's order, no other key. */
function strictObject(def: Record<string, unknown>): Reader | null {
  const catchall = def['catchall'] as Schema | undefined;
  if (catchall?._zod.def.type !== 'never') return null;
  const shape = def['shape'] as Record<string, Schema>;
  const keys = Object.keys(shape);
  if (keys.includes('__proto__') || Object.getOwnPropertySymbols(shape).length > 0) return null;
  const fields: { key: string; read: Reader; optional: boolean }[] = [];
  for (const key of keys) {
    const field = shape[key]!;
    const read = compile(field);
    const optin = field._zod.optin;
    if (read === null || (optin !== undefined && optin !== 'optional') || (optin === 'optional' && field._zod.optout !== 'optional')) return null;
    fields.push({ key, read, optional: optin === 'optional' });
  }
  const known = new Set(keys);
  return (value) => {
    if (!isPlainObject(value)) return doubt;
    const input = value as Record<string, unknown>;
    for (const key in input) if (!known.has(key)) return doubt;
    const out: Record<string, unknown> = {};
    for (const { key, read, optional } of fields) {
      if (!(key in input)) {
        if (optional) continue;
        return doubt;
      }
      const field = read(input[key]);
      if (field === doubt) return doubt;
      out[key] = field;
    }
    return out;
  };
}

/** The union of events: the option its discriminator names reads the value. */
function discriminated(def: Record<string, unknown>): Reader | null {
  const discriminator = def['discriminator'];
  if (typeof discriminator !== 'string') return null;
  const options = new Map<unknown, Reader>();
  for (const option of def['options'] as Schema[]) {
    const values = (option._zod as { propValues?: Record<string, ReadonlySet<unknown>> }).propValues?.[discriminator];
    const read = compile(option);
    if (!values || read === null) return null;
    for (const value of values) {
      if (value === undefined || options.has(value)) return null;
      options.set(value, read);
    }
  }
  return (value) => {
    if (!isPlainObject(value)) return doubt;
    const read = options.get((value as Record<string, unknown>)[discriminator]);
    return read ? read(value) : doubt;
  };
}

/** An object as JSON.parse or a literal makes one. Anything else is left to zod. */
function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A reader of what `schema` accepts that answers `undefined` where it is unsure, for zod to read
 * instead (see {@link compile}); built once per schema. With a schema of a kind it does not know, it
 * always answers `undefined`.
 *
 * @example
 * ```ts
 * const quick = fastReader(stepDownEventSchema);
 * const event = quick(input) ?? stepDownEventSchema.parse(input);
 * ```
 */
export function fastReader<T>(schema: z.ZodType<T>): (value: unknown) => T | undefined {
  let read: Reader | null | undefined;
  return (value) => {
    if (read === undefined) read = compile(schema as unknown as Schema);
    if (read === null) return undefined;
    const parsed = read(value);
    return parsed === doubt ? undefined : (parsed as T);
  };
}
