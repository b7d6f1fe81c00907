import { describe, expect, it } from 'vitest';
import { parseEvent, type EventInputOf, type StepDownEventInput } from '../../src/index.js';

// These assertions are made by the compiler: `npm run typecheck` (and .ci/run) fails when an
// `@ts-expect-error` line stops being an error. The runtime checks show the same values parse.
const actor = { id: 'sw-1', role: 'social-worker' } as const;
const at = '2024-05-02T10:00:00+01:00';

describe('the event input types a host writes', () => {
  it('accept an event as the schema accepts it', () => {
    const consent: EventInputOf<'consent.given'> = {
      type: 'consent.given', at, actor, personId: 'carer-1', informationShared: ['The assessment'], purpose: 'Planning support.',
    };
    expect(parseEvent(consent).type).toBe('consent.given');
  });

  it('reject a misspelt field, a field of another event, an unknown type and a wrong role', () => {
    const misspelt: StepDownEventInput = {
      type: 'consent.given', at, actor, informationShared: ['x'], purpose: 'y',
      // @ts-expect-error `personID` is not a field of consent.given (it is `personId`)
      personID: 'carer-1',
    };
    const foreign: StepDownEventInput = {
      type: 'consent.given', at, actor, personId: 'carer-1', informationShared: ['x'], purpose: 'y',
      // @ts-expect-error `agrees` belongs to views.recorded
      agrees: true,
    };
    // @ts-expect-error 'consent.givn' is not an event type
    const unknownType: StepDownEventInput = { type: 'consent.givn', at, actor };
    const wrongRole: StepDownEventInput = {
      type: 'consent.given', at, personId: 'carer-1', informationShared: ['x'], purpose: 'y',
      // @ts-expect-error 'headteacher' is not a role
      actor: { id: 'sw-1', role: 'headteacher' },
    };
    // The schemas refuse them at run time too, for hosts that do not compile against the types.
    for (const event of [misspelt, foreign, unknownType, wrongRole]) expect(() => parseEvent(event)).toThrow();
  });
});
