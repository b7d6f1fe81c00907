/**
 * The lifecycle the write-path benchmarks replay: the accepted events of the built-in
 * `reassessment-at-twelve-months` scenario (a CIN step down through sixteen months of family plan
 * meetings and a reassessment to a closed CAF), taken from the audit trail the simulator leaves in a
 * memory store. Reading them from the trail, not writing them out again, keeps the benchmarks on the
 * scenario as it is.
 */
import { memoryStore } from '../adapters/memory.js';
import type { OpenCase, StepDownEvent } from '../src/index.js';
import { resolveScenario, simulate } from '../src/simulator/index.js';

/** How a case of the lifecycle is opened, and the events sent to it in order (ids given by the trail). */
export interface Lifecycle {
  readonly open: Omit<OpenCase, 'caseId'>;
  readonly events: readonly StepDownEvent[];
  /** A clock later than every event, for the engine's future-dating check. */
  readonly now: Date;
}

let cached: Lifecycle | null = null;

export async function reassessmentLifecycle(): Promise<Lifecycle> {
  if (cached) return cached;
  const store = memoryStore();
  const { scenario, source } = await resolveScenario('reassessment-at-twelve-months');
  const result = await simulate(scenario, { source, store });
  if (!result.passed) throw new Error('the reassessment-at-twelve-months scenario no longer passes');
  const [caseId] = (await store.caseIds?.(null, 1)) ?? [];
  const trail = await store.audit(caseId!);
  const opened = trail[0]!;
  const input = opened.event as { route: OpenCase['route']; openedAt: string };
  const events = trail
    .slice(1)
    .filter((entry) => entry.accepted)
    .map((entry) => {
      // The engine stamps `recordedAt` itself; the rest is what the host sent.
      const { recordedAt: _recordedAt, ...event } = entry.event as StepDownEvent & { recordedAt?: string };
      return event as StepDownEvent;
    });
  const last = Math.max(...events.map((e) => Date.parse(e.at)));
  cached = {
    open: { route: input.route, at: input.openedAt, actor: opened.actor as OpenCase['actor'] },
    events,
    now: new Date(last + 86_400_000),
  };
  return cached;
}
