import {
  type AcknowledgementHours,
  acknowledgementDeadline,
  acknowledgementDue,
  overdueCutoffs,
  overdueFirst,
} from './acknowledgement-deadline.js';

const hours: AcknowledgementHours = { immediate: 4, urgent: 24, standard: 72 };
const raisedAt = '2026-11-24T09:12:44.120Z';
const at = (iso: string) => ({ now: new Date(iso), hours });
const referral = (overrides: Partial<Parameters<typeof acknowledgementDeadline>[0]> = {}) => ({
  raisedAt,
  urgency: 'immediate' as const,
  status: 'submitted' as const,
  ...overrides,
});

describe('acknowledgement deadlines', () => {
  it('falls due the urgency’s hours after raising', () => {
    expect(acknowledgementDue(raisedAt, 'immediate', hours).toISOString()).toBe(
      '2026-11-24T13:12:44.120Z',
    );
    expect(acknowledgementDue(raisedAt, 'urgent', hours).toISOString()).toBe(
      '2026-11-25T09:12:44.120Z',
    );
    expect(acknowledgementDue(raisedAt, 'standard', hours).toISOString()).toBe(
      '2026-11-27T09:12:44.120Z',
    );
  });

  it('is not overdue one millisecond before the deadline, and is overdue at it', () => {
    expect(acknowledgementDeadline(referral(), at('2026-11-24T13:12:44.119Z'))).toEqual({
      acknowledgementDue: '2026-11-24T13:12:44.120Z',
      overdue: false,
    });
    expect(acknowledgementDeadline(referral(), at('2026-11-24T13:12:44.120Z')).overdue).toBe(true);
    expect(acknowledgementDeadline(referral(), at('2026-12-24T00:00:00.000Z')).overdue).toBe(true);
  });

  it.each(['acknowledged', 'accepted', 'declined', 'withdrawn', 'closed'] as const)(
    'is never overdue once %s, though the due moment stays',
    (status) => {
      expect(acknowledgementDeadline(referral({ status }), at('2026-12-24T00:00:00.000Z'))).toEqual(
        { acknowledgementDue: '2026-11-24T13:12:44.120Z', overdue: false },
      );
    },
  );

  it('counts elapsed hours across a clock change: 4 hours from 00:30 UTC on 29 March is 04:30 UTC', () => {
    expect(acknowledgementDue('2026-03-29T00:30:00.000Z', 'immediate', hours).toISOString()).toBe(
      '2026-03-29T04:30:00.000Z',
    );
    expect(acknowledgementDue('2026-10-24T12:00:00.000Z', 'standard', hours).toISOString()).toBe(
      '2026-10-27T12:00:00.000Z',
    );
  });

  it('reads the raising moment in any offset PostgreSQL gives it', () => {
    expect(
      acknowledgementDue('2026-11-24T10:12:44.12+01:00', 'immediate', hours).toISOString(),
    ).toBe('2026-11-24T13:12:44.120Z');
  });

  it('gives SQL, per urgency, the latest raising moment already overdue: the same boundary', () => {
    const now = '2026-11-24T13:12:44.120Z';
    expect(overdueCutoffs(at(now))).toEqual([
      { urgency: 'immediate', raisedBy: '2026-11-24T09:12:44.120Z' },
      { urgency: 'urgent', raisedBy: '2026-11-23T13:12:44.120Z' },
      { urgency: 'standard', raisedBy: '2026-11-21T13:12:44.120Z' },
    ]);
    const [immediate] = overdueCutoffs(at(now));
    expect(
      acknowledgementDeadline(referral({ raisedAt: immediate.raisedBy }), at(now)).overdue,
    ).toBe(true);
  });

  it('orders overdue first, longest overdue first, and keeps the others’ order', () => {
    const item = (name: string, due: string, overdue: boolean) => ({
      name,
      acknowledgementDue: due,
      overdue,
    });
    const listed = [
      item('fresh', '2026-11-24T20:00:00.000Z', false),
      item('late', '2026-11-24T12:00:00.000Z', true),
      item('answered', '2026-11-20T12:00:00.000Z', false),
      item('later', '2026-11-24T08:00:00.000Z', true),
    ];
    expect(listed.sort(overdueFirst).map((i) => i.name)).toEqual([
      'later',
      'late',
      'fresh',
      'answered',
    ]);
  });
});
