import type { CaseView } from '../engine/engine.js';
import type { AuditEntry } from '../engine/store.js';
import { isId } from '../ids/id.js';
import type { Outcome, Route } from '../machine/context.js';
import { StepDownError } from '../errors.js';
import { caseDates, checkReturnId, londonDateTime } from './case-dates.js';

/**
 * An early help episode as the Standard Safeguarding Dataset's `ssd_early_help_episodes` table
 * records it (items EARL001A–EARL006A), in its column names. The dates are DATETIME columns: London
 * wall-clock time of the step, `YYYY-MM-DDTHH:mm:ss`, the form SQL Server reads the same whatever its
 * language setting.
 */
export interface EarlyHelpEpisode {
  /** The host's id of the early help episode (EARL001A). */
  readonly earl_episode_id: string;
  /** The host's id of the child (EARL002A). */
  readonly earl_person_id: string;
  /** When the case closed to CSC and the CAF started (EARL003A). */
  readonly earl_episode_start_date: string;
  /** When the case reached its outcome under the CAF; null while it is open (EARL004A). */
  readonly earl_episode_end_date: string | null;
  /** Why early help became involved: the step down, and the decision it came from (EARL005A). */
  readonly earl_episode_reason: string;
  /** Why the episode ended, in the dataset's terms ("Outcomes met", "Step-up", …); null while open (EARL006A). */
  readonly earl_episode_end_reason: string | null;
}

/** The dataset's id columns are NVARCHAR(48); an id of the library's own form, no longer than that. */
const ssdIdLength = 48;

/**
 * Why early help became involved, by the decision the step down came from (F step 1).
 *
 * @example
 * ```ts
 * earlyHelpEpisodeReasons['cp-outcome']; // => 'Step down from CSC: CP outcome'
 * ```
 */
export const earlyHelpEpisodeReasons: Readonly<Record<Route, string>> = {
  'cin-outcome': 'Step down from CSC: CIN outcome',
  'cp-outcome': 'Step down from CSC: CP outcome',
  'ten-day-checkpoint': 'Step down from CSC: 10 day checkpoint',
};

/**
 * How an early help episode ends, by the outcome the case reached under the CAF; the dataset's
 * guidance gives "Outcomes met/ Step-up/ NFA" as examples. A case that never reached the CAF has no
 * early help episode, so `remains-with-csc` has none.
 *
 * @example
 * ```ts
 * earlyHelpEpisodeEndReasons['stepped-up']; // => 'Step-up'
 * ```
 */
export const earlyHelpEpisodeEndReasons: Readonly<Record<Exclude<Outcome, 'remains-with-csc'>, string>> = {
  'caf-closed': 'Outcomes met',
  'stepped-up': 'Step-up',
  'consent-withdrawn': 'Consent withdrawn',
  'transferred-out': 'Transferred to another local authority',
  'universal-services': 'No Lead Professional: universal services',
};

/**
 * The early help episode of a case that stepped down to a CAF, as the Standard Safeguarding Dataset
 * records it: from the day the case closed to CSC (the CAF starts that day) to the day it reached
 * its outcome under the CAF, with the reasons it began and ended (docs/decisions.md "Statutory
 * returns"). An episode still open has no end date or end reason.
 *
 * `history` is the case's audit trail (`engine.history`); `ids` the host's ids of the episode and
 * the child. A case that never stepped down to a CAF (still with CSC, withdrawn, or stepped down to
 * universal services) is `NOT_REPORTABLE`; an id the dataset cannot hold is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * earlyHelpEpisode(await engine.get('C-1'), await engine.history('C-1'), { episodeId: 'EH-77', personId: 'child-1' });
 * // => { earl_episode_id: 'EH-77', earl_person_id: 'child-1', earl_episode_start_date: '2024-09-19T10:00:00',
 * //      earl_episode_end_date: '2025-01-10T10:00:00', earl_episode_reason: 'Step down from CSC: CIN outcome',
 * //      earl_episode_end_reason: 'Outcomes met' }
 * ```
 */
export function earlyHelpEpisode(
  view: CaseView,
  history: readonly AuditEntry[],
  ids: { readonly episodeId: string; readonly personId: string },
): EarlyHelpEpisode {
  const form = 'an id (letters, digits and . _ : -) of at most 48 characters';
  for (const [name, value] of [['episodeId', ids.episodeId], ['personId', ids.personId]] as const) {
    checkReturnId(name, value, (id) => isId(id) && id.length <= ssdIdLength, form);
  }
  const { cscClosedAt, outcomeAt } = caseDates(view, history);
  if (cscClosedAt === null || view.destination !== 'caf' || view.outcome === 'remains-with-csc') {
    throw new StepDownError(
      'NOT_REPORTABLE',
      `Case ${view.caseId} never stepped down to a CAF (${view.outcome === null ? `still open, at ${view.stage}` : `outcome ${view.outcome}`}): it has no early help episode.`,
    );
  }
  const ended = view.outcome === null ? null : earlyHelpEpisodeEndReasons[view.outcome];
  return {
    earl_episode_id: ids.episodeId,
    earl_person_id: ids.personId,
    earl_episode_start_date: londonDateTime(cscClosedAt),
    earl_episode_end_date: ended === null || outcomeAt === null ? null : londonDateTime(outcomeAt),
    earl_episode_reason: earlyHelpEpisodeReasons[view.route],
    earl_episode_end_reason: ended,
  };
}
