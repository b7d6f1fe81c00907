import type { CaseView } from '../engine/engine.js';
import type { AuditEntry } from '../engine/store.js';
import { StepDownError } from '../errors.js';
import { toLondonDate } from '../calendar/index.js';
import { caseDates, checkReturnId } from './case-dates.js';

/**
 * The CIN census reasons for closure a step-down case can close with (the code set of the
 * children's social care data API's `closure_reason`; docs/decisions.md "Statutory returns"):
 * - `RC5` transferred to services of another local authority;
 * - `RC7` services ceased for any other reason, including child no longer in need;
 * - `RC8` case closed after assessment, no further action;
 * - `RC9` case closed after assessment, referred to early help.
 */
export type CscClosureReason = 'RC5' | 'RC7' | 'RC8' | 'RC9';

/**
 * The closure fields of one `social_care_episodes[]` entry of the Department for Education's
 * children's social care data API, with the episode's id so it can be merged into the host's entry.
 */
export interface SocialCareEpisodeClosure {
  /** The host's id of the CSC episode (the referral), as the API carries it. */
  readonly social_care_episode_id: string;
  /** The London date the episode closed, `YYYY-MM-DD`. */
  readonly closure_date: string;
  /** The CIN census reason for closure. */
  readonly closure_reason: CscClosureReason;
}

/** The API's id form (checked by the DfE API schema checks: at most 36 letters, digits, `_` or `-`). */
const episodeIdPattern = /^[A-Za-z0-9_-]{1,36}$/;

/**
 * The closure of a case's Children's Social Care episode, for the DfE children's social care data
 * API: the date the case closed to CSC (F step 8) and its CIN census reason for closure. A step down
 * from a CIN or CP plan ceased services because the threshold is no longer met (`RC7`); one decided
 * at the assessment's 10-day checkpoint closed after assessment, referred to early help (`RC9`) or,
 * to universal services, with no further action (`RC8`); a family that moved away while the case was
 * still with CSC was transferred to another authority (`RC5`, dated by the transfer).
 *
 * `history` is the case's audit trail (`engine.history`), where the dates are; `ids` the host's
 * own id of the episode. A case whose CSC episode has not closed (still open, or the step down
 * withdrawn: `remains-with-csc`) is `NOT_REPORTABLE`; an episode id the API would refuse is
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * const closure = socialCareEpisodeClosure(await engine.get('C-1'), await engine.history('C-1'), { socialCareEpisodeId: 'REF-1234' });
 * // => { social_care_episode_id: 'REF-1234', closure_date: '2024-09-19', closure_reason: 'RC7' }
 * ```
 */
export function socialCareEpisodeClosure(
  view: CaseView,
  history: readonly AuditEntry[],
  ids: { readonly socialCareEpisodeId: string },
): SocialCareEpisodeClosure {
  checkReturnId('socialCareEpisodeId', ids.socialCareEpisodeId, (id) => episodeIdPattern.test(id), 'at most 36 letters, digits, _ or -');
  const { cscClosedAt, outcomeAt } = caseDates(view, history);
  const closed = (at: string, closure_reason: CscClosureReason): SocialCareEpisodeClosure => ({
    social_care_episode_id: ids.socialCareEpisodeId,
    closure_date: toLondonDate(at),
    closure_reason,
  });
  if (cscClosedAt !== null) {
    if (view.route !== 'ten-day-checkpoint') return closed(cscClosedAt, 'RC7');
    return closed(cscClosedAt, view.destination === 'caf' ? 'RC9' : 'RC8');
  }
  if (view.outcome === 'transferred-out' && outcomeAt !== null) return closed(outcomeAt, 'RC5');
  throw new StepDownError(
    'NOT_REPORTABLE',
    `Case ${view.caseId} has not closed to Children's Social Care (${view.outcome === null ? `still open, at ${view.stage}` : `outcome ${view.outcome}`}): its CSC episode has no closure to report.`,
  );
}
