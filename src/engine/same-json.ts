const enumerable = Object.prototype.propertyIsEnumerable;

/**
 * True when two values have the same {@link canonicalJson}, found without writing either out: the
 * engine asks it of every accepted event (does the event change the case?), where writing both
 * contexts out as text would be most of the work. `test/engine/same-json.test.ts` holds it to the
 * comparison of the two texts.
 *
 * @example
 * ```ts
 * sameJson({ a: 1, b: undefined }, { a: 1 }); // => true: an undefined field is no field
 * sameJson([undefined], [null]);              // => true: both are [null]
 * ```
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const aObject = a !== null && typeof a === 'object';
  const bObject = b !== null && typeof b === 'object';
  // An object's text starts with `{` or `[`, which no other value's does.
  if (!aObject || !bObject) return !aObject && !bObject && primitiveJson(a) === primitiveJson(b);
  const aArray = Array.isArray(a);
  if (aArray !== Array.isArray(b)) return false;
  if (aArray) {
    const left = a as unknown[];
    const right = b as unknown[];
    if (left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++) if (!sameJson(left[i], right[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let fields = 0;
  for (const key of Object.keys(left)) {
    const x = left[key];
    if (x === undefined) continue;
    fields += 1;
    if (!enumerable.call(right, key)) return false;
    const y = right[key];
    if (y === undefined || !sameJson(x, y)) return false;
  }
  for (const key of Object.keys(right)) if (right[key] !== undefined) fields -= 1;
  return fields === 0;
}

/** What `canonicalJson` writes for a value that is not an object: JSON's text, `null` for what JSON has none of. */
function primitiveJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}
