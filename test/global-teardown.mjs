import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const state =
    /** @type {{
     *   __testPostgres?: import('../libs/platform/src/database/embedded-postgres.js').RunningPostgres,
     *   __testKafka?: { broker: import('./kafka/kafka-broker.mjs').RunningKafkaBroker, dir: string },
     * }} */ (globalThis);
  const kafka = state.__testKafka;
  state.__testKafka = undefined;
  await Promise.all([
    state.__testPostgres?.stop(),
    kafka?.broker.stop().then(() => rmSync(kafka.dir, { recursive: true, force: true })),
  ]);
  state.__testPostgres = undefined;
}
