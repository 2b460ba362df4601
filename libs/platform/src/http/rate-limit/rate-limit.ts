import {
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  Inject,
  Injectable,
  Module,
  SetMetadata,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Env } from '../../config/env.js';
import { HttpProblem } from '../problem-details.filter.js';
import { principalKey, type RequestWithPrincipal } from '../principal.js';
import { RateLimiter, type RateLimitWindow } from './rate-limiter.js';

export type RateLimitSettings = Pick<Env, 'RATE_LIMIT_PER_MINUTE' | 'RATE_LIMIT_BURST_PER_SECOND'>;

export const RATE_LIMITER = Symbol('RATE_LIMITER');
const SKIP_RATE_LIMIT = 'soc:skip-rate-limit';

/** A burst limit per second and a sustained limit per minute, over all routes together. */
export function rateLimitWindows(settings: RateLimitSettings): RateLimitWindow[] {
  return [
    { name: 'burst', limit: settings.RATE_LIMIT_BURST_PER_SECOND, windowMs: 1000 },
    { name: 'minute', limit: settings.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
  ];
}

/** Exempts a controller or route (health, metrics) from the rate limits. */
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT, true);

/** An IPv6 client is counted by its /64, which it can otherwise walk through address by address. */
export function clientNetwork(ip: string): string {
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice('::ffff:'.length);
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** Per principal, or per client address when nobody is authenticated. */
export function rateLimitTracker(request: Request & RequestWithPrincipal): string {
  const principal = principalKey(request);
  if (principal) return `principal:${principal}`;
  return `ip:${clientNetwork(request.ip ?? request.socket.remoteAddress ?? 'unknown')}`;
}

export class RateLimitExceeded extends HttpProblem {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate-limited', `Too many requests; retry after ${retryAfterSeconds} s`, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/** Answers 429 (a problem document with `Retry-After`) past the limits. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const retryAfter = this.limiter.take(rateLimitTracker(request));
    if (retryAfter > 0) throw new RateLimitExceeded(retryAfter);
    return true;
  }
}

/**
 * Rate limits on every route, from RATE_LIMIT_PER_MINUTE and RATE_LIMIT_BURST_PER_SECOND.
 * Global guards run in the order their modules are imported (the root module's own first):
 * import this after the module whose guard authenticates, so that the limits see
 * `request.principal`.
 */
@Module({})
export class RateLimitModule {
  static forRoot(settings: RateLimitSettings): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [
        { provide: RATE_LIMITER, useValue: new RateLimiter(rateLimitWindows(settings)) },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
      exports: [RATE_LIMITER],
    };
  }
}
