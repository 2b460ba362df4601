import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
  type ValidationError,
} from 'class-validator';

/** scheme://host[:port], nothing after: the form a browser sends in its Origin header. */
const ORIGIN = String.raw`https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?`;
const ORIGIN_LIST = new RegExp(`^\\s*${ORIGIN}\\s*(,\\s*${ORIGIN}\\s*)*$`);

/** Every setting the system reads, from environment variables, checked once at start-up. */
export class Env {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  HOST = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** PostgreSQL to use; when unset, an embedded PostgreSQL is started under DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = '.data';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(500)
  DATABASE_POOL_SIZE = 20;

  /** Connections idle inside a transaction longer than this are closed: they stall the global order. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

  /** How long a request waits for a database connection before answering 503 (bounded outages). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_CONNECT_TIMEOUT_MS = 5000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  EVENT_MAX_PAYLOAD_BYTES = 256 * 1024;

  /**
   * How long a command waits for its events' global position before answering without one; 0:
   * commands answer at commit, with their consistency token and no position.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  POSITION_WAIT_MS = 5000;

  /** Kafka bootstrap brokers (host:port, comma-separated). Unset: events reach projections in process. */
  @IsOptional()
  @Matches(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port...]',
  })
  KAFKA_BROKERS?: string;

  @IsString()
  KAFKA_CLIENT_ID = 'soc-partnership';

  /** Topics are `<prefix>.<context>.events` and their `.dlq` twins. */
  @Matches(/^[a-z][a-z0-9-]*$/, {
    message: 'KAFKA_TOPIC_PREFIX must be lower-case letters, digits, -',
  })
  KAFKA_TOPIC_PREFIX = 'soc';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS = 6;

  /** Replicas of each topic created at start; unset: min(3, brokers in the cluster). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  KAFKA_REPLICATION_FACTOR?: number;

  /** Partitions each projection applies at once over Kafka, each holding a pool connection meanwhile. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  KAFKA_CONSUMER_CONCURRENCY = 3;

  /** Longest a consumer's fetch waits at the broker while no message is there. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  KAFKA_FETCH_MAX_WAIT_MS = 100;

  /** How often consumers commit applied offsets to Kafka (the database checkpoint is what counts). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  KAFKA_OFFSET_COMMIT_INTERVAL_MS = 1000;

  /** Requests one principal (or one address, unauthenticated) may make per minute. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Requests one principal (or one address) may make within any one second. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  RATE_LIMIT_BURST_PER_SECOND = 50;

  /**
   * Requests one client network may make per minute that end without an authenticated principal
   * (refused tokens, anonymous calls, unknown paths); past it the network is refused before
   * authentication until the minute is over.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE = 1200;

  /** Where the rate-limit counters live: this process (`memory`) or PostgreSQL, shared by every instance. */
  @IsIn(['memory', 'postgres'])
  RATE_LIMIT_STORE: 'memory' | 'postgres' = 'memory';

  /** Browser origins allowed to call the API (comma-separated, exact). Unset: no cross-origin calls. */
  @IsOptional()
  @Matches(ORIGIN_LIST, {
    message: 'CORS_ORIGINS must be origins like https://app.example.org, comma-separated',
  })
  CORS_ORIGINS?: string;

  /**
   * Proxies in front of the service whose X-Forwarded-For is believed: a number of hops, or
   * comma-separated addresses, CIDRs or `loopback`/`linklocal`/`uniquelocal`. Unset: none.
   */
  @IsOptional()
  @Matches(
    /^(\d{1,2}|(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?))*)$/,
    {
      message:
        'TRUST_PROXY must be a number of hops or comma-separated addresses, CIDRs or loopback',
    },
  )
  TRUST_PROXY?: string;

  /** An assessment whose newest intelligence is older than this many months shows as stale. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  ASSESSMENT_STALE_AFTER_MONTHS = 6;

  /** A plan with no update for this many weeks stands out in the LRO's view. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(52)
  PLAN_QUIET_AFTER_WEEKS = 4;

  /** Hours a referral of immediate urgency may wait for acknowledgement before it is overdue. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2160)
  REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE = 4;

  /** Hours an urgent referral may wait for acknowledgement. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2160)
  REFERRAL_ACKNOWLEDGEMENT_HOURS_URGENT = 24;

  /** Hours a standard referral may wait for acknowledgement (72: three days, around the clock). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2160)
  REFERRAL_ACKNOWLEDGEMENT_HOURS_STANDARD = 72;

  /** An OIDC issuer (its discovery document gives the signing keys); unset: the local development issuer. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'OIDC_ISSUER_URL must be an http(s) URL' })
  OIDC_ISSUER_URL?: string;

  /**
   * The audience (`aud`) tokens must be issued for. The default is an absolute URI, the form RFC
   * 8707 resource indicators take; it is also what the local development issuer signs for.
   */
  @Matches(/^\S{1,200}$/, { message: 'OIDC_AUDIENCE must be a non-empty word' })
  OIDC_AUDIENCE = 'https://soc-partnership.local/api';

  /** The claim naming the acting person (a directory id) in tokens of OIDC_ISSUER_URL. */
  @Matches(/^[\w.:/-]{1,100}$/, { message: 'OIDC_PERSON_CLAIM must be a claim name' })
  OIDC_PERSON_CLAIM = 'sub';

  /** The claim naming the caller's organisation (a directory id). */
  @Matches(/^[\w.:/-]{1,100}$/, { message: 'OIDC_ORGANISATION_CLAIM must be a claim name' })
  OIDC_ORGANISATION_CLAIM = 'org';

  /** The claim listing the caller's roles. */
  @Matches(/^[\w.:/-]{1,100}$/, { message: 'OIDC_ROLES_CLAIM must be a claim name' })
  OIDC_ROLES_CLAIM = 'roles';

  /** Base64 of 32 random bytes wrapping every data subject's key; unset: a development key under DATA_DIR. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, {
    message: 'MASTER_KEY must be 32 bytes in base64 (44 characters)',
  })
  MASTER_KEY?: string;
}

/** The origins listed in CORS_ORIGINS, as browsers send them (lower case), for `HttpSettings.corsOrigins`. */
export function corsOriginsOf(env: Pick<Env, 'CORS_ORIGINS'>): string[] {
  return (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim().toLowerCase())
    .filter((origin) => origin !== '');
}

