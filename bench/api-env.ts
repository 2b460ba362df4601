/**
 * The API bench's settings, in process.env before any module of the application is loaded: the
 * platform's ConfigModule reads and validates process.env once, as its module is imported.
 *
 * The rate limits are raised to their maximum for every route alike: one principal per client
 * would otherwise be refused past 50 requests a second. NODE_ENV=production would refuse the
 * local issuer; nothing else in the application reads it.
 */
const BENCH_ENV = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
  HOST: '127.0.0.1',
  PORT: '0',
  RATE_LIMIT_PER_MINUTE: '1000000',
  RATE_LIMIT_BURST_PER_SECOND: '100000',
} as const;

Object.assign(process.env, BENCH_ENV);
