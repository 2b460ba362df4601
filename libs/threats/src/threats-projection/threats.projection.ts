import { threatEvents } from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { defineProjection } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { Batch } from './threat-batch.js';
import { fold, type Recorded } from './threat-folds.js';
import {
  actionProgress,
  actions,
  assessments,
  planPeople,
  signposts,
  threatStates,
  threats,
} from './threat-tables.js';

export type {
  ActionProgressRow,
  ActionRow,
  AssessmentRow,
  PlanPersonRow,
  SignpostRow,
  ThreatRow,
  ThreatStateRow,
} from './threat-tables.js';

/**
 * The SOC master list and the plans on a page. Each batch loads the rows of the threats (and
 * assessments, actions, people) it touches in a few statements, folds its events in memory in
 * order, and writes the result back set by set. Names of people stay sealed: they are opened,
 * or found erased, when a query discloses them.
 */
export const threatsProjection = defineProjection({
  name: 'threats',
  handles: threatEvents.map((e) => e.type),
  tables: [threats, threatStates, assessments, actions, actionProgress, planPeople, signposts],

  async apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    const batch = await Batch.load(db, schema, events);
    for (const event of events) fold(batch, event as Recorded);
    batch.finish();
    await batch.write(db, schema);
  },
});
