import { join } from 'node:path';
import type { Env } from '../config/env.js';
import {
  connectEmbeddedPostgres,
  EmbeddedPostgresError,
  type SupervisionEvent,
} from './embedded-postgres.js';

export interface ResolvedDatabase {
  readonly url: string;
  readonly description: string;
  /** Stops the embedded server if this process started or adopted it. */
  stop(): Promise<void>;
}

export interface ResolveDatabaseOptions {
  /**
   * `application`: the embedded server is supervised (restarted when it exits unexpectedly),
   * and one left running by a killed run is adopted (stopped when the application stops).
   * `tool`: a running server (the application's) is used and left running; otherwise one is
   * started for the tool's run only.
   */
  readonly owner: 'application' | 'tool';
  readonly database?: string;
  /** Outages, restarts and adoptions of the embedded server. */
  readonly onEvent?: (event: SupervisionEvent) => void;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR. */
export async function resolveDatabase(
  env: Env,
  options: ResolveDatabaseOptions,
): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, description: 'DATABASE_URL', stop: async () => undefined };
  }
  const dir = join(env.DATA_DIR, 'postgres');
  const port = env.EMBEDDED_POSTGRES_PORT;
  try {
    const server = await connectEmbeddedPostgres({
      dir,
      port,
      database: options.database ?? 'soc',
      owner: options.owner,
      onEvent: options.onEvent,
    });
    const adopted = server.origin === 'adopted' ? ', adopted from an earlier run' : '';
    return {
      url: server.url,
      description: `embedded PostgreSQL on port ${port}, data in ${dir}${adopted}`,
      stop: () => server.stop(),
    };
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresError)) throw error;
    const advice = {
      PORT_IN_USE:
        'Set EMBEDDED_POSTGRES_PORT to a free port, or DATABASE_URL to use a PostgreSQL of your own instead.',
      DATA_DIR_IN_USE: 'Set EMBEDDED_POSTGRES_PORT to its port, or stop it.',
      START_FAILED: '',
    }[error.code];
    throw new EmbeddedPostgresError(`${error.message} ${advice}`.trim(), error.code);
  }
}
