/**
 * Why the engine refused an event, as a practitioner reads it, by the refusal's error code: the
 * codes an audit entry of a refusal can carry. The code stays beside it as a reference.
 *
 * @example
 * ```ts
 * refusalLabels.GATE_BLOCKED; // => 'Refused: something the policy asks for first was not done'
 * ```
 */
export const refusalLabels: Readonly<Record<string, string>> = {
  INVALID_EVENT: 'Refused: the record was incomplete or wrongly filled in',
  INVALID_INPUT: 'Refused: the record was incomplete or wrongly filled in',
  INVALID_DATE: 'Refused: a date could not be read',
  CALENDAR_OUT_OF_RANGE: 'Refused: a date is outside the working-day calendar',
  NOT_ALLOWED: 'Refused: not a step for this role',
  EVENT_NOT_ACCEPTED: 'Refused: not a step the case could take at that point',
  GATE_BLOCKED: 'Refused: something the policy asks for first was not done',
  NO_EFFECT: 'Refused: it would have changed nothing',
  DUPLICATE_EVENT: 'Refused: already recorded',
  UNKNOWN_EVENT: 'Refused: the entry to correct was not found',
  VOID_CONFLICT: 'Refused: later records rest on that entry, so correct those first',
  FUTURE_DATED: 'Refused: dated in the future',
  PAYLOAD_TOO_LARGE: 'Refused: the record was too large',
};

/**
 * A refusal in words, from its error code; "Refused" for a code without words of its own.
 *
 * @example
 * ```ts
 * refusalLabel('NOT_ALLOWED'); // => 'Refused: not a step for this role'
 * refusalLabel(null); // => 'Refused'
 * ```
 */
export function refusalLabel(code: string | null | undefined): string {
  return (code != null && Object.hasOwn(refusalLabels, code) ? refusalLabels[code] : undefined) ?? 'Refused';
}
