import type { Actor } from '../../src/index.js';
import { closedCafJourney, journeyOpening as opening } from '../engine/journey.js';

/** One request of the journey: an event's body without `actor` and the actor the token names, or a tick. */
export type HttpJourneyStep =
  | { readonly kind: 'event'; readonly actor: Actor; readonly body: Record<string, unknown> }
  | { readonly kind: 'tick'; readonly at: string };

/** What the journey opens the case with (without the case id), and the Team Manager who opens it. */
export const journeyOpening = {
  body: { route: opening.route, at: opening.at },
  actor: opening.actor as Actor,
};

/**
 * The CIN step down of test/engine/journey.ts as HTTP requests: each event sent as the sample actor
 * of its role (a Lead Professional's token carries the person id), its body without `actor`.
 */
export function journeySteps(): HttpJourneyStep[] {
  return closedCafJourney().map((step) => {
    if ('tick' in step) return { kind: 'tick', at: step.tick };
    const { actor, ...body } = step;
    return { kind: 'event', actor, body };
  });
}
