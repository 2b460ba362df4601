import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { PersonLookup } from '../authentication/index.js';
import type { Principal } from '../principal.js';

/** Who a feed token reads as: a person of an organisation, for that one feed only. */
export interface FeedReader {
  readonly personId: string;
  readonly organisationId: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const REVOKE = `UPDATE security.feed_tokens SET revoked_at = now()
  WHERE feed = $1 AND person_id = $2 AND organisation_id = $3 AND revoked_at IS NULL`;
const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * Tokens for feeds a client subscribes to without a bearer header (a calendar's URL): 32 random
 * bytes, base64url, shown once; only their hash is stored. Issuing one revokes the person's
 * previous token for the feed.
 */
export class FeedTokens {
  /**
   * `people`, when the deployment requires the people tokens name to be enrolled (as the
   * security guard does for bearer tokens): a token of a person no longer enrolled in its
   * organisation, or erased, then reads nothing, though it was never revoked.
   */
  constructor(
    private readonly pool: Pool,
    private readonly people: () => PersonLookup | undefined = () => undefined,
  ) {}

  async issue(principal: Principal, feed: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    // One statement, one transaction. The INSERT reads the revocation's count, so the previous
    // token leaves the unique index first (an unread data-modifying WITH would run last).
    await this.pool.query(
      `WITH revoked AS (${REVOKE} RETURNING 1)
       INSERT INTO security.feed_tokens (token_hash, feed, person_id, organisation_id)
       SELECT $4, $1, $2, $3 FROM (SELECT count(*) FROM revoked) done`,
      [feed, principal.personId, principal.organisationId, hashOf(token)],
    );
    return token;
  }

  /** Revokes the person's live token for the feed; whether there was one. */
  async revoke(principal: Principal, feed: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(REVOKE, [
      feed,
      principal.personId,
      principal.organisationId,
    ]);
    return (rowCount ?? 0) > 0;
  }

  /** Who a live token of the feed reads as, or null (unknown, revoked, another feed's). */
  async resolve(token: string, feed: string): Promise<FeedReader | null> {
    if (!TOKEN.test(token)) return null;
    const { rows } = await this.pool.query<{ person_id: string; organisation_id: string }>(
      `SELECT person_id, organisation_id FROM security.feed_tokens
        WHERE token_hash = $1 AND feed = $2 AND revoked_at IS NULL`,
      [hashOf(token), feed],
    );
    const [row] = rows;
    if (!row) return null;
    const people = this.people();
    if (people && !(await people.isEnrolled(row.person_id, row.organisation_id))) return null;
    return { personId: row.person_id, organisationId: row.organisation_id };
  }
}
