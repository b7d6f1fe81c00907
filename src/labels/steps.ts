import type { Relationship } from '../events/people.js';
import { eventLabel, relationshipLabels } from './events.js';

/** The kinds of family plan meeting a pending step may wait for (`familyPlanMeeting.held`'s `kind`). */
const meetingLabels: Readonly<Record<string, string>> = {
  initial: 'Initial family plan meeting held',
  review: 'Family plan review meeting held',
  final: 'Final family plan meeting held',
};

function isRelationship(value: string | null | undefined): value is Relationship {
  return value !== null && value !== undefined && Object.hasOwn(relationshipLabels, value);
}

/**
 * A step a case waits for, in words, with its detail folded in where the detail is a kind rather
 * than an id: the meeting it waits for ("Initial family plan meeting held"), the relationship of
 * the person to add ("Child added to the case"). Any other step is its event's label.
 *
 * @example
 * ```ts
 * pendingStepLabel('familyPlanMeeting.held', 'initial'); // => 'Initial family plan meeting held'
 * pendingStepLabel('person.added', 'parent-carer'); // => 'Parent/carer added to the case'
 * pendingStepLabel('disagreement.resolved', 'D-2'); // => 'Disagreement resolved'
 * ```
 */
export function pendingStepLabel(step: string, detail?: string | null): string {
  if (step === 'familyPlanMeeting.held' && detail != null && meetingLabels[detail] !== undefined) return meetingLabels[detail];
  if (step === 'person.added' && isRelationship(detail)) return eventLabel(step, detail);
  return eventLabel(step);
}

/**
 * What a pending step's detail refers to, when it is an id a reader needs to find the right record:
 * a disagreement ("Disagreement", `D-2`) or a person ("Person", `carer-1`). Null when the detail is
 * a kind already in {@link pendingStepLabel}'s words, or when there is none.
 *
 * @example
 * ```ts
 * pendingStepReference('disagreement.resolved', 'D-2'); // => { noun: 'Disagreement', id: 'D-2' }
 * pendingStepReference('views.recorded', 'carer-1'); // => { noun: 'Person', id: 'carer-1' }
 * pendingStepReference('familyPlanMeeting.held', 'initial'); // => null
 * ```
 */
export function pendingStepReference(step: string, detail?: string | null): { readonly noun: string; readonly id: string } | null {
  if (detail == null || detail === '' || pendingStepLabel(step, detail) !== eventLabel(step)) return null;
  if (step.startsWith('disagreement.')) {
    // disagreement.raised waits on a person who disagrees; the others on a disagreement by its id.
    return step === 'disagreement.raised' ? { noun: 'Person', id: detail } : { noun: 'Disagreement', id: detail };
  }
  if (step === 'views.recorded' || step.startsWith('consent.') || step === 'person.updated' || step === 'involvement.ended') {
    return { noun: 'Person', id: detail };
  }
  return { noun: 'Reference', id: detail };
}
