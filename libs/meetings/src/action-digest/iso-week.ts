/** An ISO 8601 week, `YYYY-Www`: Monday to Sunday, week 1 holding the year's first Thursday. */
export const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

export interface IsoWeek {
  readonly week: string;
  /** Its Monday and Sunday, `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
}

const DAY = 86_400_000;
const iso = (time: number) => new Date(time).toISOString().slice(0, 10);
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** The week a business date falls in. */
export function weekOf(date: string): IsoWeek {
  const time = dayOf(date);
  const monday = time - ((new Date(time).getUTCDay() + 6) % 7) * DAY;
  const thursday = new Date(monday + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return {
    week: `${year}-W${String(week).padStart(2, '0')}`,
    from: iso(monday),
    to: iso(monday + 6 * DAY),
  };
}

/** The week a `YYYY-Www` names, or null when it names none (week 53 of a 52-week year). */
export function parseWeek(text: string): IsoWeek | null {
  const match = ISO_WEEK.exec(text);
  if (!match) return null;
  const [year, week] = [Number(match[1]), Number(match[2])];
  // 4 January is always in week 1.
  const firstMonday = weekOf(iso(Date.UTC(year, 0, 4))).from;
  const found = weekOf(iso(dayOf(firstMonday) + (week - 1) * 7 * DAY));
  return week >= 1 && found.week === text ? found : null;
}
