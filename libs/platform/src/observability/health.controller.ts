import { Public } from '../http/public-route.js';
import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipRateLimit } from '../http/rate-limit/rate-limit.js';

/** Further checks other modules add to /health (e.g. event delivery). */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

@ApiTags('operations')
@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    @Optional() @Inject(HEALTH_CHECKS) private readonly checks: HealthIndicatorFunction[] = [],
  ) {}

  /**
   * Up when the database answers; 503 with the failing check otherwise. A degraded part that
   * does not stop commands (Kafka unreachable) stays "up" with its state in the details.
   */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      ...(this.checks ?? []),
    ]);
  }
}
