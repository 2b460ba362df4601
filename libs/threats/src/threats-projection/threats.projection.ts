import { threatEvents } from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { defineProjection } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { applyReferralEvents, REFERRAL_EVENTS } from './action-referral-folds.js';
import { Batch } from './threat-batch.js';
import { fold, type Recorded } from './threat-folds.js';
import {
  actionProgress,
  actionReferrals,
  actions,
  assessments,
  planPeople,
  signposts,
  threatStates,
  threats,
} from './threat-tables.js';

export type {
  ActionProgressRow,
  ActionReferralRow,
  ActionRow,
  AssessmentRow,
  PlanPersonRow,
  SignpostRow,
  ThreatRow,
  ThreatStateRow,
} from './threat-tables.js';

const threatTypes = new Set<string>(threatEvents.map((e) => e.type));

/**
 * The SOC master list and the plans on a page. Each batch loads the rows of the threats (and
 * assessments, actions, people) it touches in a few statements, folds its events in memory in
 * order, and writes the result back set by set. Names of people stay sealed: they are opened,
 * or found erased, when a query discloses them. Safeguarding referrals raised from a protect
 * action are followed from their own context's events, without whom they are about.
 */
export const threatsProjection = defineProjection({
  name: 'threats',
  handles: [...threatEvents, ...REFERRAL_EVENTS].map((e) => e.type),
  tables: [
    threats,
    threatStates,
    assessments,
    actions,
    actionProgress,
    planPeople,
    signposts,
    actionReferrals,
  ],

  async apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    const own = events.filter((e) => threatTypes.has(e.type));
    const batch = await Batch.load(db, schema, own);
    for (const event of own) fold(batch, event as Recorded);
    batch.finish();
    await batch.write(db, schema);
    await applyReferralEvents(db, schema, events);
  },
});
