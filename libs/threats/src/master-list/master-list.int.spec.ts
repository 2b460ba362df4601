import { randomUUID } from 'node:crypto';
import type { GlobalLogSealer } from '@soc/event-store';
import { PersonalDataAccessLog, ScopedReader, type AccessContext } from '@soc/security';
import { createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import {
  as,
  auditor,
  CLEVELAND,
  clevelandAnalyst,
  DURHAM,
  hartlepoolOfficer,
  lro,
  moderator,
  stranger,
  threatViewsScenario,
} from '../../test/threat-views.scenario.js';
import { threatsProjection } from '../threats-projection/threats.projection.js';
import type { ThreatListParams } from './master-list.dto.js';
import {
  GetThreatHandler,
  GetThreatQuery,
  ListThreatsHandler,
  ListThreatsQuery,
} from './master-list.query.js';

describe('the master list, as the caller (real PostgreSQL, row-level security)', () => {
  let db: TestDatabase;
  let sealer: GlobalLogSealer;
  let scenario: Awaited<ReturnType<typeof threatViewsScenario>>;
  let ids: typeof scenario.ids;

  beforeAll(async () => {
    db = await createTestDatabase();
    const eventStore = eventStoreFor(db.pool);
    sealer = eventStore.sealer;
    scenario = await threatViewsScenario(db.pool, eventStore.store);
    ids = scenario.ids;
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  const list = (access: AccessContext, params: ThreatListParams = {}) =>
    new ListThreatsHandler(scenario.views).execute(new ListThreatsQuery(access, params));
  const threat = (access: AccessContext, threatId: string) =>
    new GetThreatHandler(scenario.views).execute(new GetThreatQuery(access, threatId, {}));
  const codeNames = async (access: AccessContext, params: ThreatListParams = {}) =>
    (await list(access, params)).map((t) => t.codeName);

  describe('an organisation with no relation to any threat', () => {
    it('finds no rows in any table that names or describes a threat', async () => {
      const { pool } = db;
      const reader = new ScopedReader(pool, new PersonalDataAccessLog(pool));
      const counts = await reader.read(stranger, async (client) => {
        const result: Record<string, number> = {};
        for (const table of threatsProjection.tables) {
          const { rows } = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM threats.${table}`,
          );
          result[table] = rows[0].n;
        }
        return result;
      });
      expect(counts).toMatchObject({
        threats: 0,
        assessments: 0,
        actions: 0,
        action_progress: 0,
        plan_people: 0,
      });
      // No names in these: the counts and the signposts are for everyone.
      expect(counts.threat_states).toBeGreaterThan(0);
      expect(counts.signposts).toBe(2);
    });

    it('lists nothing', async () => {
      await expect(list(stranger)).resolves.toEqual([]);
    });

    it('is told a signposted threat exists and who holds it, and nothing of the others', async () => {
      const signposted = { status: 403, code: 'signposted', holderOrganisationId: CLEVELAND };
      await expect(threat(stranger, ids.kestrel)).rejects.toMatchObject(signposted);
      const notFound = { status: 404, code: 'not-found' };
      await expect(threat(stranger, ids.hidden)).rejects.toMatchObject(notFound);
      await expect(threat(stranger, randomUUID())).rejects.toMatchObject(notFound);
      expect(await scenario.accessLog(stranger.requestId)).toEqual([]);
    });
  });

  describe('the list', () => {
    it('shows the owner its threats and those its LRO leads, with score, moderation and staleness', async () => {
      const threats = await list(clevelandAnalyst);
      expect(threats.map((t) => t.codeName)).toEqual([
        'OPERATION <KESTREL>',
        'OPERATION CALM',
        'OPERATION CLOSED',
        'OPERATION HIDDEN',
        'OPERATION PARTNER',
      ]);
      expect(threats[0]).toMatchObject({
        threatId: ids.kestrel,
        ownerOrganisationId: CLEVELAND,
        currentScore: 1200,
        moderationStatus: 'unmoderated',
        intelligenceDate: '2021-12-01',
        stale: false,
        reviewDate: '2022-01-01',
        lro,
      });
      expect(threats.find((t) => t.threatId === ids.hidden)).toMatchObject({
        currentScore: 700,
        stale: true,
      });
      expect(threats.find((t) => t.threatId === ids.partnerLed)).toMatchObject({
        currentScore: null,
        moderationStatus: null,
        stale: false,
      });
    });

    it('filters by owner, priority area, type, tier, phase and staleness', async () => {
      const cleveland = clevelandAnalyst;
      expect(await codeNames(cleveland, { owner: 'nersou' })).toEqual(['OPERATION PARTNER']);
      expect(await codeNames(cleveland, { priorityArea: 'economic-crime' })).toEqual([
        'OPERATION CALM',
      ]);
      expect(await codeNames(cleveland, { type: 'strategic' })).toEqual(['OPERATION CALM']);
      expect(await codeNames(cleveland, { tier: 1 })).toEqual(['OPERATION PARTNER']);
      expect(await codeNames(cleveland, { phase: 'closed' })).toEqual(['OPERATION CLOSED']);
      expect(await codeNames(cleveland, { stale: true })).toEqual(['OPERATION HIDDEN']);
      expect(await codeNames(cleveland, { stale: false })).toHaveLength(4);
      expect(await codeNames(cleveland, { limit: 2, offset: 1 })).toEqual([
        'OPERATION CALM',
        'OPERATION CLOSED',
      ]);
    });

    it('shows a partner only what is shared with it, never OFFICIAL-SENSITIVE', async () => {
      expect(await codeNames(hartlepoolOfficer)).toEqual(['OPERATION <KESTREL>']);
      await expect(threat(hartlepoolOfficer, ids.sensitive)).rejects.toMatchObject({
        status: 403,
        code: 'signposted',
        holderOrganisationId: DURHAM,
      });
      expect(await codeNames(as(DURHAM, ['analyst']))).toEqual(['OPERATION SENSITIVE']);
    });

    it('shows moderators and auditors every threat', async () => {
      expect(await codeNames(moderator)).toHaveLength(6);
      expect(await codeNames(auditor)).toHaveLength(6);
    });
  });

  describe('a threat', () => {
    it('comes with its assessment history, newest first, and its moderation', async () => {
      const kestrel = await threat(moderator, ids.kestrel);
      expect(kestrel).toMatchObject({
        codeName: 'OPERATION <KESTREL>',
        sharedWith: ['hartlepool-bc', 'redcar-housing'],
        signposting: true,
        previousTotalScore: 1000,
        trend: 'up',
        currentAssessment: {
          assessmentId: 'a-2',
          moderationStatus: 'unmoderated',
          stale: false,
          outputs: { totalScore: 1200 },
        },
        lastActivityAt: '2021-12-20T09:00:00.000Z',
      });
      expect(kestrel.assessments).toMatchObject([
        { assessmentId: 'a-2', stale: false, moderation: { status: 'unmoderated', by: null } },
        {
          assessmentId: 'a-1',
          stale: true,
          moderation: {
            status: 'moderated',
            note: 'Consistent',
            by: { personId: 'analyst-1', organisationId: CLEVELAND },
            at: '2021-06-10T09:00:00.000Z',
          },
        },
      ]);
    });

    it('is shown to a moderator of another organisation', async () => {
      await expect(threat(moderator, ids.hidden)).resolves.toMatchObject({
        codeName: 'OPERATION HIDDEN',
      });
    });
  });
});
