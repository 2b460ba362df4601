import type { Marking } from '@soc/contracts';
import { enforce, type Permission, type Principal, RecordNotFoundError } from '@soc/security';
import type { PoolClient } from 'pg';
import { threatDescriptor } from '../threat/threat-record.js';
import { jsonRows } from './json-rows.js';
import type { ThreatRow } from './threat-tables.js';

/**
 * The threat if the caller may read it under `permission`; otherwise what they may be told: that
 * it exists and who holds it (signposting), or nothing (404).
 */
export async function readableThreat(
  db: PoolClient,
  principal: Principal,
  permission: Permission,
  threatId: string,
): Promise<ThreatRow> {
  const [threat] = await jsonRows<ThreatRow>(
    db,
    `SELECT row_to_json(t) AS row FROM threats.threats t WHERE threat_id = $1`,
    [threatId],
  );
  if (threat) {
    const descriptor = threatDescriptor(threat.threat_id, {
      ownerOrganisationId: threat.owner_organisation_id,
      lroOrganisationId: threat.lro_organisation_id,
      sharedWith: threat.shared_with,
      marking: threat.marking as Marking,
      signposting: threat.signposting,
    });
    // Row-level security let it through, so its existence is no secret from the caller.
    enforce(principal, permission, descriptor, { existenceIsPublic: true });
    return threat;
  }
  const { rows } = await db.query<{ owner_organisation_id: string }>(
    `SELECT owner_organisation_id FROM threats.signposts WHERE threat_id = $1`,
    [threatId],
  );
  if (rows[0]) {
    enforce(principal, permission, {
      type: 'threat',
      id: threatId,
      ownerOrganisationId: rows[0].owner_organisation_id,
      signposting: true,
    });
  }
  throw new RecordNotFoundError('threat', threatId);
}
