import type { Pool, PoolClient } from 'pg';
import type { AccessContext } from '../http/security.decorators.js';

export type ProcessingOperation =
  'collection' | 'alteration' | 'consultation' | 'disclosure' | 'combination' | 'erasure';

/** One processing of personal data, as section 62 of the Data Protection Act 2018 asks to log it. */
export interface AccessLogEntry {
  readonly operation: ProcessingOperation;
  readonly recordType: string;
  readonly recordId: string;
  readonly subjectIds: readonly string[];
  /** The organisation the data was disclosed to, when not the one that holds it. */
  readonly disclosedTo?: string | null;
}

export interface AccessLogRecord extends AccessLogEntry {
  readonly id: number;
  readonly at: string;
  readonly personId: string;
  readonly organisationId: string;
  readonly roles: readonly string[];
  readonly purpose: string;
  readonly requestId: string | null;
}

export interface AccessLogQuery {
  readonly subjectId?: string;
  readonly personId?: string;
  readonly organisationId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly afterId?: number;
  readonly limit: number;
}

interface AccessLogRow {
  id: string;
  at: Date;
  person_id: string;
  organisation_id: string;
  roles: string[];
  operation: ProcessingOperation;
  record_type: string;
  record_id: string;
  subject_ids: string[];
  disclosed_to: string | null;
  purpose: string;
  request_id: string | null;
}

const toRecord = (row: AccessLogRow): AccessLogRecord => ({
  id: Number(row.id),
  at: row.at.toISOString(),
  personId: row.person_id,
  organisationId: row.organisation_id,
  roles: row.roles,
  operation: row.operation,
  recordType: row.record_type,
  recordId: row.record_id,
  subjectIds: row.subject_ids,
  disclosedTo: row.disclosed_to,
  purpose: row.purpose,
  requestId: row.request_id,
});

/** The append-only log of who processed whose personal data, when, why and for whom. */
export class PersonalDataAccessLog {
  constructor(private readonly pool: Pool) {}

  /**
   * Records entries, inside the caller's transaction when given a client (if logging fails, the
   * read fails with it), or on their own through the pool.
   */
  async record(
    db: Pool | PoolClient,
    access: AccessContext,
    entries: readonly AccessLogEntry[],
    purpose = access.purpose,
  ): Promise<void> {
    const logged = entries.filter((entry) => entry.subjectIds.length > 0);
    if (logged.length === 0) return;
    if (!purpose) throw new Error('A purpose is needed to log processing of personal data');
    const { principal } = access;
    await db.query(
      `INSERT INTO security.personal_data_access_log
         (person_id, organisation_id, roles, operation, record_type, record_id, subject_ids,
          disclosed_to, purpose, request_id)
       SELECT $1, $2, $3::text[], e.operation, e.record_type, e.record_id,
              ARRAY(SELECT jsonb_array_elements_text(e.subject_ids)), e.disclosed_to, $4, $5
         FROM unnest($6::text[], $7::text[], $8::text[], $9::jsonb[], $10::text[])
           AS e(operation, record_type, record_id, subject_ids, disclosed_to)`,
      [
        principal.personId,
        principal.organisationId,
        principal.roles,
        purpose,
        access.requestId,
        logged.map((e) => e.operation),
        logged.map((e) => e.recordType),
        logged.map((e) => e.recordId),
        logged.map((e) => JSON.stringify(e.subjectIds)),
        logged.map((e) => e.disclosedTo ?? null),
      ],
    );
  }

  async find(query: AccessLogQuery): Promise<AccessLogRecord[]> {
    const { rows } = await this.pool.query<AccessLogRow>(
      `SELECT * FROM security.personal_data_access_log
        WHERE ($1::text IS NULL OR subject_ids @> ARRAY[$1::text])
          AND ($2::text IS NULL OR person_id = $2)
          AND ($3::text IS NULL OR organisation_id = $3)
          AND ($4::timestamptz IS NULL OR at >= $4)
          AND ($5::timestamptz IS NULL OR at < $5)
          AND id > $6
        ORDER BY id LIMIT $7`,
      [
        query.subjectId ?? null,
        query.personId ?? null,
        query.organisationId ?? null,
        query.from ?? null,
        query.to ?? null,
        query.afterId ?? 0,
        query.limit,
      ],
    );
    return rows.map(toRecord);
  }
}

/** Consultation by the holding organisation, disclosure to any other. */
export function processingOf(
  access: AccessContext,
  holderOrganisationId: string,
): Pick<AccessLogEntry, 'operation' | 'disclosedTo'> {
  return access.principal.organisationId === holderOrganisationId
    ? { operation: 'consultation', disclosedTo: null }
    : { operation: 'disclosure', disclosedTo: access.principal.organisationId };
}
