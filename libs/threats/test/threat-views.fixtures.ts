import { randomUUID } from 'node:crypto';
import {
  type Actor,
  eventOf,
  type PersonRef,
  ThreatAssessmentModerated,
  ThreatAssessmentRecorded,
  ThreatAssessmentReturned,
  ThreatRegistered,
  type ThreatRegisteredV1,
} from '@soc/contracts';
import type { EventStore } from '@soc/event-store';
import type { ConsistencyQuery, DeliveryRuntime } from '@soc/messaging';
import { PersonalDataAccessLog, ScopedReader } from '@soc/security';
import type { Pool } from 'pg';
import { type ThreatEvent, threatStream } from '../src/threat/threat.js';
import { ThreatViewReader } from '../src/threats-projection/threat-view-reader.js';
import { DEFAULT_THREAT_VIEW_SETTINGS } from '../src/threats-projection/threat-view-settings.js';

/** Test data for the threat views: events as the command side would append them. */

export const lroOf = (organisationId: string): PersonRef => ({
  personId: `${organisationId}-lro`,
  organisationId,
});

export const at = (date: string, time = '09:00:00') => `${date}T${time}.000Z`;

export function registration(
  threatId: string,
  ownerOrganisationId: string,
  overrides: Partial<ThreatRegisteredV1> = {},
): ThreatRegisteredV1 {
  return {
    threatId,
    ownerOrganisationId,
    kind: 'ocg',
    codeName: `OP ${threatId.slice(0, 8).toUpperCase()}`,
    summary: 'Supply of class A drugs',
    priorityArea: 'drug-trafficking',
    type: 'tactical',
    tier: 2,
    phase: 'active',
    soc: true,
    lro: lroOf(ownerOrganisationId),
    sro: null,
    place: null,
    clearHoldBuildPhase: null,
    marking: 'OFFICIAL',
    signposting: false,
    openedOn: '2021-01-01',
    ...overrides,
  };
}

/** One step of a threat's history: when it happened, and the event. */
export type Step = readonly [occurredAt: string, event: (threatId: string) => ThreatEvent];

export const registered =
  (owner: string, overrides: Partial<ThreatRegisteredV1> = {}) =>
  (threatId: string): ThreatEvent =>
    eventOf(ThreatRegistered, registration(threatId, owner, overrides));

export const assessed =
  (assessmentId: string, totalScore: number, intelligenceDate = '2021-05-01') =>
  (threatId: string): ThreatEvent =>
    eventOf(ThreatAssessmentRecorded, {
      threatId,
      assessmentId,
      modelVersion: 'MoRiLE 2.1',
      scores: { harm: 80, likelihood: 70, confidence: 60, capacity: 50, capability: 40 },
      outputs: { totalScore, priority: 'high' as const, opportunity: 'medium' as const },
      assessedOn: intelligenceDate,
      intelligenceDate,
      rationale: 'Test purchases confirm supply continues',
    });

export const moderated =
  (assessmentId: string) =>
  (threatId: string): ThreatEvent =>
    eventOf(ThreatAssessmentModerated, { threatId, assessmentId, note: 'Consistent' });

export const returned =
  (assessmentId: string) =>
  (threatId: string): ThreatEvent =>
    eventOf(ThreatAssessmentReturned, { threatId, assessmentId, reason: 'Harm not evidenced' });

/** Appends events to threat streams with the moment they happened as `occurredAt`. */
export class Timeline {
  constructor(private readonly store: EventStore) {}

  async record(
    threatId: string,
    occurredAt: string,
    events: readonly ThreatEvent[],
    actor: Actor = { personId: 'analyst-1', organisationId: 'cleveland-police' },
    wait = true,
  ): Promise<number | null> {
    const result = await this.store.append(
      threatStream(threatId),
      'any',
      events,
      { actor, correlationId: randomUUID(), occurredAt: new Date(occurredAt) },
      { awaitGlobalPosition: wait },
    );
    return result.globalPosition;
  }

  /** Writes whole histories, several threats at a time; returns the new threats' ids. */
  async histories(histories: readonly (readonly Step[])[], concurrency = 8): Promise<string[]> {
    const ids = histories.map(() => randomUUID());
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < histories.length; i = next++) {
        for (const [occurredAt, event] of histories[i]) {
          await this.record(ids[i], occurredAt, [event(ids[i])], undefined, false);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await this.settle();
    return ids;
  }

  /** Waits until the sealer has given every appended event its global position. */
  async settle(): Promise<void> {
    while ((await this.store.sealer.measureLag()).unsealed > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Every row of the projection's tables as queries see them (as the owner: no row-level filter). */
export async function snapshot(pool: Pool): Promise<Record<string, unknown[]>> {
  const keys: Record<string, string> = {
    threats: 'threat_id',
    threat_states: 'threat_id, global_position',
    assessments: 'threat_id, assessment_id',
    actions: 'threat_id, action_id',
    action_progress: 'threat_id, action_id, global_position',
    plan_people: 'threat_id, involvement_id',
    signposts: 'threat_id',
  };
  const result: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(keys)) {
    const { rows } = await pool.query<{ row: unknown }>(
      `SELECT to_jsonb(t) AS row FROM threats.${table} t ORDER BY ${order}`,
    );
    result[table] = rows.map((r) => r.row);
  }
  return result;
}

/**
 * The reader every query handler reads through, with today fixed at `now`. Queries that ask to
 * wait for a position are not tested this way: delivery is left out.
 */
export const viewReaderAt = (pool: Pool, now: string): ThreatViewReader =>
  new ThreatViewReader(
    new ScopedReader(pool, new PersonalDataAccessLog(pool)),
    {
      async waitForConsistency(
        _projection: string,
        { minPosition, consistencyToken }: ConsistencyQuery,
      ) {
        if (minPosition !== undefined || consistencyToken !== undefined) {
          throw new Error('these tests leave delivery out');
        }
      },
    } as DeliveryRuntime,
    { now: () => new Date(now) },
    DEFAULT_THREAT_VIEW_SETTINGS,
  );
