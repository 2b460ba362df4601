export interface ThreatViewSettings {
  /** An assessment whose newest intelligence is older than this shows as stale (default 6). */
  readonly staleAfterMonths: number;
  /** A plan with no update (plan, review, action, progress) for this long stands out (default 4). */
  readonly quietAfterWeeks: number;
}

export const THREAT_VIEW_SETTINGS = Symbol('THREAT_VIEW_SETTINGS');

export const DEFAULT_THREAT_VIEW_SETTINGS: ThreatViewSettings = {
  staleAfterMonths: 6,
  quietAfterWeeks: 4,
};
