import { eventOf, ThreatClosed, ThreatPhaseChanged, ThreatTierChanged } from '@soc/contracts';
import type { EventStore, GlobalLogSealer } from '@soc/event-store';
import { rebuildProjection } from '@soc/messaging';
import type { AccessContext } from '@soc/security';
import { createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import type { ThreatEvent } from '../threat/threat.js';
import { threatsProjection } from '../threats-projection/threats.projection.js';
import {
  assessed,
  at,
  moderated,
  registered,
  returned,
  type Step,
  Timeline,
  viewReaderAt,
} from '../../test/threat-views.fixtures.js';
import { CountThreatsHandler, CountThreatsQuery } from './threat-counts.query.js';

const CLEVELAND = 'cleveland-police';
const DURHAM = 'durham-constabulary';
const NERSOU = 'nersou';
const NORTHUMBRIA = 'northumbria-police';

const tierChanged =
  (tier: number) =>
  (threatId: string): ThreatEvent =>
    eventOf(ThreatTierChanged, { threatId, tier, reason: 'Re-tiered at the tasking meeting' });
const closed = (threatId: string): ThreatEvent =>
  eventOf(ThreatClosed, { threatId, reason: 'Principals convicted' });
const phaseChanged =
  (phase: string) =>
  (threatId: string): ThreatEvent =>
    eventOf(ThreatPhaseChanged, { threatId, phase });

/** A threat that counts: tactical, SOC, tier 2, assessed and moderated well before the date. */
const counted = (owner: string, n: number, extra: Step[] = []): Step[] => [
  [at(`2021-03-${String(1 + (n % 28)).padStart(2, '0')}`), registered(owner)],
  [at('2021-06-01'), assessed('a-1', 900 + n)],
  [at('2021-07-01'), moderated('a-1')],
  ...extra,
];

function times<T>(count: number, make: (n: number) => T): T[] {
  return Array.from({ length: count }, (_, n) => make(n));
}

/**
 * The seed's figures on 10 January 2022 (Cleveland 29, Durham 32, NERSOU 39, Northumbria 42),
 * with threats that count in unusual ways and decoys of every kind the rule excludes.
 */
function northEast(): Step[][] {
  const cleveland = [
    // All five SOC vulnerabilities the region recorded were Cleveland's.
    ...times(5, (n) => [
      [at('2021-02-01'), registered(CLEVELAND, { kind: 'soc-vulnerability', place: `Ward ${n}` })],
      [at('2021-06-01'), assessed('a-1', 700)],
      [at('2021-07-01'), moderated('a-1')],
    ]),
    ...times(22, (n) => counted(CLEVELAND, n)),
    // Re-assessed after the date: on the 10th the moderated assessment still stands.
    counted(CLEVELAND, 90, [[at('2022-01-20'), assessed('a-2', 1000, '2022-01-15')]]),
    // Returned, then re-assessed and moderated before the date.
    [
      [at('2021-03-01'), registered(CLEVELAND)],
      [at('2021-06-01'), assessed('a-1', 800)],
      [at('2021-06-15'), returned('a-1')],
      [at('2021-07-01'), assessed('a-2', 850)],
      [at('2021-08-01'), moderated('a-2')],
    ],
  ] as Step[][];
  const durham = [
    ...times(30, (n) => counted(DURHAM, n)),
    // Closed after the date: still open on the 10th, so it counts.
    counted(DURHAM, 91, [[at('2022-01-11'), closed]]),
    // Phase changed (not closed) before the date.
    counted(DURHAM, 92, [[at('2021-09-01'), phaseChanged('open')]]),
  ] as Step[][];
  const nersou = [
    ...times(38, (n) => counted(NERSOU, n)),
    // Moved to tier 5 only after the date.
    counted(NERSOU, 93, [[at('2022-01-15'), tierChanged(5)]]),
  ] as Step[][];
  const northumbria = [
    ...times(38, (n) => counted(NORTHUMBRIA, n)),
    // Registered at tier 5, re-tiered before the date.
    [
      [at('2021-03-01'), registered(NORTHUMBRIA, { tier: 5 })],
      [at('2021-06-01'), assessed('a-1', 500)],
      [at('2021-07-01'), moderated('a-1')],
      [at('2021-12-01'), tierChanged(3)],
    ],
    // Moderated in the last second of the date.
    ...times(3, () => [
      [at('2021-03-01'), registered(NORTHUMBRIA)],
      [at('2021-12-20'), assessed('a-1', 950)],
      [at('2022-01-10', '23:59:59'), moderated('a-1')],
    ]),
  ] as Step[][];

  const decoys: Step[][] = [
    // Strategic.
    counted(CLEVELAND, 0).map(([when, event], i) =>
      i === 0 ? [when, registered(CLEVELAND, { type: 'strategic' })] : [when, event],
    ),
    // Assessed, never moderated.
    [
      [at('2021-03-01'), registered(DURHAM)],
      [at('2021-06-01'), assessed('a-1', 900)],
    ],
    // Never assessed.
    [[at('2021-03-01'), registered(NERSOU)]],
    // Returned.
    [
      [at('2021-03-01'), registered(NORTHUMBRIA)],
      [at('2021-06-01'), assessed('a-1', 900)],
      [at('2021-07-01'), returned('a-1')],
    ],
    // Moderated, then re-assessed before the date: unmoderated again.
    counted(CLEVELAND, 1, [[at('2021-12-15'), assessed('a-2', 1100, '2021-12-01')]]),
    // Not SOC.
    counted(NERSOU, 0).map(([when, event], i) =>
      i === 0 ? [when, registered(NERSOU, { soc: false })] : [when, event],
    ),
    // Tier 5.
    counted(NORTHUMBRIA, 0).map(([when, event], i) =>
      i === 0 ? [when, registered(NORTHUMBRIA, { tier: 5 })] : [when, event],
    ),
    // Re-tiered to 5 before the date.
    counted(DURHAM, 2, [[at('2021-11-01'), tierChanged(5)]]),
    // Tier 5 on the date, re-tiered to 2 the day after.
    counted(CLEVELAND, 2, [
      [at('2021-08-01'), tierChanged(5)],
      [at('2022-01-11', '10:00:00'), tierChanged(2)],
    ]),
    // Closed before the date.
    counted(NERSOU, 1, [[at('2022-01-05'), closed]]),
    // Closed during the date itself (it counted on the 9th).
    counted(DURHAM, 3, [[at('2022-01-10', '12:00:00'), closed]]),
    // Registered (and moderated) after the date.
    [
      [at('2022-01-12'), registered(NORTHUMBRIA)],
      [at('2022-01-12', '10:00:00'), assessed('a-1', 900, '2022-01-01')],
      [at('2022-01-12', '11:00:00'), moderated('a-1')],
    ],
    // Moderated only after the date: at the first instant of the next day.
    [
      [at('2021-03-01'), registered(NERSOU)],
      [at('2021-12-01'), assessed('a-1', 900)],
      [at('2022-01-11', '00:00:00'), moderated('a-1')],
    ],
  ];
  return [...cleveland, ...durham, ...nersou, ...northumbria, ...decoys];
}

/** A partner with no relation to any of these threats: the counts are for everyone. */
const access: AccessContext = {
  principal: {
    personId: 'hartlepool-officer',
    organisationId: 'hartlepool-bc',
    roles: ['partner-officer'],
  },
  purpose: null,
  requestId: null,
};

describe('the regional counting rule (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let handler: CountThreatsHandler;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    await new Timeline(store).histories(northEast());
    await rebuildProjection(db.pool, store, threatsProjection, { batchSize: 250 });
    handler = new CountThreatsHandler(viewReaderAt(db.pool, '2022-01-10T12:00:00Z'));
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  const counts = (asOf?: string) => handler.execute(new CountThreatsQuery(access, asOf, {}));

  it('counts 142 threats on 10 January 2022: Cleveland 29, Durham 32, NERSOU 39, Northumbria 42', async () => {
    await expect(counts('2022-01-10')).resolves.toEqual({
      asOf: '2022-01-10',
      total: 142,
      byOrganisation: [
        { organisationId: CLEVELAND, count: 29 },
        { organisationId: DURHAM, count: 32 },
        { organisationId: NERSOU, count: 39 },
        { organisationId: NORTHUMBRIA, count: 42 },
      ],
    });
  });

  it('counts as of today (the injected clock) when no date is given', async () => {
    await expect(counts()).resolves.toMatchObject({ asOf: '2022-01-10', total: 142 });
  });

  it('gives other counts on other dates', async () => {
    const on = async (asOf: string) =>
      Object.fromEntries(
        (await counts(asOf)).byOrganisation.map((o) => [o.organisationId, o.count]),
      );
    // The 9th: three Northumbria moderations not yet made; a Durham threat not yet closed.
    expect(await on('2022-01-09')).toEqual({
      [CLEVELAND]: 29,
      [DURHAM]: 33,
      [NERSOU]: 39,
      [NORTHUMBRIA]: 39,
    });
    // The 11th: a Durham closure; a NERSOU moderation at midnight; a Cleveland re-tiering to 2.
    expect(await on('2022-01-11')).toEqual({
      [CLEVELAND]: 30,
      [DURHAM]: 31,
      [NERSOU]: 40,
      [NORTHUMBRIA]: 42,
    });
    // The 12th: a Northumbria threat registered and moderated that day.
    expect(await on('2022-01-12')).toEqual({
      [CLEVELAND]: 30,
      [DURHAM]: 31,
      [NERSOU]: 40,
      [NORTHUMBRIA]: 43,
    });
    // The 20th: a NERSOU threat gone to tier 5, a Cleveland one re-assessed (unmoderated).
    expect(await on('2022-01-20')).toEqual({
      [CLEVELAND]: 29,
      [DURHAM]: 31,
      [NERSOU]: 39,
      [NORTHUMBRIA]: 43,
    });
    await expect(counts('2021-01-01')).resolves.toEqual({
      asOf: '2021-01-01',
      total: 0,
      byOrganisation: [],
    });
  });

  it('counts the same after a rebuild that applies each event on its own', async () => {
    const before = await counts('2022-01-10');
    await rebuildProjection(db.pool, store, threatsProjection, { batchSize: 1 });
    await expect(counts('2022-01-10')).resolves.toEqual(before);
  });
});
