import { parseArgs } from 'node:util';
// The issuer's own files, not `@soc/security`: that entry loads Nest, TypeORM and pg, which
// would make printing a token take seconds instead of a few tens of milliseconds. Both files
// import nothing of the project but each other.
/* eslint-disable boundaries/dependencies -- start-up time, see above */
import {
  checkTokenRequest,
  DEFAULT_AUDIENCE,
  loadOrCreateLocalIssuer,
  MAX_TOKEN_TTL_SECONDS,
  TokenRequestError,
  type TokenRequest,
} from '../libs/security/src/authentication/local-issuer.js';
import { isRole, ROLES, type Role } from '../libs/security/src/principal.js';
/* eslint-enable boundaries/dependencies */

const USAGE = `Usage: npm run token -- --person <id> --org <id> --roles <role,...> [--ttl 8h] [--audience ${DEFAULT_AUDIENCE}]

Prints a bearer token signed by the local development issuer (key in $DATA_DIR/keys, default .data).

Options:
  --person <id>       the person (token subject), e.g. lro-cleveland-1
  --org <id>          the organisation they act for, e.g. cleveland-police
  --roles <list>      comma-separated roles: ${ROLES.join(', ')}
  --ttl <duration>    lifetime: 90s, 30m, 8h, 2d or plain seconds (default 8h, at most 7d)
  --audience <aud>    the token's audience (default ${DEFAULT_AUDIENCE})
  -h, --help          this text
`;

/** A mistake on the command line: reported on stderr with exit code 2. */
class UsageError extends Error {}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

function parseTtl(text: string): number {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`--ttl ${JSON.stringify(text)}: expected e.g. 90s, 30m, 8h, 2d`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
  if (seconds < 1 || seconds > MAX_TOKEN_TTL_SECONDS) {
    throw new UsageError(`--ttl ${text}: must be between 1 second and 7 days`);
  }
  return seconds;
}

function parseRoles(text: string): Role[] {
  const roles = text.split(',').map((role) => role.trim());
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) {
    throw new UsageError(
      `--roles: unknown role ${unknown.map((r) => JSON.stringify(r)).join(', ')}; known roles: ${ROLES.join(', ')}`,
    );
  }
  return [...new Set(roles.filter(isRole))];
}

function required(value: string | undefined, option: string): string {
  if (value === undefined) throw new UsageError(`${option} is required`);
  return value;
}

function parseRequest(args: string[]): TokenRequest | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      person: { type: 'string' },
      org: { type: 'string' },
      roles: { type: 'string' },
      ttl: { type: 'string' },
      audience: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const request: TokenRequest = {
    personId: required(values.person, '--person'),
    organisationId: required(values.org, '--org'),
    roles: parseRoles(required(values.roles, '--roles')),
    ttlSeconds: values.ttl === undefined ? undefined : parseTtl(values.ttl),
    audience: values.audience,
  };
  checkTokenRequest(request);
  return request;
}

/** The message to show for a mistake on the command line, or undefined for any other failure. */
function usageProblem(error: unknown): string | undefined {
  if (error instanceof UsageError || error instanceof TokenRequestError) return error.message;
  // parseArgs reports unknown options and missing values with an ERR_PARSE_ARGS_* code.
  const code = (error as { code?: unknown } | null)?.code;
  const fromParseArgs = typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
  return fromParseArgs ? (error as Error).message : undefined;
}

async function main(): Promise<number> {
  let request: TokenRequest | 'help';
  try {
    request = parseRequest(process.argv.slice(2));
  } catch (error) {
    const problem = usageProblem(error);
    if (problem === undefined) throw error;
    process.stderr.write(`${problem}\n\n${USAGE}`);
    return 2;
  }
  if (request === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const issuer = await loadOrCreateLocalIssuer(process.env.DATA_DIR || '.data');
  process.stdout.write(`${await issuer.sign(request)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
