import { StepDownError, isStepDownError } from '../errors.js';
import { machineVersion } from '../machine/machine.js';
import { snapshotVersion } from '../machine/persistence.js';
import { v2ToV3 } from './migrate-v2-v3.js';

/**
 * One step in the life of the stored snapshot's shape: it takes a snapshot as machine version `n`
 * wrote it and returns it as version `n + 1` would have written it. It must be pure (the same input
 * gives the same output; no clock, no I/O), because a case may be migrated on every load until its
 * next event saves it at the new version. The runner stamps `machineVersion` on the result, so a
 * migration need not; the result of the last step is checked as the current version's snapshot.
 *
 * @example
 * ```ts
 * // Version 1 kept `closure.summaryBy` only; version 2 also keeps every author.
 * const v1ToV2: SnapshotMigration = (old) => {
 *   const context = old['context'] as { closure: { summaryBy: string | null } };
 *   const authors = context.closure.summaryBy ? [context.closure.summaryBy] : [];
 *   return { ...old, context: { ...context, closure: { ...context.closure, summaryAuthors: authors } } };
 * };
 * ```
 */
export type SnapshotMigration = (persisted: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/**
 * Migrations keyed by the version they read: `{ 1: v1ToV2, 2: v2ToV3 }`. A snapshot of version `n`
 * runs the migrations for `n`, `n + 1`, … up to the current version; when any step is missing it is
 * rebuilt from its audit trail instead (see `createCaseEngine`).
 */
export type SnapshotMigrations = Readonly<Record<number, SnapshotMigration>>;

/**
 * The library's own migrations, one for each step between released machine versions. Version 1 has
 * none (its cases are rebuilt from their trails); version 2 to 3 drops settled deadlines. Frozen: it is a constant of this release, not a registry that
 * code elsewhere can add to (a host adds its own through `createCaseEngine({ migrations })`).
 */
export const snapshotMigrations: SnapshotMigrations = Object.freeze({ 2: v2ToV3 });

/**
 * Checks the migrations a host passes to `createCaseEngine` and merges them over the library's own,
 * so a mistake is found when the engine is made rather than when an old case is first loaded.
 * `INVALID_ARGUMENT` for a key that is not a version older than the current one, or a value that
 * is not a function.
 */
export function resolveMigrations(extra: SnapshotMigrations | undefined): SnapshotMigrations {
  if (extra === undefined) return snapshotMigrations;
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
    throw new StepDownError('INVALID_ARGUMENT', 'migrations must be an object keyed by the machine version each migration reads.', {
      field: 'migrations',
    });
  }
  const merged: Record<number, SnapshotMigration> = { ...snapshotMigrations };
  for (const [key, migration] of Object.entries(extra)) {
    const from = Number(key);
    // A migration from the current version or later could never run: it is a mistake, not a no-op.
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(from) || from >= machineVersion) {
      throw new StepDownError(
        'INVALID_ARGUMENT',
        `migrations may only be keyed by a machine version older than ${machineVersion} (the version each reads).`,
        { field: 'migrations', expected: `0–${machineVersion - 1}` },
      );
    }
    if (typeof migration !== 'function') {
      throw new StepDownError('INVALID_ARGUMENT', `migrations[${from}] must be a function.`, { field: `migrations.${from}` });
    }
    merged[from] = migration;
  }
  return Object.freeze(merged);
}

/**
 * Brings a stored snapshot up to the current {@link machineVersion} by running the migration of every
 * step, oldest first. Returns the snapshot unchanged when it is already current, the migrated form
 * (still to be checked by `restoreCase`) when every step has a migration, or null when a step has
 * none: the caller then rebuilds the case from its audit trail. A newer or unknown version is
 * `SNAPSHOT_VERSION` ({@link snapshotVersion}); a migration that throws or returns something that is
 * not an object is `INVALID_SNAPSHOT` naming the step.
 *
 * @example
 * ```ts
 * const current = migrateSnapshot(record.snapshot, { 0: v0ToV1 });
 * const snapshot = current === null ? rebuildFromTrail() : restoreCase(current, machine);
 * ```
 */
export function migrateSnapshot(persisted: unknown, migrations: SnapshotMigrations): unknown {
  const found = snapshotVersion(persisted);
  const steps: SnapshotMigration[] = [];
  for (let from = found; from < machineVersion; from += 1) {
    const step = migrations[from];
    // All or nothing: half a chain would leave a snapshot of a version nobody reads.
    if (step === undefined) return null;
    steps.push(step);
  }
  let current = persisted as Record<string, unknown>;
  for (const [index, step] of steps.entries()) {
    const from = found + index;
    let next: unknown;
    try {
      // A copy, so a migration that edits its input in place cannot change the record it was given.
      next = step(structuredClone(current));
    } catch (error) {
      if (isStepDownError(error)) throw error;
      // The migration's own message is not repeated: it may quote the snapshot, which holds names.
      throw new StepDownError('INVALID_SNAPSHOT', `The migration of the stored case from machine version ${from} to ${from + 1} failed.`, {
        from,
        to: from + 1,
      });
    }
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      throw new StepDownError(
        'INVALID_SNAPSHOT',
        `The migration of the stored case from machine version ${from} to ${from + 1} did not return a snapshot.`,
        { from, to: from + 1 },
      );
    }
    current = { ...(next as Record<string, unknown>), machineVersion: from + 1 };
  }
  return current;
}
