import { BadRequestException, NotFoundException } from '@nestjs/common';
import { HttpProblem, toProblem, ValidationProblem } from './problem-details.filter.js';

class StaleVersion extends Error {
  readonly status = 409;
  readonly code = 'version-conflict';
  constructor(readonly currentVersion: number) {
    super('Stream is at version 4, not 3 as expected');
  }
}

describe('toProblem (RFC 9457)', () => {
  it('renders an error that carries its status with its code and extensions', () => {
    expect(toProblem(new StaleVersion(4), '/threats/1')).toEqual({
      type: '/problems/version-conflict',
      title: 'Conflict',
      status: 409,
      detail: 'Stream is at version 4, not 3 as expected',
      instance: '/threats/1',
      currentVersion: 4,
    });
  });

  it('answers 503 database-unavailable when PostgreSQL is gone, and 500 for other failures', () => {
    const terminated = Object.assign(
      new Error('terminating connection due to administrator command'),
      {
        code: '57P01',
      },
    );
    const wrapped = Object.assign(new Error('Query failed'), { driverError: terminated });
    for (const error of [terminated, wrapped, new Error('Connection terminated unexpectedly')]) {
      expect(toProblem(error, '/threats')).toMatchObject({
        type: '/problems/database-unavailable',
        status: 503,
        instance: '/threats',
      });
    }
    const syntax = Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' });
    expect(toProblem(syntax)).toMatchObject({ status: 500, type: 'about:blank' });
    expect(toProblem(syntax).detail).not.toContain('SELEC');
  });

  it('lists validation errors field by field', () => {
    const problem = toProblem(
      new ValidationProblem([{ field: 'tier', message: 'tier must be an integer' }]),
    );
    expect(problem).toMatchObject({
      status: 400,
      type: '/problems/validation',
      errors: [{ field: 'tier' }],
    });
  });

  it('keeps Nest HTTP exceptions as they are', () => {
    expect(toProblem(new NotFoundException('No such threat'))).toMatchObject({
      status: 404,
      detail: 'No such threat',
    });
    expect(toProblem(new BadRequestException())).toMatchObject({ status: 400 });
  });

  it('never leaks the message of an unexpected error', () => {
    const problem = toProblem(new Error('password=secret at db.internal:5432'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toMatch(/secret|db\.internal/);
  });

  it('renders an HTTP-layer problem by its code, leaving its headers out of the document', () => {
    const problem = toProblem(
      new HttpProblem(429, 'rate-limited', 'Too many requests', { 'Retry-After': '3' }),
      '/threats',
    );
    expect(problem).toEqual({
      type: '/problems/rate-limited',
      title: 'Too many requests',
      status: 429,
      detail: 'Too many requests',
      instance: '/threats',
    });
  });
});
