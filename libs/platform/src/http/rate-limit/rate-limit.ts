import {
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  Inject,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestMiddleware,
  type NestModule,
  type Provider,
  RequestMethod,
  SetMetadata,
} from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { RouteInfo } from '@nestjs/common/interfaces/index.js';
import { APP_GUARD, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Env } from '../../config/env.js';
import { typeOrmPool } from '../../database/typeorm-pool.js';
import { HttpProblem } from '../problem-details.filter.js';
import { principalKey, type RequestWithPrincipal } from '../principal.js';
import { type RateLimitBudgets, RateLimitCounters } from './rate-limit-counters.js';

export type RateLimitSettings = Pick<Env, 'RATE_LIMIT_PER_MINUTE' | 'RATE_LIMIT_BURST_PER_SECOND'> &
  Partial<Pick<Env, 'RATE_LIMIT_PER_ADDRESS_PER_MINUTE' | 'RATE_LIMIT_STORE'>>;

export interface RateLimitOptions {
  /** With `RATE_LIMIT_STORE=postgres`: where `api.rate_limits` lives; by default TypeORM's pool. */
  readonly pool?: Pool;
}

export const RATE_LIMIT_COUNTERS = Symbol('RATE_LIMIT_COUNTERS');
const SKIP_RATE_LIMIT = 'soc:skip-rate-limit';

/** A burst limit per second and a sustained limit per minute, over all routes together. */
export function rateLimitBudgets(settings: RateLimitSettings): RateLimitBudgets {
  return {
    burst: { name: 'burst', points: settings.RATE_LIMIT_BURST_PER_SECOND, durationSeconds: 1 },
    minute: { name: 'minute', points: settings.RATE_LIMIT_PER_MINUTE, durationSeconds: 60 },
    address: {
      name: 'address',
      points: settings.RATE_LIMIT_PER_ADDRESS_PER_MINUTE ?? 1200,
      durationSeconds: 60,
    },
  };
}

/** Exempts a controller or route (health, metrics) from the rate limits, all of them. */
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

function clientNetworkOf(request: Request): string {
  return clientNetwork(request.ip ?? request.socket.remoteAddress ?? 'unknown');
}

/** Per principal, or per client address when nobody is authenticated. */
export function rateLimitTracker(request: Request & RequestWithPrincipal): string {
  const principal = principalKey(request);
  if (principal) return `principal:${principal}`;
  return `ip:${clientNetworkOf(request)}`;
}

export class RateLimitExceeded extends HttpProblem {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate-limited', `Too many requests; retry after ${retryAfterSeconds} s`, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/**
 * Answers 429 (a problem document with `Retry-After`) past the burst or per-minute limit of the
 * principal (of the client network when nobody is authenticated). Runs after authentication.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_COUNTERS) private readonly counters: RateLimitCounters,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const retryAfter = await this.counters.take(rateLimitTracker(request));
    if (retryAfter > 0) throw new RateLimitExceeded(retryAfter);
    return true;
  }
}

/**
 * Before authentication (middleware runs before every guard): refuses a client network that has
 * spent its RATE_LIMIT_PER_ADDRESS_PER_MINUTE, and counts each of its requests that ends without
 * a principal (a refused token, an anonymous call, an unknown path). Floods of bad tokens are
 * cut off before their tokens are verified; authenticated requests spend nothing here, so many
 * people behind one address (an organisation's proxy) are limited by their own budgets only.
 */
@Injectable()
export class AddressRateLimitMiddleware implements NestMiddleware {
  constructor(@Inject(RATE_LIMIT_COUNTERS) private readonly counters: RateLimitCounters) {}

  async use(request: Request & RequestWithPrincipal, response: Response, next: NextFunction) {
    const network = clientNetworkOf(request);
    const retryAfter = await this.counters.addressWait(network);
    if (retryAfter > 0) throw new RateLimitExceeded(retryAfter);
    response.once('close', () => {
      if (principalKey(request)) return;
      this.counters.countAddress(network).catch(() => undefined);
    });
    next();
  }
}

function joinPaths(base: string, path: string): string {
  const parts = [base, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}

/**
 * The routes marked @SkipRateLimit() (on the controller or the handler), for the middleware to
 * leave alone; the global prefix is added by Nest, module paths (RouterModule) are not used here.
 */
function exemptRoutes(modules: ModulesContainer): RouteInfo[] {
  const controllers = new Set<object>();
  for (const moduleRef of modules.values()) {
    for (const { metatype } of moduleRef.controllers.values()) {
      if (metatype) controllers.add(metatype);
    }
  }
  const scanner = new MetadataScanner();
  const paths = (target: object): string[] =>
    [Reflect.getMetadata(PATH_METADATA, target) ?? '/'].flat();
  return [...controllers].flatMap((controller) => {
    const prototype = (controller as { prototype: Record<string, unknown> }).prototype;
    const wholeController = Boolean(Reflect.getMetadata(SKIP_RATE_LIMIT, controller));
    return scanner.getAllMethodNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (typeof handler !== 'function') return [];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return [];
      if (!wholeController && !Reflect.getMetadata(SKIP_RATE_LIMIT, handler)) return [];
      return paths(controller).flatMap((base) =>
        paths(handler).map((path) => ({ path: joinPaths(base, path), method })),
      );
    });
  });
}

function countersProvider(settings: RateLimitSettings, pool?: Pool): Provider {
  const budgets = rateLimitBudgets(settings);
  if ((settings.RATE_LIMIT_STORE ?? 'memory') === 'memory') {
    return { provide: RATE_LIMIT_COUNTERS, useFactory: () => new RateLimitCounters(budgets) };
  }
  return pool
    ? {
        provide: RATE_LIMIT_COUNTERS,
        useFactory: () => new RateLimitCounters(budgets, 'postgres', pool),
      }
    : {
        provide: RATE_LIMIT_COUNTERS,
        useFactory: (dataSource: DataSource) =>
          new RateLimitCounters(budgets, 'postgres', typeOrmPool(dataSource)),
        inject: [getDataSourceToken()],
      };
}

/**
 * Rate limits on every route (rate-limiter-flexible): RATE_LIMIT_BURST_PER_SECOND and
 * RATE_LIMIT_PER_MINUTE per principal, and RATE_LIMIT_PER_ADDRESS_PER_MINUTE per client network
 * before authentication; counted in memory, or with RATE_LIMIT_STORE=postgres in
 * `api.rate_limits` (the database's migrations must include `platformMigrations`) so that every
 * instance shares one budget.
 *
 * Global guards run in the order their modules are imported (the root module's own first):
 * import this after the module whose guard authenticates, so that the per-principal limits see
 * `request.principal`. The per-address limit is a middleware, which runs before every guard.
 */
@Module({})
export class RateLimitModule implements NestModule {
  constructor(private readonly modules: ModulesContainer) {}

  static forRoot(settings: RateLimitSettings, options: RateLimitOptions = {}): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [
        countersProvider(settings, options.pool),
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
      exports: [RATE_LIMIT_COUNTERS],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(AddressRateLimitMiddleware)
      .exclude(...exemptRoutes(this.modules))
      .forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}
