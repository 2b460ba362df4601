import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const state =
    /** @type {{
     *   __testPostgres?: { server: import('../libs/platform/src/database/embedded-postgres.js').RunningPostgres, dir: string },
     *   __testKafka?: { broker: import('./kafka/kafka-broker.mjs').RunningKafkaBroker, dir: string },
     * }} */ (globalThis);
  const kafka = state.__testKafka;
  const postgres = state.__testPostgres;
  state.__testKafka = undefined;
  state.__testPostgres = undefined;
  await Promise.all([
    postgres?.server.stop().then(() => rmSync(postgres.dir, { recursive: true, force: true })),
    kafka?.broker.stop().then(() => rmSync(kafka.dir, { recursive: true, force: true })),
  ]);
}
