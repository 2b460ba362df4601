import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { EnrolPerson, RegisterOrganisation } from '@soc/directory';
import { AlreadyExistsError, EventStore } from '@soc/event-store';
import { InvalidEnvironmentError, resolveDatabase, validateEnv } from '@soc/platform';
import type { AccessContext } from '@soc/security';
import cliProgress from 'cli-progress';
import { StandaloneModule } from '../apps/standalone/src/standalone.module.js';
import { NORTH_EAST_ORGANISATIONS, northEastPeople } from './north-east-region.js';
import { seedThreat } from './north-east-requests.js';
import {
  COUNTED_ON_INSPECTION_DATE,
  eachLimited,
  INSPECTION_DATE,
  northEastThreats,
  SEED_PURPOSE,
} from './north-east-threats.js';

/** Each organisation's records are entered by an administrator of it: who the events say acted. */
const administratorOf = (organisationId: string): AccessContext => ({
  principal: { personId: 'seed', organisationId, roles: ['admin'] },
  purpose: SEED_PURPOSE,
  requestId: null,
});

/** Runs a command unless its record exists already: the seed can run again safely. */
async function once(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (error instanceof AlreadyExistsError) return false;
    throw error;
  }
}

/** Threats are loaded this many at a time (each threat's own facts in order). */
const THREAT_CONCURRENCY = 8;

/**
 * Loads the north-east region through the same command handlers the API runs: organisations,
 * people, and the threats' histories dated by their business dates.
 */
async function main(): Promise<void> {
  const env = validateEnv(process.env);
  const database = await resolveDatabase(env, { owner: 'tool' });
  const app = await NestFactory.createApplicationContext(
    StandaloneModule.forRoot(env, database.url),
    { logger: ['error', 'warn'] },
  );
  try {
    const commands = app.get(CommandBus);
    const store = app.get(EventStore);
    const people = northEastPeople();
    const threats = northEastThreats(new Date().toISOString().slice(0, 10));
    const bar = new cliProgress.SingleBar(
      { format: 'seeding {bar} {value}/{total} records | {eta_formatted} left', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(NORTH_EAST_ORGANISATIONS.length + people.length + threats.length, 0);
    let added = 0;
    for (const organisation of NORTH_EAST_ORGANISATIONS) {
      const access = administratorOf(organisation.organisationId);
      if (await once(() => commands.execute(new RegisterOrganisation(access, organisation)))) {
        added++;
      }
      bar.increment();
    }
    for (const person of people) {
      const access = administratorOf(person.organisationId);
      if (await once(() => commands.execute(new EnrolPerson(access, person)))) added++;
      bar.increment();
    }
    let threatsAdded = 0;
    let threatEvents = 0;
    await eachLimited(threats, THREAT_CONCURRENCY, async (threat) => {
      const result = await seedThreat(commands, store, threat);
      if (result.registered) threatsAdded++;
      threatEvents += result.events;
      bar.increment();
    });
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
    await app.close();
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
