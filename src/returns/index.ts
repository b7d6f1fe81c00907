export { socialCareEpisodeClosure } from './social-care-episode.js';
export type { CscClosureReason, SocialCareEpisodeClosure } from './social-care-episode.js';
export { earlyHelpEpisode, earlyHelpEpisodeReasons, earlyHelpEpisodeEndReasons } from './early-help-episode.js';
export type { EarlyHelpEpisode } from './early-help-episode.js';
