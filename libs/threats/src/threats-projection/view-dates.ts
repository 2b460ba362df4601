const DAY_MS = 86_400_000;

/**
 * The calendar date `months` months before `date` (both `YYYY-MM-DD`), clamped to the end of a
 * shorter month as PostgreSQL does: 2022-08-31 less 6 months is 2022-02-28.
 */
export function monthsBefore(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 - months, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Whether an assessment resting on intelligence of this date is stale on `today`. */
export function isStale(
  intelligenceDate: string | null,
  today: string,
  staleAfterMonths: number,
): boolean {
  return intelligenceDate !== null && intelligenceDate < monthsBefore(today, staleAfterMonths);
}

/** Whether nothing happened on a plan since `lastActivityAt` for `weeks` weeks up to `now`. */
export function isQuiet(lastActivityAt: string, now: Date, weeks: number): boolean {
  return Date.parse(lastActivityAt) < now.getTime() - weeks * 7 * DAY_MS;
}

/** A timestamp as JSON gives it (any offset), in ISO 8601 UTC. */
export const iso = (value: string) => new Date(value).toISOString();
export const isoOrNull = (value: string | null) => (value === null ? null : iso(value));
