import { parseWeek, weekOf } from './iso-week.js';

describe('ISO weeks', () => {
  it.each([
    ['2026-12-08', '2026-W50', '2026-12-07', '2026-12-13'],
    ['2021-01-03', '2020-W53', '2020-12-28', '2021-01-03'],
    ['2024-12-30', '2025-W01', '2024-12-30', '2025-01-05'],
    ['2027-01-01', '2026-W53', '2026-12-28', '2027-01-03'],
  ])('puts %s in %s (%s to %s)', (date, week, from, to) => {
    expect(weekOf(date)).toEqual({ week, from, to });
    expect(parseWeek(week)).toEqual({ week, from, to });
  });

  it.each(['2025-W53', '2026-W00', '2026-W54', '2026-50', '26-W05', '2026-W5'])(
    'names no week with %s',
    (text) => expect(parseWeek(text)).toBeNull(),
  );
});
