export { DeliveryRuntime, DeliveryModule } from './delivery.module.js';
export { createKafka, ensureTopics } from './kafka/kafka-connection.js';
export { consumerGroupOf, topicsOf, deadLetterPublisher, KafkaFeed } from './kafka/kafka-feed.js';
export { OutboxRelay } from './kafka/outbox-relay.js';
export { HEADER } from './messages.js';
export { deliveryMigrations } from './migrations/index.js';
export { EventStoreFeed } from './projections/event-store-feed.js';
export { createGeneration, ensureProjection } from './projections/generations.js';
export { type FeedItem, LOG_SOURCE, ProjectionApplier } from './projections/projection-applier.js';
export {
  hasReached,
  waitForPosition,
  PositionWaitTimeoutError,
  PositionNotReachedError,
} from './projections/projection-positions.js';
export { type Projection } from './projections/projection.js';
export { rebuildIfReshaped, rebuildProjection, type RebuildResult } from './projections/rebuild.js';
export { allTopics } from './topics.js';
export { ConsistencyQuery } from './projections/consistency.query.js';
export {
  createIndexSql,
  createTableSql,
  defineTable,
  type RowOf,
  type Table,
  Column,
  column,
  defineProjection,
  loadRows,
  insertRows,
  upsertRows,
  updateRows,
} from './read-models/index.js';
