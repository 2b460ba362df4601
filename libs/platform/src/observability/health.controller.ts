import { Public } from '../http/public-route.js';
import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorFunction,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { DatabaseOutages } from '../database/database-outages.js';
import { HttpProblem } from '../http/problem-details.filter.js';
import { SkipRateLimit } from '../http/rate-limit/rate-limit.js';

/** How long the database may take to answer the health check's ping. */
const PING_TIMEOUT_MS = 2000;

/** A failed health check as a problem document that keeps terminus's per-check details. */
class Unhealthy extends HttpProblem {
  constructor(
    readonly error: Record<string, unknown>,
    readonly details: Record<string, unknown>,
  ) {
    const failing = Object.entries(error).map(([name, check]) => {
      const message = (check as { message?: unknown }).message;
      return message ? `${name} (${String(message)})` : name;
    });
    super(503, 'unhealthy', `Down: ${failing.join('; ')}`, { 'Retry-After': '2' });
  }
}

/** Further checks other modules add to /health (e.g. event delivery). */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

@ApiTags('operations')
@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly outages: DatabaseOutages,
    @Optional() @Inject(HEALTH_CHECKS) private readonly checks: HealthIndicatorFunction[] = [],
  ) {}

  /**
   * Up when the database answers; otherwise a 503 problem document naming the failing check and
   * why, with every check's details. A degraded part that does not stop commands (Kafka
   * unreachable) stays "up" with its state in the details.
   */
  @Get()
  @HealthCheck()
  async check() {
    try {
      return await this.health.check([() => this.database(), ...(this.checks ?? [])]);
    } catch (failure) {
      if (!(failure instanceof ServiceUnavailableException)) throw failure;
      const body = failure.getResponse() as {
        error?: Record<string, unknown>;
        details?: Record<string, unknown>;
      };
      throw new Unhealthy(body.error ?? {}, body.details ?? {});
    }
  }

  /** During a known outage answers at once with its reason; otherwise pings, bounded. */
  private async database() {
    const indicator = this.indicators.check('database');
    const known = this.outages.state;
    if (!known.up) {
      return indicator.down({ message: `unreachable since ${known.since}: ${known.reason}` });
    }
    try {
      await this.outages.ping(PING_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      this.outages.report('health', error);
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
