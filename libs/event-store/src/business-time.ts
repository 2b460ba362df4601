import { RuleViolationError } from './domain-errors.js';

/** How far ahead of the server's clock a caller's "today" may run (time zones, clock drift). */
export const BUSINESS_DATE_SKEW_MS = 14 * 60 * 60 * 1000;

/** A fact's business date, and the moment the log records it as having happened. */
export interface BusinessMoment {
  /** The date the fact happened (YYYY-MM-DD), as the user gave it or today. */
  readonly on: string;
  /** The event's occurredAt: business time, which "as of" views read; recordedAt stays the system's. */
  readonly occurredAt: Date;
}

const dateOf = (moment: Date | string | number) => new Date(moment).toISOString().slice(0, 10);
const startOf = (date: string) => new Date(`${date}T00:00:00.000Z`);

/**
 * Places a fact the user dated `on` (default today) in business time. Refused (422) when the
 * date lies in the future beyond the skew, or before the stream's last fact: a stream's facts are
 * recorded in the order they happened, so its first fact (the record's creation) bounds the rest.
 *
 * A fact dated today happens now; one dated earlier at the start of its day. Either way it comes
 * at least a millisecond after the stream's last fact, so a stream's facts keep their order in
 * business time too.
 */
export function businessMoment(
  on: string | undefined,
  now: Date,
  lastOccurredAt: string | null,
  field = 'date',
): BusinessMoment {
  const today = dateOf(now);
  const date = on ?? today;
  if (Number.isNaN(startOf(date).getTime())) {
    throw new RuleViolationError(`${field} must be a calendar date (YYYY-MM-DD)`);
  }
  if (date > dateOf(now.getTime() + BUSINESS_DATE_SKEW_MS)) {
    throw new RuleViolationError(`${field} ${date} is in the future (today is ${today})`);
  }
  const last = lastOccurredAt === null ? null : new Date(lastOccurredAt);
  if (last && date < dateOf(last)) {
    throw new RuleViolationError(
      `${field} ${date} falls before this record's last fact (${dateOf(last)}): ` +
        'facts are recorded in the order they happened',
    );
  }
  const moment = date === today ? now : startOf(date);
  const afterLast = last && new Date(last.getTime() + 1);
  return { on: date, occurredAt: afterLast && afterLast > moment ? afterLast : moment };
}
