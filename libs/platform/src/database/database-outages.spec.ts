import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { register } from 'prom-client';
import { DatabaseOutages, isDatabaseUnavailable } from './database-outages.js';

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['terminated by an operator or a failover', pgError('57P01')],
    ['server starting or stopping', pgError('57P03')],
    ['idle in a transaction too long', pgError('25P03')],
    ['connection exception class', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['server not listening', pgError('ECONNREFUSED')],
    ['socket dropped', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'database closed to connections',
      new Error('database "x" is not currently accepting connections'),
    ],
    [
      'wrapped by TypeORM',
      Object.assign(new Error('Query failed'), { driverError: pgError('57P01') }),
    ],
    ['as a cause', new Error('append failed', { cause: pgError('ECONNRESET') })],
  ])('%s: yes', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a syntax error', pgError('42601')],
    ['a serialization failure (retried by its caller, not an outage)', pgError('40001')],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error at all', 'text'],
    ['nothing', undefined],
  ])('%s: no', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

/** A pool whose only use here, `query('SELECT 1')`, answers or fails as the test says. */
function fakePool() {
  const state = { up: true, pings: 0 };
  const pool = {
    query: async () => {
      state.pings++;
      if (!state.up) throw pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
      return { rows: [{}] };
    },
  } as unknown as Pool;
  return { pool, state };
}

async function metric(name: string): Promise<number> {
  const values = (await register.getSingleMetric(name)!.get()).values;
  return values.reduce((sum, value) => sum + value.value, 0);
}

describe('DatabaseOutages', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('leaves other errors to the caller', () => {
    const outages = new DatabaseOutages(fakePool().pool);
    expect(outages.report('sealer', new TypeError('bug'))).toBe(false);
    expect(outages.state).toEqual({ up: true });
  });

  it('a lost session while the server answers is counted, not an outage', async () => {
    const { pool, state } = fakePool();
    const outages = new DatabaseOutages(pool);
    const before = await metric('database_outages_total');
    expect(outages.report('feed:threats', pgError('25P03'))).toBe(true);
    await sleep(10);
    expect(state.pings).toBe(1);
    expect(outages.state.up).toBe(true);
    expect(await metric('database_outages_total')).toBe(before);
  });

  it('begins an outage once when the server does not answer, and ends it when it does', async () => {
    const { pool, state } = fakePool();
    const outages = new DatabaseOutages(pool, 20);
    const before = await metric('database_outages_total');
    state.up = false;
    expect(outages.report('sealer', pgError('57P01', 'terminating connection'))).toBe(true);
    await sleep(10);
    for (let i = 0; i < 5; i++) outages.report('http', pgError('ECONNREFUSED'));
    expect(outages.state).toMatchObject({ up: false, reason: 'terminating connection' });
    expect(await metric('database_outages_total')).toBe(before + 1);
    expect(await metric('database_up')).toBe(0);

    state.up = true;
    await sleep(100);
    expect(outages.state).toEqual({ up: true });
    expect(await metric('database_up')).toBe(1);
    outages.stop();
  });
});
