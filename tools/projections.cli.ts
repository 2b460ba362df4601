import 'reflect-metadata';
import { allEventContracts } from '@soc/contracts';
import { EventStore, EventTypeRegistry, GlobalLogSealer } from '@soc/event-store';
import {
  InvalidEnvironmentError,
  ResilientPool,
  resolveDatabase,
  validateEnv,
} from '@soc/platform';
import { registeredProjections } from '../apps/standalone/src/projections.js';
import { runProjectionsCli } from './projection-commands.js';

runProjectionsCli(process.argv.slice(2), {
  projections: registeredProjections,
  output: {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    progress: process.stderr,
  },
  connect: async () => {
    const env = validateEnv(process.env);
    const database = await resolveDatabase(env, { owner: 'tool' });
    const pool = new ResilientPool({ connectionString: database.url, max: 4 });
    // Nothing here appends, so the sealer is not started; the store only needs one to exist.
    const sealer = new GlobalLogSealer(pool);
    const registry = new EventTypeRegistry(allEventContracts);
    return {
      pool,
      store: new EventStore(pool, registry, sealer),
      registry,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      close: async () => {
        await sealer.stop();
        await pool.end();
        await database.stop();
      },
    };
  },
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof InvalidEnvironmentError ? error.message : error);
    process.exit(1);
  },
);
