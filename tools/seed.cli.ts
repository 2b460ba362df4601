import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { allEventContracts } from '@soc/contracts';
import {
  organisationDecider,
  organisationStream,
  personDecider,
  personStream,
  personSubject,
} from '@soc/directory';
import {
  AlreadyExistsError,
  EventStore,
  EventTypeRegistry,
  eventStoreMigrations,
  GlobalLogSealer,
} from '@soc/event-store';
import { deliveryMigrations } from '@soc/messaging';
import {
  InvalidEnvironmentError,
  platformMigrations,
  ResilientPool,
  resolveDatabase,
  runMigrations,
  validateEnv,
} from '@soc/platform';
import {
  loadOrCreateDevelopmentMasterKey,
  parseMasterKey,
  PersonalDataAccessLog,
  PersonalDataCipher,
  securityMigrations,
  SubjectKeyStore,
} from '@soc/security';
import cliProgress from 'cli-progress';
import { NORTH_EAST_ORGANISATIONS, northEastPeople } from './north-east-region.js';
import {
  COUNTED_ON_INSPECTION_DATE,
  eachLimited,
  INSPECTION_DATE,
  northEastThreats,
  seedThreat,
} from './north-east-threats.js';

/** The directory's own administrator: who the seed's events say acted. */
const SEED_ACTOR = { personId: 'seed', organisationId: 'nersou' };

const migrate = (url: string) =>
  runMigrations(url, [
    ...eventStoreMigrations,
    ...deliveryMigrations,
    ...securityMigrations,
    ...platformMigrations,
  ]);

/** Appends unless the stream already holds the record: the seed can run again safely. */
async function once(append: () => Promise<unknown>): Promise<boolean> {
  try {
    await append();
    return true;
  } catch (error) {
    if (error instanceof AlreadyExistsError) return false;
    throw error;
  }
}

/** Waits until the sealer has given every appended event its global position. */
async function settle(sealer: GlobalLogSealer): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await sealer.measureLag()).unsealed > 0) {
    if (Date.now() > deadline) throw new Error('Events still unsealed after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Threats are appended this many at a time (each threat's own facts in order). */
const THREAT_CONCURRENCY = 8;

async function main(): Promise<void> {
  const env = validateEnv(process.env);
  const database = await resolveDatabase(env, { owner: 'tool' });
  const pool = new ResilientPool({ connectionString: database.url, max: THREAT_CONCURRENCY + 2 });
  // Connections still idle when the embedded server stops are ended by it; nothing is lost.
  pool.on('error', () => undefined);
  const sealer = new GlobalLogSealer(pool);
  try {
    await migrate(database.url);
    sealer.start();
    const store = new EventStore(pool, new EventTypeRegistry(allEventContracts), sealer);
    const masterKey = env.MASTER_KEY
      ? parseMasterKey(env.MASTER_KEY)
      : await loadOrCreateDevelopmentMasterKey(env.DATA_DIR);
    const cipher = new PersonalDataCipher(new SubjectKeyStore(pool, masterKey));
    const people = northEastPeople();
    const threats = northEastThreats(new Date().toISOString().slice(0, 10));
    const metadata = () => ({ actor: SEED_ACTOR, correlationId: randomUUID() });

    const bar = new cliProgress.SingleBar(
      { format: 'seeding {bar} {value}/{total} records | {eta_formatted} left', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(NORTH_EAST_ORGANISATIONS.length + people.length + threats.length, 0);
    let added = 0;
    for (const organisation of NORTH_EAST_ORGANISATIONS) {
      const stream = organisationStream(organisation.organisationId);
      if (await once(() => store.handle(stream, organisationDecider, organisation, metadata())))
        added++;
      bar.increment();
    }
    for (const person of people) {
      const { state } = await store.load(personStream(person.personId), personDecider);
      if (state.status === 'none') {
        const displayName = await cipher.seal(personSubject(person.personId), person.displayName);
        const command = {
          kind: 'enrol' as const,
          ...person,
          displayName,
          roles: [...person.roles],
        };
        await store.handle(personStream(person.personId), personDecider, command, metadata());
        added++;
      }
      bar.increment();
    }
    const seeder = { store, cipher, accessLog: new PersonalDataAccessLog(pool), pool };
    let threatsAdded = 0;
    let threatEvents = 0;
    await eachLimited(threats, THREAT_CONCURRENCY, async (threat) => {
      const result = await seedThreat(seeder, threat);
      if (result.registered) threatsAdded++;
      threatEvents += result.events;
      bar.increment();
    });
    await settle(sealer);
    bar.stop();
    const figures = Object.entries(COUNTED_ON_INSPECTION_DATE)
      .map(([organisationId, count]) => `${organisationId} ${count}`)
      .join(', ');
    console.log(
      `North-east region: ${NORTH_EAST_ORGANISATIONS.length} organisations, ${people.length} people ` +
        `(${added} new records) and ${threats.length} threats (${threatsAdded} added, ` +
        `${threatEvents} threat events appended).\n` +
        `  Their history matches the inspection: GET /threats/counts?asOf=${INSPECTION_DATE} ` +
        `should give ${figures}.\n` +
        `  Live plans: GET /views/my-plans as cleveland-police-lro (roles lro).\n` +
        `Sample people, one per role:`,
    );
    const shown = new Set<string>();
    for (const person of people) {
      const role = person.roles[0];
      if (shown.has(role)) continue;
      shown.add(role);
      console.log(
        `  npm run token -- --person ${person.personId} --org ${person.organisationId} --roles ${person.roles.join(',')}`,
      );
    }
  } finally {
    await sealer.stop();
    await pool.end();
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof InvalidEnvironmentError ? error.message : error);
    process.exit(1);
  },
);
