import type { RecordedEvent } from '@soc/event-store';
import { defineProjection } from '@soc/messaging';
import type { PoolClient } from 'pg';
import {
  applyReferralEvents,
  applyThreatEvents,
  REFERRAL_EVENTS,
  THREAT_EVENTS,
} from './referral-folds.js';
import { referralNotes, referrals, referralThreats } from './referral-tables.js';

/**
 * The safeguarding read models: each referral as it stands, its notes, and who holds each threat
 * (from the threats context's events). Personal values stay sealed in the tables.
 */
export const safeguardingProjection = defineProjection({
  name: 'safeguarding',
  handles: [...REFERRAL_EVENTS, ...THREAT_EVENTS].map((e) => e.type),
  tables: [referrals, referralNotes, referralThreats],

  async apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    await applyReferralEvents(db, schema, events);
    await applyThreatEvents(db, schema, events);
  },
});
