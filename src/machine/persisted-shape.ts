/**
 * The shape `restoreCase` asks of a stored case, read without zod: a stored case is read on every
 * event, and nearly always it is the one the engine wrote. True only where `persistedSchema` would
 * accept the record too (`test/machine/hot-path.test.ts` holds the two together), so a false
 * sends the record on to zod, whose issues name the fields that are wrong.
 *
 * @example
 * ```ts
 * plainlyPersisted({ machineVersion: 2, value: 'open', context: { caseId: 'C-1', route: 'cin-outcome', openedAt, deadlines: [] } }); // => true
 * ```
 */
export function plainlyPersisted(persisted: unknown): boolean {
  if (!isPlainObject(persisted)) return false;
  const { machineVersion, value, context } = persisted as Record<string, unknown>;
  if (typeof machineVersion !== 'number' || !Number.isFinite(machineVersion) || !isStateValue(value)) return false;
  if (!isPlainObject(context)) return false;
  const { caseId, route, openedAt, deadlines } = context as Record<string, unknown>;
  return typeof caseId === 'string' && caseId.length > 0 && typeof route === 'string' && typeof openedAt === 'string' && Array.isArray(deadlines);
}

/** A state value as the schema reads one: a state's name, or an object of state values by name. */
function isStateValue(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return true;
  // Deeper than any machine nests is left to zod.
  if (depth > 32 || !isPlainObject(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !isStateValue((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** An object as JSON.parse makes one: its prototype Object's or none, and no symbol keys. */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.getOwnPropertySymbols(value).length === 0;
}
