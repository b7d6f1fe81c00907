import { StepDownError } from '../errors.js';
import { parseEvent, type StepDownEvent } from '../events/index.js';
import { instant } from '../machine/instants.js';

const systemActor = { id: 'system', role: 'system' } as const;

/**
 * The `clock.tick` a tick at `at` sends, checked against the engine's clock before any case is
 * touched: a tick from the future would mark deadlines missed that are not yet due.
 */
export function tickEventAt(at: string, clock: Date, futureToleranceMs: number): { event: StepDownEvent; atMs: number } {
  const event = parseEvent({ type: 'clock.tick', at, actor: systemActor });
  const atMs = instant(event.at);
  if (atMs > clock.getTime() + futureToleranceMs) {
    throw new StepDownError('FUTURE_DATED', `tick at ${event.at} is later than now (${clock.toISOString()}); tick with the host's clock.`, {
      at: event.at,
      now: clock.toISOString(),
    });
  }
  return { event, atMs };
}
