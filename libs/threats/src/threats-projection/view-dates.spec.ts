import { isQuiet, isStale, monthsBefore } from './view-dates.js';

describe('view dates', () => {
  it('counts months back, clamping to the end of a shorter month as PostgreSQL does', () => {
    expect(monthsBefore('2022-01-10', 6)).toBe('2021-07-10');
    expect(monthsBefore('2022-08-31', 6)).toBe('2022-02-28');
    expect(monthsBefore('2024-08-31', 6)).toBe('2024-02-29');
    expect(monthsBefore('2022-03-31', 1)).toBe('2022-02-28');
    expect(monthsBefore('2022-01-10', 0)).toBe('2022-01-10');
    expect(monthsBefore('2022-01-10', 25)).toBe('2019-12-10');
  });

  it('calls an assessment stale when its intelligence predates the threshold', () => {
    expect(isStale('2021-07-09', '2022-01-10', 6)).toBe(true);
    expect(isStale('2021-07-10', '2022-01-10', 6)).toBe(false);
    expect(isStale(null, '2022-01-10', 6)).toBe(false);
  });

  it('calls a plan quiet after the given weeks without activity', () => {
    const now = new Date('2022-01-29T12:00:00Z');
    expect(isQuiet('2022-01-01T11:59:59Z', now, 4)).toBe(true);
    expect(isQuiet('2022-01-01T12:00:00Z', now, 4)).toBe(false);
  });
});
