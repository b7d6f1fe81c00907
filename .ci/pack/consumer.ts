// A host's code compiled against the installed package's declarations: every `@ts-expect-error`
// must be an error, or tsc fails (the types would accept what the schemas refuse).
import { addWorkingDays, createCaseEngine, type StepDownEventInput } from 'caf-step-down';
import { memoryStore } from 'caf-step-down/adapters/memory';
import { chainEntry } from 'caf-step-down/store-kit';
// @ts-expect-error the audit chain's internals are not the root's: a store author takes them from store-kit
import { canonicalJson } from 'caf-step-down';

export const kit: typeof chainEntry = chainEntry;

const engine = createCaseEngine({ store: memoryStore() });
const actor = { id: 'sw-1', role: 'social-worker' } as const;
const at = '2024-05-02T10:00:00+01:00';

export async function valid(): Promise<void> {
  await engine.send('C-1', { type: 'consent.given', at, actor, personId: 'carer-1', informationShared: ['The assessment'], purpose: 'Planning.' });
}

export async function misspelt(): Promise<void> {
  await engine.send('C-1', {
    type: 'consent.given', at, actor, informationShared: ['x'], purpose: 'y',
    // @ts-expect-error `personID` is not a field of consent.given
    personID: 'carer-1',
  });
}

// @ts-expect-error 'consent.givn' is not an event type
export const unknownType: StepDownEventInput = { type: 'consent.givn', at, actor };

// @ts-expect-error the calendar takes a date, not any object (luxon's types come with the package)
addWorkingDays({ nonsense: true }, 5);
