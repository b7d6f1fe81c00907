import { z } from 'zod';
import { StepDownError } from '../errors.js';
import type { CaseContext } from './context.js';
import { machineVersion, stepDownMachine, type StepDownMachine } from './machine.js';
import type { CaseSnapshot } from './snapshot.js';

/**
 * A case as stored: the machine version that wrote it, the state value and the context. Plain JSON,
 * so any store can keep it and a host in another language can read it.
 */
export interface PersistedCase {
  readonly machineVersion: number;
  readonly value: unknown;
  readonly context: CaseContext;
}

const stateValue: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.record(z.string(), stateValue)]));

const persistedSchema = z.object({
  machineVersion: z.number().int().positive(),
  value: stateValue,
  context: z
    .object({ caseId: z.string().min(1), route: z.string(), openedAt: z.string(), deadlines: z.array(z.unknown()) })
    .passthrough(),
});

/**
 * Turns a snapshot into its stored form.
 *
 * @example
 * ```ts
 * const json = JSON.stringify(persistCase(snapshot));
 * const again = restoreCase(JSON.parse(json)); // the same state and context
 * ```
 */
export function persistCase(snapshot: CaseSnapshot): PersistedCase {
  return { machineVersion, value: snapshot.value, context: snapshot.context };
}

/**
 * Restores a stored case into a snapshot the pure `transition` accepts. A malformed record is
 * `INVALID_SNAPSHOT`; one written by another machine version is `SNAPSHOT_VERSION` (never half-read).
 */
export function restoreCase(persisted: unknown, machine: StepDownMachine = stepDownMachine): CaseSnapshot {
  const parsed = persistedSchema.safeParse(persisted);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)');
    throw new StepDownError('INVALID_SNAPSHOT', `Stored case is malformed at: ${fields.join(', ')}.`, { fields });
  }
  if (parsed.data.machineVersion !== machineVersion) {
    throw new StepDownError(
      'SNAPSHOT_VERSION',
      `Stored case was written by machine version ${parsed.data.machineVersion}; this library reads version ${machineVersion}.`,
      { found: parsed.data.machineVersion, expected: machineVersion },
    );
  }
  try {
    return machine.resolveState({ value: parsed.data.value as never, context: parsed.data.context as unknown as CaseContext });
  } catch {
    throw new StepDownError('INVALID_SNAPSHOT', 'Stored case names a state the machine does not have.', {
      caseId: parsed.data.context.caseId,
    });
  }
}
