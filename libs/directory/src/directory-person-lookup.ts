import type { Provider } from '@nestjs/common';
import { EVENT_STORE_POOL } from '@soc/event-store';
import { cachedPersonLookup, PERSON_LOOKUP, type PersonLookup } from '@soc/security';
import type { Pool } from 'pg';

/**
 * The directory's answer to "is this person enrolled in this organisation, and not erased?":
 * one primary-key read of the `directory.people` view. It runs as the application, not as a
 * caller (there is no caller yet: this decides whether there is one).
 */
export class DirectoryPersonLookup implements PersonLookup {
  constructor(private readonly pool: Pool) {}

  async isEnrolled(personId: string, organisationId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM directory.people
        WHERE person_id = $1 AND organisation_id = $2 AND erased_at IS NULL`,
      [personId, organisationId],
    );
    return rowCount === 1;
  }
}

/**
 * PERSON_LOOKUP for the security guard. Answers are kept briefly (a "yes" 30 s, a "no" 5 s):
 * a caller's stream of requests costs one query per half minute instead of one each, while an
 * erasure shuts the person out within 30 s (tokens themselves live far longer) and a new
 * enrolment, which the view shows within moments, is let in within 5 s.
 */
export const personLookupProvider: Provider = {
  provide: PERSON_LOOKUP,
  useFactory: (pool: Pool) => cachedPersonLookup(new DirectoryPersonLookup(pool)),
  inject: [EVENT_STORE_POOL],
};
