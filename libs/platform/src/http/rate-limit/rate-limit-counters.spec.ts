import { jest } from '@jest/globals';
import { clientNetwork, rateLimitBudgets } from './rate-limit.js';
import { RateLimitCounters, storeKey } from './rate-limit-counters.js';

describe('RateLimitCounters (rate-limiter-flexible, in memory)', () => {
  const counters = (perAddress = 4) =>
    new RateLimitCounters(
      rateLimitBudgets({
        RATE_LIMIT_BURST_PER_SECOND: 3,
        RATE_LIMIT_PER_MINUTE: 5,
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: perAddress,
      }),
    );
  const advance = (ms: number) => jest.advanceTimersByTime(ms);

  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('lets the burst through, then asks to wait until the second is over', async () => {
    const limits = counters();
    expect([await limits.take('a'), await limits.take('a'), await limits.take('a')]).toEqual([
      0, 0, 0,
    ]);
    advance(200);
    expect(await limits.take('a')).toBe(1);
    advance(800);
    expect(await limits.take('a')).toBe(0);
  });

  it('applies the minute too, and says how long it has left', async () => {
    const limits = counters();
    for (let i = 0; i < 5; i++) {
      expect(await limits.take('a')).toBe(0);
      advance(1000);
    }
    expect(await limits.take('a')).toBe(55);
    advance(55_000);
    expect(await limits.take('a')).toBe(0);
  });

  it('does not let refused requests push the window back', async () => {
    const limits = counters();
    for (let i = 0; i < 3; i++) await limits.take('a');
    for (let i = 0; i < 100; i++) expect(await limits.take('a')).toBeGreaterThan(0);
    advance(1000);
    expect(await limits.take('a')).toBe(0);
  });

  it('does not count a refused burst against the minute', async () => {
    const limits = counters();
    for (let i = 0; i < 3; i++) await limits.take('a');
    for (let i = 0; i < 10; i++) expect(await limits.take('a')).toBe(1);
    advance(1000);
    expect([await limits.take('a'), await limits.take('a')]).toEqual([0, 0]);
    advance(1000);
    expect(await limits.take('a')).toBe(58);
  });

  it('counts each tracker on its own', async () => {
    const limits = counters();
    for (let i = 0; i < 3; i++) await limits.take('a');
    expect(await limits.take('a')).toBeGreaterThan(0);
    expect(await limits.take('b')).toBe(0);
  });

  it('closes a network once it has spent its budget, until its minute is over', async () => {
    const limits = counters(3);
    for (let i = 0; i < 2; i++) {
      expect(await limits.addressWait('192.0.2.7')).toBe(0);
      await limits.countAddress('192.0.2.7');
      advance(10_000);
    }
    expect(await limits.addressWait('192.0.2.7')).toBe(0);
    await limits.countAddress('192.0.2.7');
    expect(await limits.addressWait('192.0.2.7')).toBe(40);
    expect(await limits.addressWait('192.0.2.8')).toBe(0);
    advance(39_000);
    expect(await limits.addressWait('192.0.2.7')).toBe(1);
    advance(1000);
    expect(await limits.addressWait('192.0.2.7')).toBe(0);
  });

  it('keeps the address budget apart from the principal budgets', async () => {
    const limits = counters(1);
    await limits.countAddress('192.0.2.7');
    expect(await limits.addressWait('192.0.2.7')).toBe(60);
    expect(await limits.take('ip:192.0.2.7')).toBe(0);
  });

  it('forgets quiet trackers', async () => {
    const limits = counters();
    await limits.take('a');
    advance(120_000);
    // The memory store drops a key when its window ends.
    const minute = (limits as unknown as { minute: { get(key: string): Promise<unknown> } }).minute;
    expect(await minute.get('a')).toBeNull();
  });

  it('refuses the PostgreSQL store without a pool', () => {
    expect(
      () =>
        new RateLimitCounters(
          rateLimitBudgets({ RATE_LIMIT_BURST_PER_SECOND: 1, RATE_LIMIT_PER_MINUTE: 1 }),
          'postgres',
        ),
    ).toThrow(/needs a pool/);
  });
});

describe('storeKey', () => {
  it('keeps trackers that fit the table, and counts longer ones by digest', () => {
    expect(storeKey('principal:alice@nersou')).toBe('principal:alice@nersou');
    const long = `principal:${'x'.repeat(300)}@nersou`;
    expect(storeKey(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(storeKey(long)).toBe(storeKey(long));
    expect(storeKey(long)).not.toBe(storeKey(`${long}!`));
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
