import { z } from 'zod';
import { StepDownError } from '../errors.js';
import type { CaseContext } from './context.js';
import { machineVersion, stepDownMachine, type StepDownMachine } from './machine.js';
import type { CaseSnapshot } from './snapshot.js';
import { plainlyPersisted } from './persisted-shape.js';

/**
 * A case as stored: the machine version that wrote it, the state value and the context. Plain JSON,
 * so any store can keep it and a host in another language can read it.
 */
export interface PersistedCase {
  readonly machineVersion: number;
  readonly value: unknown;
  readonly context: CaseContext;
  /**
   * What the engine keeps beside the machine's snapshot: each accepted event by its `eventId` (type,
   * role, date, a digest of its content, and the void that took it out, if any), so a resend is
   * recognised and a void judged without reading the trail. Ids, codes and digests only.
   */
  readonly ledger?: Readonly<Record<string, { readonly type: string; readonly digest: string; readonly role: string; readonly at: string; readonly voidedBy: string | null }>>;
}

const stateValue: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.record(z.string(), stateValue)]));

// The version is checked on its own, before this schema runs (see `snapshotVersion`): what the rest
// of a record means depends on the version, so nothing else is read until the version is known.
const persistedSchema = z.object({
  machineVersion: z.number(),
  value: stateValue,
  context: z
    .object({ caseId: z.string().min(1), route: z.string(), openedAt: z.string(), deadlines: z.array(z.unknown()) })
    .passthrough(),
});

/**
 * Turns a snapshot into its stored form, stamped with the {@link machineVersion} that wrote it.
 *
 * @example
 * ```ts
 * const json = JSON.stringify(persistCase(snapshot));
 * const again = restoreCase(JSON.parse(json)); // the same state and context
 * ```
 */
export function persistCase(snapshot: CaseSnapshot, ledger?: PersistedCase['ledger']): PersistedCase {
  return { machineVersion, value: snapshot.value, context: snapshot.context, ...(ledger ? { ledger } : {}) };
}

/**
 * The machine version a stored case was written by, read before anything else in it.
 *
 * Versions are whole numbers counting up from 0; this library writes {@link machineVersion}. An
 * older version is returned, for the caller to migrate (the engine runs the registered migrations,
 * or rebuilds the case from its audit trail). A missing version, one that is not a whole number, or
 * one newer than this library is `SNAPSHOT_VERSION`: what such a record means is unknown, so none of
 * it is read. A record that is not a JSON object at all is `INVALID_SNAPSHOT`.
 *
 * @example
 * ```ts
 * snapshotVersion(persistCase(snapshot)); // 1
 * snapshotVersion({ machineVersion: 7, value: 'x', context: {} }); // throws SNAPSHOT_VERSION (newer)
 * ```
 */
export function snapshotVersion(persisted: unknown): number {
  if (persisted === null || typeof persisted !== 'object' || Array.isArray(persisted)) {
    throw new StepDownError('INVALID_SNAPSHOT', 'Stored case is malformed at: (root).', { fields: ['(root)'] });
  }
  const found: unknown = (persisted as { machineVersion?: unknown }).machineVersion;
  // The value found is never quoted: a record that is not ours may hold anything in that field.
  if (found === undefined) {
    throw new StepDownError(
      'SNAPSHOT_VERSION',
      `Stored case has no machine version; this library reads version ${machineVersion} and older versions it can migrate.`,
      { found: null, problem: 'missing', expected: machineVersion },
    );
  }
  if (typeof found !== 'number' || !Number.isSafeInteger(found) || found < 0) {
    throw new StepDownError(
      'SNAPSHOT_VERSION',
      `Stored case carries a machine version that is not a version number; this library reads version ${machineVersion}.`,
      { found: null, problem: 'unknown', expected: machineVersion },
    );
  }
  if (found > machineVersion) {
    throw new StepDownError(
      'SNAPSHOT_VERSION',
      `Stored case was written by machine version ${found}, newer than this library's version ${machineVersion}: ` +
        'upgrade the library before reading it.',
      { found, problem: 'newer', expected: machineVersion },
    );
  }
  return found;
}

/**
 * Restores a stored case of the current {@link machineVersion} into a snapshot the pure `transition`
 * accepts. The version is checked first (`snapshotVersion`): a missing, unknown or newer one is
 * `SNAPSHOT_VERSION`, and so is an older one, which only the engine can bring up to date (it holds the
 * migrations and the audit trail). A malformed record is `INVALID_SNAPSHOT`, naming the fields.
 *
 * @example
 * ```ts
 * const snapshot = restoreCase(record.snapshot, machine);
 * const [next] = transition(machine, snapshot, event);
 * ```
 */
export function restoreCase(persisted: unknown, machine: StepDownMachine = stepDownMachine): CaseSnapshot {
  const found = snapshotVersion(persisted);
  if (found !== machineVersion) {
    throw new StepDownError(
      'SNAPSHOT_VERSION',
      `Stored case was written by machine version ${found}; this library reads version ${machineVersion}. ` +
        'Load it through the engine, which migrates it or rebuilds it from its audit trail.',
      { found, problem: 'older', expected: machineVersion },
    );
  }
  const parsed = plainlyPersisted(persisted) ? { success: true as const, data: persisted as z.infer<typeof persistedSchema> } : persistedSchema.safeParse(persisted);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)');
    throw new StepDownError('INVALID_SNAPSHOT', `Stored case is malformed at: ${fields.join(', ')}.`, { fields });
  }
  try {
    return machine.resolveState({ value: parsed.data.value as never, context: parsed.data.context as unknown as CaseContext });
  } catch {
    throw new StepDownError('INVALID_SNAPSHOT', 'Stored case names a state the machine does not have.', {
      caseId: parsed.data.context.caseId,
    });
  }
}
