import type { EventOf } from '../../events/index.js';
import { sweepMissed, type Effects } from '../deadlines.js';

/** DOMAIN "Time": a `clock.tick` marks every open deadline whose end has passed as missed, once. */
export function tick(effects: Effects, event: EventOf<'clock.tick'>): Effects {
  return sweepMissed(effects, event.at);
}
