/** Today, as the system sees it: injected so that tests (and replays) control it. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };

/** `YYYY-MM-DD` of a moment, in UTC: the calendar dates plans and actions carry. */
export const isoDate = (moment: Date): string => moment.toISOString().slice(0, 10);
