import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  OrganisationRegistered,
  PersonEnrolled,
  type OrganisationKind,
  type PersonEnrolledV3,
} from '@soc/contracts';
import { directoryProjection } from '@soc/directory';
import type { EventToAppend } from '@soc/event-store';
import { ensureProjection, rebuildProjection, type Projection } from '@soc/messaging';
import { benchMetadata, type OpenStore } from './contenders.js';
import { stockTypes } from './server.js';

const KINDS: OrganisationKind[] = [
  'police-force',
  'rocu',
  'national-agency',
  'statutory-partner',
  'non-statutory-partner',
];
const ROLES = ['analyst', 'investigator', 'lro', 'chair', 'safeguarding-lead', 'intelligence'];
/** Organisations people are enrolled into: the newest ones registered. */
const KNOWN_ORGANISATIONS = 10_000;

export interface SeedResult {
  events: number;
  organisations: number;
  /** Until the last append answered. */
  appendSeconds: number;
  /** Until the sealer had given every event its position (from the start). */
  sealedSeconds: number;
}

/**
 * Seeds the log through the store (real hashes, real sealing): `writers` loops of appends of
 * `perAppend` events to a new stream each, one in ten an OrganisationRegistered and the rest
 * PersonEnrolled (v3 with a plain name, one to three roles) into one of the newest organisations.
 */
export async function seedLog(
  open: OpenStore,
  total: number,
  options: {
    writers: number;
    perAppend: number;
    onProgress: (appended: number, sealed: number | null) => void;
  },
): Promise<SeedResult> {
  const organisations: string[] = [];
  let registered = 0;
  let claimed = 0;
  let appended = 0;
  const batch = (size: number): EventToAppend[] =>
    Array.from({ length: size }, (_, i) => {
      if (i % 10 === 0) {
        const organisationId = randomUUID();
        organisations[registered++ % KNOWN_ORGANISATIONS] = organisationId;
        return {
          type: OrganisationRegistered.type,
          data: {
            organisationId,
            name: `Organisation ${organisationId.slice(0, 8)}`,
            kind: KINDS[registered % KINDS.length],
          },
        };
      }
      const personId = randomUUID();
      const data: PersonEnrolledV3 = {
        personId,
        organisationId:
          organisations[Math.floor(Math.random() * Math.min(registered, KNOWN_ORGANISATIONS))],
        displayName: `Person ${personId.slice(0, 8)}`,
        roles: ROLES.slice(0, 1 + (i % 3)).map((_, r) => ROLES[(i + r * 2) % ROLES.length]),
      };
      return { type: PersonEnrolled.type, data };
    });
  const started = performance.now();
  const ticker = setInterval(() => options.onProgress(appended, null), 250);
  try {
    await Promise.all(
      Array.from({ length: options.writers }, async () => {
        while (claimed < total) {
          const size = Math.min(options.perAppend, total - claimed);
          claimed += size;
          await open.store.append(
            `seed:${randomUUID()}`,
            'no-stream',
            batch(size),
            benchMetadata(),
            {
              awaitGlobalPosition: false,
            },
          );
          appended += size;
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
  const appendSeconds = (performance.now() - started) / 1000;
  for (;;) {
    const sealed = await open.store.headPosition();
    options.onProgress(appended, sealed);
    if (sealed >= total) break;
    await sleep(250);
  }
  return {
    events: appended,
    organisations: registered,
    appendSeconds,
    sealedSeconds: (performance.now() - started) / 1000,
  };
}

export interface RebuildMeasurement {
  generation: number;
  events: number;
  seconds: number;
  /** Where the rebuild's time went (seconds): store.readAll, the projection's apply, the rest. */
  readSeconds: number;
  applySeconds: number;
}

/**
 * Times rebuildProjection of the directory projection (after ensureProjection gave it a first,
 * empty generation), with store.readAll and the projection's apply timed on the side.
 */
export async function timeRebuild(
  open: OpenStore,
  onProgress: (applied: number, head: number) => void,
): Promise<RebuildMeasurement> {
  await ensureProjection(open.pool, directoryProjection);
  let applySeconds = 0;
  let readSeconds = 0;
  const projection: Projection = {
    ...directoryProjection,
    async apply(db, schema, events) {
      const started = performance.now();
      await directoryProjection.apply(db, schema, events);
      applySeconds += (performance.now() - started) / 1000;
    },
  };
  const store = open.store;
  const readAll = store.readAll.bind(store);
  store.readAll = async (options) => {
    const started = performance.now();
    const events = await readAll(options);
    readSeconds += (performance.now() - started) / 1000;
    return events;
  };
  try {
    const result = await rebuildProjection(open.pool, store, projection, {
      onProgress: ({ applied, head }) => onProgress(applied, head),
    });
    return {
      generation: result.generation,
      events: result.events,
      seconds: result.seconds,
      readSeconds,
      applySeconds,
    };
  } finally {
    store.readAll = readAll;
  }
}

/**
 * The raw read limit: the events table read through plain `pg` by keyset, pages of `page`
 * (no join with the global log, no mapping to recorded events).
 */
export async function timeRawRead(
  url: string,
  page: number,
  onProgress: (read: number) => void,
): Promise<{ events: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url, types: stockTypes });
  await client.connect();
  try {
    const started = performance.now();
    let after = '0';
    let events = 0;
    for (;;) {
      const { rows } = await client.query<{ seq: string }>({
        name: 'raw-keyset-read',
        text: `SELECT * FROM event_store.events WHERE seq > $1 ORDER BY seq LIMIT ${page}`,
        values: [after],
      });
      if (rows.length === 0) break;
      after = rows[rows.length - 1].seq;
      events += rows.length;
      onProgress(events);
    }
    return { events, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

/** VACUUM ANALYZE of the log's tables, as autovacuum would have left a long-lived database. */
export async function vacuumLog(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    await client.query('VACUUM ANALYZE event_store.events, event_store.global_log');
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}
