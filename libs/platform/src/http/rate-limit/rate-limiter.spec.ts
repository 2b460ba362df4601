import { clientNetwork } from './rate-limit.js';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter (sliding windows)', () => {
  let now: number;
  const limiter = () =>
    new RateLimiter(
      [
        { name: 'burst', limit: 3, windowMs: 1000 },
        { name: 'minute', limit: 5, windowMs: 60_000 },
      ],
      () => now,
    );
  beforeEach(() => (now = 1_000_000));

  it('lets the burst through, then asks to wait until the oldest hit leaves the window', () => {
    const limits = limiter();
    expect([limits.take('a'), limits.take('a'), limits.take('a')]).toEqual([0, 0, 0]);
    now += 200;
    expect(limits.take('a')).toBe(1);
    now += 800;
    expect(limits.take('a')).toBe(0);
  });

  it('applies the longer window too, and says how long it has left', () => {
    const limits = limiter();
    for (let i = 0; i < 5; i++) {
      expect(limits.take('a')).toBe(0);
      now += 1000;
    }
    expect(limits.take('a')).toBe(55);
    now += 55_000;
    expect(limits.take('a')).toBe(0);
  });

  it('does not count refused requests', () => {
    const limits = limiter();
    for (let i = 0; i < 3; i++) limits.take('a');
    for (let i = 0; i < 100; i++) expect(limits.take('a')).toBeGreaterThan(0);
    now += 1000;
    expect(limits.take('a')).toBe(0);
  });

  it('counts each tracker on its own', () => {
    const limits = limiter();
    for (let i = 0; i < 3; i++) limits.take('a');
    expect(limits.take('a')).toBeGreaterThan(0);
    expect(limits.take('b')).toBe(0);
  });

  it('forgets quiet trackers', () => {
    const limits = limiter();
    limits.take('a');
    now += 120_000;
    limits.take('b');
    expect((limits as unknown as { hits: Map<string, number[]> }).hits.has('burst|a')).toBe(false);
  });
});

describe('clientNetwork', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s counts as %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });
});
