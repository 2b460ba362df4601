import { Counter, Gauge, Histogram, register } from 'prom-client';

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const appendsTotal = singleton(
  'event_store_appends_total',
  () =>
    new Counter({
      name: 'event_store_appends_total',
      help: 'Append calls by outcome',
      labelNames: ['outcome'] as const,
    }),
);

export const appendedEventsTotal = singleton(
  'event_store_appended_events_total',
  () => new Counter({ name: 'event_store_appended_events_total', help: 'Events appended' }),
);

export const appendDuration = singleton(
  'event_store_append_duration_seconds',
  () =>
    new Histogram({
      name: 'event_store_append_duration_seconds',
      help: 'Time to commit one append (excluding the wait for a global position)',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
);

export const sealedPosition = singleton(
  'event_store_sealed_position',
  () => new Gauge({ name: 'event_store_sealed_position', help: 'Newest global position sealed' }),
);

export const horizonLagSeconds = singleton(
  'event_store_horizon_lag_seconds',
  () =>
    new Gauge({
      name: 'event_store_horizon_lag_seconds',
      help: 'Age of the oldest open write transaction in the cluster: events committed after it wait this long for a global position',
    }),
);

export const unsealedEvents = singleton(
  'event_store_unsealed_events',
  () =>
    new Gauge({
      name: 'event_store_unsealed_events',
      help: 'Committed events not yet given a global position (capped at 10000)',
    }),
);

export const appendStatementSize = singleton(
  'event_store_appends_per_statement',
  () =>
    new Histogram({
      name: 'event_store_appends_per_statement',
      help: 'Appends stored together by one INSERT and one commit (group commit under concurrency)',
      buckets: [1, 2, 4, 8, 16, 32, 64],
    }),
);
