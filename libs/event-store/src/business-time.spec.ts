import { businessMoment } from './business-time.js';
import { RuleViolationError } from './domain-errors.js';

const now = new Date('2022-01-10T15:30:00.000Z');

describe('businessMoment', () => {
  it('takes a fact without a date as happening now', () => {
    expect(businessMoment(undefined, now, null)).toEqual({ on: '2022-01-10', occurredAt: now });
  });

  it('takes a fact dated today as happening now', () => {
    const moment = businessMoment('2022-01-10', now, '2022-01-09T10:00:00.000Z');
    expect(moment.occurredAt).toEqual(now);
  });

  it('places a backdated fact at the start of its day', () => {
    expect(businessMoment('2021-11-03', now, '2021-10-01T09:00:00.000Z')).toEqual({
      on: '2021-11-03',
      occurredAt: new Date('2021-11-03T00:00:00.000Z'),
    });
  });

  it('keeps a backdated fact after an earlier fact of the same day', () => {
    const moment = businessMoment('2021-11-03', now, '2021-11-03T14:00:00.000Z');
    expect(moment.occurredAt).toEqual(new Date('2021-11-03T14:00:00.001Z'));
  });

  it('keeps facts of one stream in strict order, even when they fall on one moment', () => {
    const first = businessMoment('2021-11-03', now, '2021-11-02T10:00:00.000Z').occurredAt;
    const second = businessMoment('2021-11-03', now, first.toISOString()).occurredAt;
    expect(second.getTime()).toBe(first.getTime() + 1);
  });

  it('refuses a date before the stream’s last fact, naming both', () => {
    expect(() => businessMoment('2021-11-02', now, '2021-11-03T14:00:00.000Z', 'closedOn')).toThrow(
      new RuleViolationError(
        'closedOn 2021-11-02 falls before this record’s last fact (2021-11-03): facts are recorded in the order they happened'.replace(
          '’',
          "'",
        ),
      ),
    );
  });

  it('refuses a date in the future beyond the skew, and allows the next day within it', () => {
    expect(() => businessMoment('2022-01-12', now, null, 'moderatedOn')).toThrow(
      /moderatedOn 2022-01-12 is in the future/,
    );
    const lateEvening = new Date('2022-01-10T23:00:00.000Z');
    expect(businessMoment('2022-01-11', lateEvening, null).occurredAt).toEqual(
      new Date('2022-01-11T00:00:00.000Z'),
    );
  });

  it('refuses what is not a calendar date', () => {
    expect(() => businessMoment('2022-02-30x', now, null)).toThrow(RuleViolationError);
  });
});
