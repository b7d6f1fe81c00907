import { setMaxListeners } from 'node:events';
import { StepDownError, isStepDownError } from '../errors.js';
import type { DeliveryResult } from './delivery.js';
import { tracedPass } from './telemetry.js';

/** Options of the delivery relay a host starts with `engine.startDelivery`. */
export interface RelayOptions {
  /**
   * How often the relay looks at the outbox when nothing nudges it (default 1 s): the fallback that
   * finds messages saved by other processes, retries coming due, and notifications a crash left.
   */
  readonly pollMs?: number;
  /**
   * The longest `stop()` waits for the pass under way to settle its messages (default 10 s). The
   * pass's emitter calls are cut short at once; only its store writes are waited for.
   */
  readonly stopTimeoutMs?: number;
  /**
   * Told of each failed pass (the store down, say), as a `StepDownError` with ids and codes only. The
   * relay carries on and tries again at the next poll whatever this does; it never throws into the host.
   */
  readonly onError?: (error: StepDownError) => void;
  /**
   * Told of each pass that finished, with its counts: a host can count what was delivered, retried or
   * moved to the dead letters (`buried`). Like `onError`, it cannot stop the relay by throwing.
   */
  readonly onPass?: (result: DeliveryResult) => void;
}

/** A running relay: the loop `engine.startDelivery` starts. */
export interface Relay {
  /** Asks for a pass now: a save calls it, so a notification leaves without waiting for the poll. */
  nudge(): void;
  /** Stops the loop and waits, at most `stopTimeoutMs`, for the pass under way to settle its messages. */
  stop(): Promise<void>;
}

/**
 * Starts a loop that runs `pass` whenever it is nudged, at once again while passes find full batches,
 * and at least every `pollMs`. One pass at a time; a pass that throws is reported to `onError` and
 * retried at the next poll. `stop()` aborts the signal given to the pass under way, so its emitter
 * calls end and their messages are released for the next relay, and waits for the pass to finish.
 *
 * @example
 * ```ts
 * const relay = startRelay((signal) => deliverOutbox(store, emitters, Date.now, options, signal), 100, { pollMs: 500 });
 * relay.nudge();       // after a save
 * await relay.stop();  // at shutdown
 * ```
 */
export function startRelay(pass: (signal: AbortSignal) => Promise<DeliveryResult>, batchSize: number, options: RelayOptions = {}): Relay {
  const pollMs = positive(options.pollMs ?? 1_000, 'pollMs');
  const stopTimeoutMs = positive(options.stopTimeoutMs ?? 10_000, 'stopTimeoutMs');
  const abort = new AbortController();
  // One listener per emitter call in flight (`concurrency` × emitters), each removed when its call ends.
  setMaxListeners(0, abort.signal);
  let nudged = false;
  let sleeping: { readonly end: () => void; readonly nudgeable: boolean } | null = null;

  const pause = (ms: number, nudgeable: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(end, ms);
      // The relay alone never keeps a process alive: a host that is done may exit.
      timer.unref?.();
      sleeping = { end, nudgeable };
      function end() {
        clearTimeout(timer);
        sleeping = null;
        resolve();
      }
    });

  const report = (error: unknown) => {
    const fault = isStepDownError(error)
      ? error
      : new StepDownError('DELIVERY_FAILED', 'A delivery pass failed; it will be tried again at the next poll.');
    try {
      options.onError?.(fault);
    } catch {
      // A host's error handler that throws must not stop delivery either.
    }
  };

  const loop = (async () => {
    while (!abort.signal.aborted) {
      nudged = false;
      let again = false;
      try {
        const result = await tracedPass(() => pass(abort.signal));
        told(options.onPass, result);
        const { delivered, failed, buried } = result;
        // A full batch means more may be waiting: no pause before the next pass.
        again = delivered + failed + buried >= batchSize;
      } catch (error) {
        report(error);
        // After a failure only the poll brings the next pass: saves must not make it spin on a store that is down.
        if (!abort.signal.aborted) await pause(pollMs, false);
        continue;
      }
      if (abort.signal.aborted) break;
      if (!again && !nudged) await pause(pollMs, true);
    }
  })();

  return {
    nudge() {
      nudged = true;
      if (sleeping?.nudgeable) sleeping.end();
    },
    async stop() {
      abort.abort();
      sleeping?.end();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, stopTimeoutMs);
        timer.unref?.();
      });
      await Promise.race([loop, late]);
      clearTimeout(timer);
    },
  };
}

function told<T>(handler: ((value: T) => void) | undefined, value: T): void {
  try {
    handler?.(value);
  } catch {
    // A host's handler that throws must not stop delivery.
  }
}

function positive(value: number, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new StepDownError('INVALID_ARGUMENT', `${name} must be a positive number of milliseconds.`);
}

/**
 * The relay an engine holds: none until `start`, and `nudge` does nothing without one. `start` on a
 * running relay does nothing; `stop` ends it, and a later `start` begins a new one.
 *
 * @example
 * ```ts
 * const relay = deliveryRelay(100);
 * relay.start((signal) => deliverOutbox(store, emitters, Date.now, options, signal));
 * relay.nudge();
 * await relay.stop();
 * ```
 */
export function deliveryRelay(batchSize: number) {
  let running: Relay | null = null;
  return {
    start(pass: (signal: AbortSignal) => Promise<DeliveryResult>, options: RelayOptions = {}): void {
      running ??= startRelay(pass, batchSize, options);
    },
    nudge(): void {
      running?.nudge();
    },
    async stop(): Promise<void> {
      const stopping = running;
      running = null;
      await stopping?.stop();
    },
  };
}

/**
 * The shape of an outbox message id: an id's characters, long enough for a case id with the suffix
 * the engine adds (`:v3:0`, `:refused:<uuid>`).
 *
 * @example
 * ```ts
 * messageIdPattern.test('C-1:v3:0'); // => true
 * ```
 */
export const messageIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;