/** TRUST_PROXY as Express takes it: a hop count, or a list of addresses and subnets. */
export function trustProxyOf(env: Pick<Env, 'TRUST_PROXY'>): number | string[] | undefined {
  if (env.TRUST_PROXY === undefined) return undefined;
  if (/^\d+$/.test(env.TRUST_PROXY)) return Number(env.TRUST_PROXY);
  return env.TRUST_PROXY.split(',').map((part) => part.trim());
}

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.map(
    (error) =>
      `${error.property}=${JSON.stringify(raw[error.property])}: ${Object.values(error.constraints ?? {}).join('; ')}`,
  );
}

/**
 * What production must configure itself: without them the system would accept tokens of its own
 * local development issuer and seal personal data under a development key kept on disk.
 */
const REQUIRED_IN_PRODUCTION = {
  OIDC_ISSUER_URL: 'the local development issuer must not serve production',
  MASTER_KEY: 'the development master key must not serve production',
} as const;

function productionProblems(env: Env): string[] {
  if (env.NODE_ENV !== 'production') return [];
  return Object.entries(REQUIRED_IN_PRODUCTION)
    .filter(([name]) => env[name as keyof typeof REQUIRED_IN_PRODUCTION] === undefined)
    .map(([name, why]) => `${name} is required when NODE_ENV=production (${why})`);
}

/** A more urgent referral never has longer to be acknowledged than a less urgent one. */
function acknowledgementOrderProblems(env: Env): string[] {
  const immediate = env.REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE;
  const urgent = env.REFERRAL_ACKNOWLEDGEMENT_HOURS_URGENT;
  const standard = env.REFERRAL_ACKNOWLEDGEMENT_HOURS_STANDARD;
  if (immediate <= urgent && urgent <= standard) return [];
  return [
    `REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE=${immediate}, _URGENT=${urgent}, _STANDARD=${standard}: ` +
      'a more urgent referral cannot have longer to be acknowledged',
  ];
}

/** Parses and checks the environment; throws one error naming every bad variable. */
export function validateEnv(raw: Record<string, unknown>): Env {
  const known = Object.keys(new Env());
  const relevant = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => known.includes(key) && value !== ''),
  );
  const env = plainToInstance(Env, relevant, { exposeDefaultValues: true });
  const errors = validateSync(env, { forbidUnknownValues: true, stopAtFirstError: true });
  const problems = [...describe(errors, relevant), ...productionProblems(env)];
  if (errors.length === 0) problems.push(...acknowledgementOrderProblems(env));
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return env;
}
