import type { RecordedEvent } from '@soc/event-store';
import { loadRows, updateRows, upsertRows, insertRows } from '@soc/messaging';
import type { PoolClient } from 'pg';
import {
  type ActionAccess,
  type ActionProgressRow,
  type ActionRow,
  actionProgress,
  actionReferrals,
  actions,
  type AssessmentRow,
  assessments,
  type PlanPersonRow,
  planPeople,
  type SignpostRow,
  signposts,
  type ThreatAccess,
  type ThreatRow,
  type ThreatStateRow,
  threats,
  threatStates,
} from './threat-tables.js';

/** What one batch touches, loaded once, folded in memory, written back with a few statements. */
export class Batch {
  readonly threats = new Map<string, ThreatRow>();
  readonly assessments = new Map<string, AssessmentRow>();
  readonly actions = new Map<string, ActionRow>();
  readonly people = new Map<string, PlanPersonRow>();
  readonly states: ThreatStateRow[] = [];
  readonly progress: ActionProgressRow[] = [];
  readonly signposts: SignpostRow[] = [];
  readonly changed = {
    threats: new Set<string>(),
    assessments: new Set<string>(),
    actions: new Set<string>(),
    people: new Set<string>(),
  };
  /** Threats loaded from the table whose LRO or sharing changed: their older rows follow. */
  readonly accessChanged = new Set<string>();
  private readonly loadedAccess = new Map<string, string>();

  static async load(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    const batch = new Batch();
    const threatIds = new Set<string>();
    const assessmentKeys = new Map<string, { threat_id: string; assessment_id: string }>();
    const actionKeys = new Map<string, { threat_id: string; action_id: string }>();
    const personKeys = new Map<string, { threat_id: string; involvement_id: string }>();
    for (const event of events) {
      const data = event.data as {
        threatId: string;
        assessmentId?: string;
        actionId?: string;
        involvementId?: string;
      };
      const threat_id = data.threatId;
      threatIds.add(threat_id);
      const { assessmentId, actionId, involvementId } = data;
      if (assessmentId !== undefined) {
        assessmentKeys.set(childKey(threat_id, assessmentId), {
          threat_id,
          assessment_id: assessmentId,
        });
      }
      if (actionId !== undefined) {
        actionKeys.set(childKey(threat_id, actionId), { threat_id, action_id: actionId });
      }
      if (involvementId !== undefined) {
        personKeys.set(childKey(threat_id, involvementId), {
          threat_id,
          involvement_id: involvementId,
        });
      }
    }
    // One statement per table, one after the other: a client runs one query at a time.
    const threatRows = await loadRows(
      db,
      schema,
      threats,
      [...threatIds].map((threat_id) => ({ threat_id })),
    );
    const assessmentRows = await loadRows(db, schema, assessments, [...assessmentKeys.values()]);
    const actionRows = await loadRows(db, schema, actions, [...actionKeys.values()]);
    const personRows = await loadRows(db, schema, planPeople, [...personKeys.values()]);
    for (const row of threatRows) {
      batch.threats.set(row.threat_id, row);
      batch.loadedAccess.set(row.threat_id, accessSignature(row));
    }
    for (const row of assessmentRows) {
      batch.assessments.set(childKey(row.threat_id, row.assessment_id), row);
    }
    for (const row of actionRows) batch.actions.set(childKey(row.threat_id, row.action_id), row);
    for (const row of personRows)
      batch.people.set(childKey(row.threat_id, row.involvement_id), row);
    return batch;
  }

  /** Rows written by this batch carry the access columns of the threat as the batch leaves it. */
  finish(): void {
    for (const [threatId, before] of this.loadedAccess) {
      const threat = this.threats.get(threatId)!;
      if (accessSignature(threat) !== before) this.accessChanged.add(threatId);
    }
    for (const key of this.changed.assessments) {
      const row = this.assessments.get(key)!;
      Object.assign(row, threatAccess(this.threats.get(row.threat_id)!));
    }
    for (const key of this.changed.people) {
      const row = this.people.get(key)!;
      Object.assign(row, threatAccess(this.threats.get(row.threat_id)!));
    }
    for (const key of this.changed.actions) {
      const row = this.actions.get(key)!;
      Object.assign(row, actionAccess(this.threats.get(row.threat_id)!, row.owner_organisation_id));
    }
    for (const row of this.progress) {
      Object.assign(row, actionAccess(this.threats.get(row.threat_id)!, row.owner_organisation_id));
    }
  }

  async write(db: PoolClient, schema: string): Promise<void> {
    const pick = <Row>(rows: Map<string, Row>, keys: Set<string>) =>
      [...keys].map((key) => rows.get(key)!);
    await upsertRows(db, schema, threats, pick(this.threats, this.changed.threats));
    await insertRows(db, schema, threatStates, this.states);
    await upsertRows(db, schema, assessments, pick(this.assessments, this.changed.assessments));
    await upsertRows(db, schema, actions, pick(this.actions, this.changed.actions));
    await insertRows(db, schema, actionProgress, this.progress);
    await upsertRows(db, schema, planPeople, pick(this.people, this.changed.people));
    await insertRows(db, schema, signposts, this.signposts);
    await this.propagateAccess(db, schema);
  }

  /** A new LRO or a change of sharing reaches the threat's rows written by earlier batches. */
  private async propagateAccess(db: PoolClient, schema: string): Promise<void> {
    if (this.accessChanged.size === 0) return;
    const changed = [...this.accessChanged].map((id) => this.threats.get(id)!);
    for (const table of [assessments, planPeople]) {
      await updateRows(db, schema, table, changed, {
        match: ['threat_id'],
        set: ['lro_organisation_id', 'shared_with'],
      });
    }
    for (const table of [actions, actionProgress, actionReferrals]) {
      await updateRows(db, schema, table, changed, {
        match: ['threat_id'],
        set: ['lro_organisation_id'],
      });
    }
  }
}

export const childKey = (threatId: string, id: string) => `${threatId}\u0000${id}`;

const accessSignature = (threat: ThreatRow) =>
  JSON.stringify([threat.lro_organisation_id, threat.shared_with]);

export const threatAccess = (threat: ThreatRow): ThreatAccess => ({
  owner_organisation_id: threat.owner_organisation_id,
  lro_organisation_id: threat.lro_organisation_id,
  shared_with: [...threat.shared_with],
  marking: threat.marking,
});

export const actionAccess = (threat: ThreatRow, ownerOrganisationId: string): ActionAccess => ({
  threat_owner_organisation_id: threat.owner_organisation_id,
  lro_organisation_id: threat.lro_organisation_id,
  owner_organisation_id: ownerOrganisationId,
});
