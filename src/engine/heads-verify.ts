import { StepDownError, isStepDownError } from '../errors.js';
import { verifyAuditTrail } from './audit-chain.js';
import { formatHead } from './heads.js';
import type { HeadPolicy } from './heads-store.js';
import type { CaseStore } from './store.js';

/** Progress of `engine.verifyAll`, after each case. */
export interface VerifyProgress {
  /** Cases checked so far. */
  readonly cases: number;
  /** Audit entries checked so far. */
  readonly entries: number;
  /** Broken cases found so far. */
  readonly broken: number;
}

/** A case `engine.verifyAll` found broken: its id, the error code, and where. Never content. */
export interface BrokenCase {
  readonly caseId: string;
  /** `AUDIT_TRAIL_BROKEN`, `REBUILD_MISMATCH`, `DECRYPTION_FAILED`, `ENCRYPTION_KEY_MISSING`, `INVALID_SNAPSHOT`, `SNAPSHOT_VERSION`, `STORE_FAILURE`… */
  readonly code: string;
  /** What `verifyAuditTrail` or the rebuild named (`truncated`, `forged`, `snapshot`…), when it did. */
  readonly problem: string | null;
  /** The sequence number where it was found, when known. */
  readonly seq: number | null;
}

/** What `engine.verifyAll` found. */
export interface VerifyAllResult {
  readonly cases: number;
  readonly entries: number;
  readonly broken: readonly BrokenCase[];
}

/** Options of `engine.verifyAll`. */
export interface VerifyAllOptions {
  /** Called after each case (a nightly job's progress line). */
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** How many case ids to ask the store for at a time (500 by default). */
  readonly pageSize?: number;
}

/** What the sweep needs of the engine. */
export interface SweepDeps {
  readonly store: CaseStore;
  readonly policy: HeadPolicy;
  /** The engine's `rebuild`: replays the trail and compares the stored case. */
  readonly rebuild: (caseId: string) => Promise<unknown>;
}

/** The store's `caseIds`, or `INVALID_ARGUMENT` for a host's store without it. */
function pager(store: CaseStore): NonNullable<CaseStore['caseIds']> {
  if (!store.caseIds) {
    throw new StepDownError('INVALID_ARGUMENT', 'This store cannot list its cases: give it a caseIds(after, limit) method to verify or export every case.');
  }
  return store.caseIds.bind(store);
}

/** Every case id of the store, page by page. */
async function* allCaseIds(store: CaseStore, pageSize: number): AsyncGenerator<string> {
  const page = pager(store);
  let after: string | null = null;
  for (;;) {
    const ids = await page(after, pageSize);
    yield* ids;
    if (ids.length < pageSize) return;
    after = ids.at(-1)!;
  }
}

/** One case's checks: the chain and its case id, its head (and signature with a key), then the replay. */
async function verifyCase(deps: SweepDeps, caseId: string): Promise<{ entries: number; broken: BrokenCase | null }> {
  let entries = 0;
  try {
    const record = await deps.store.load(caseId);
    if (!record) return { entries, broken: null }; // gone since the listing
    const trail = await deps.store.audit(caseId);
    entries = trail.length;
    const { key, verificationKey, adoptUnsigned } = deps.policy;
    // An unsigned head is held to its signature only when the engine would refuse to write on it.
    const checkSignature = key !== null && verificationKey !== null && (record.head?.signature !== undefined || !adoptUnsigned);
    const result = verifyAuditTrail(trail, {
      caseId,
      head: record.head ?? null,
      version: record.version,
      ...(checkSignature ? { key: verificationKey, keyName: key.name } : {}),
    });
    if (!result.ok) return { entries, broken: { caseId, code: 'AUDIT_TRAIL_BROKEN', problem: result.problem, seq: result.seq } };
    await deps.rebuild(caseId);
    return { entries, broken: null };
  } catch (error) {
    if (!isStepDownError(error)) throw error;
    const details = (error.details ?? {}) as { problem?: unknown; seq?: unknown };
    return {
      entries,
      broken: {
        caseId,
        code: error.code,
        problem: typeof details.problem === 'string' ? details.problem : null,
        seq: typeof details.seq === 'number' ? details.seq : null,
      },
    };
  }
}

/**
 * `engine.verifyAll`: every case of the store, page by page, checked as {@link verifyCase} says;
 * a broken case is reported, never thrown, and the sweep goes on.
 */
export async function verifyAllCases(deps: SweepDeps, options: VerifyAllOptions = {}): Promise<VerifyAllResult> {
  const pageSize = options.pageSize ?? 500;
  if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new StepDownError('INVALID_ARGUMENT', 'pageSize must be a positive whole number of cases.');
  let cases = 0;
  let entries = 0;
  const broken: BrokenCase[] = [];
  for await (const caseId of allCaseIds(deps.store, pageSize)) {
    const found = await verifyCase(deps, caseId);
    cases += 1;
    entries += found.entries;
    if (found.broken) broken.push(found.broken);
    options.onProgress?.({ cases, entries, broken: broken.length });
  }
  return { cases, entries, broken };
}

/**
 * `engine.heads`: the heads of the cases named (every case when none are), as text in the format of
 * `formatHead`. A case without a head yet (not written since heads were kept) is left out.
 */
export async function exportHeads(store: CaseStore, caseIds: readonly string[] | undefined): Promise<string[]> {
  const texts: string[] = [];
  const each = async (caseId: string) => {
    const head = (await store.load(caseId))?.head;
    if (head) texts.push(formatHead(head));
  };
  if (caseIds !== undefined) for (const caseId of caseIds) await each(caseId);
  else for await (const caseId of allCaseIds(store, 500)) await each(caseId);
  return texts;
}
