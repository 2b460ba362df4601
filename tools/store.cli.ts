import 'reflect-metadata';
import { GlobalLogSealer, IntegrityVerifier } from '@soc/event-store';
import {
  InvalidEnvironmentError,
  ResilientPool,
  resolveDatabase,
  validateEnv,
} from '@soc/platform';
import cliProgress from 'cli-progress';
import pg from 'pg';

const USAGE = `Usage: npm run store -- <command>

Commands:
  status            global position, events waiting for a position, horizon lag
  verify            walk the whole log and check every hash chain (exit 1 if broken)
  verify <stream>   check one stream, e.g. organisation:cleveland-police
`;

async function status(pool: pg.Pool): Promise<number> {
  const sealer = new GlobalLogSealer(pool);
  const { rows } = await pool.query<{ head: string | null; events: string }>(
    `SELECT (SELECT max(global_position) FROM event_store.global_log) AS head,
            (SELECT count(*) FROM event_store.events) AS events`,
  );
  const lag = await sealer.measureLag();
  console.table({
    'events stored': Number(rows[0].events),
    'newest global position': Number(rows[0].head ?? 0),
    'waiting for a position': lag.unsealed,
    'horizon lag (s)': Number(lag.horizonLagSeconds.toFixed(3)),
  });
  return 0;
}

async function verify(pool: pg.Pool, stream: string | undefined): Promise<number> {
  const verifier = new IntegrityVerifier(pool);
  if (stream) {
    const report = await verifier.verifyStream(stream);
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  }
  const bar = new cliProgress.SingleBar(
    {
      format: 'verifying |{bar}| {value}/{total} events | {speed} events/s | eta {eta_formatted}',
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(0, 0, { speed: 0 });
  const report = await verifier.verifyLog({
    onProgress: (checked, total) => {
      bar.setTotal(total);
      bar.update(checked, {
        speed: Math.round(checked / Math.max((Date.now() - started) / 1000, 0.001)),
      });
    },
  });
  bar.stop();
  console.log(
    report.ok
      ? `The log is intact: ${report.checked} events, every stream chain and the global chain verified.`
      : `BROKEN after ${report.checked} intact events: ${JSON.stringify(report.brokenAt, null, 2)}`,
  );
  return report.ok ? 0 : 1;
}

async function main(): Promise<number> {
  const [command, argument] = process.argv.slice(2);
  if (command !== 'status' && command !== 'verify') {
    console.log(USAGE);
    return command ? 2 : 0;
  }
  const env = validateEnv(process.env);
  const database = await resolveDatabase(env, { owner: 'tool' });
  const pool = new ResilientPool({ connectionString: database.url, max: 2 });
  try {
    return command === 'status' ? await status(pool) : await verify(pool, argument);
  } finally {
    await pool.end();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof InvalidEnvironmentError ? error.message : error);
    process.exit(1);
  },
);
