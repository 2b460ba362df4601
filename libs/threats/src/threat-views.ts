import type { Provider, Type } from '@nestjs/common';
import { MasterListController } from './master-list/master-list.controller.js';
import { GetThreatHandler, ListThreatsHandler } from './master-list/master-list.query.js';
import { MyPlansController } from './my-plans/my-plans.controller.js';
import { GetMyPlansHandler } from './my-plans/my-plans.query.js';
import { PlanOnAPageController } from './plan-on-a-page/plan-on-a-page.controller.js';
import { GetPlanOnAPageHandler } from './plan-on-a-page/plan-on-a-page.query.js';
import { ThreatCountsController } from './threat-counts/threat-counts.controller.js';
import { CountThreatsHandler } from './threat-counts/threat-counts.query.js';
import { ThreatViewReader } from './threats-projection/threat-view-reader.js';

export { threatsProjection } from './threats-projection/threats.projection.js';
export * from './threats-projection/threat-view-settings.js';

/**
 * The read side's routes. The count comes before the master list: `threats/counts` would
 * otherwise be taken for `threats/:threatId`.
 */
export const threatViewControllers: Type[] = [
  ThreatCountsController,
  MasterListController,
  PlanOnAPageController,
  MyPlansController,
];

/** The query handlers and the reader they share; the module provides CLOCK and the settings. */
export const threatViewProviders: Provider[] = [
  ThreatViewReader,
  ListThreatsHandler,
  GetThreatHandler,
  CountThreatsHandler,
  GetPlanOnAPageHandler,
  GetMyPlansHandler,
];

// The queries and their handlers, for reads without an HTTP stack (tests, tools).
export {
  GetThreatHandler,
  GetThreatQuery,
  ListThreatsHandler,
  ListThreatsQuery,
} from './master-list/master-list.query.js';
export { CountThreatsHandler, CountThreatsQuery } from './threat-counts/threat-counts.query.js';
export {
  GetPlanOnAPageHandler,
  GetPlanOnAPageQuery,
} from './plan-on-a-page/plan-on-a-page.query.js';
export { GetMyPlansHandler, GetMyPlansQuery } from './my-plans/my-plans.query.js';
export { ThreatViewReader } from './threats-projection/threat-view-reader.js';
