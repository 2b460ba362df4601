import { Counter, Gauge, register } from 'prom-client';

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const relayPublishedTotal = singleton(
  'delivery_relay_published_total',
  () =>
    new Counter({
      name: 'delivery_relay_published_total',
      help: 'Events published to Kafka by the relay',
    }),
);

export const relayFailuresTotal = singleton(
  'delivery_relay_failures_total',
  () =>
    new Counter({
      name: 'delivery_relay_failures_total',
      help: 'Failed publish attempts (the relay backs off and retries)',
    }),
);

export const relayLagEvents = singleton(
  'delivery_relay_lag_events',
  () =>
    new Gauge({
      name: 'delivery_relay_lag_events',
      help: 'Sealed events not yet published to Kafka',
    }),
);

export const projectionAppliedTotal = singleton(
  'delivery_projection_applied_events_total',
  () =>
    new Counter({
      name: 'delivery_projection_applied_events_total',
      help: 'Events applied to projections',
      labelNames: ['projection'] as const,
    }),
);

export const projectionLagEvents = singleton(
  'delivery_projection_lag_events',
  () =>
    new Gauge({
      name: 'delivery_projection_lag_events',
      help: 'Sealed events a projection has not reached yet',
      labelNames: ['projection'] as const,
    }),
);

export const deadLettersTotal = singleton(
  'delivery_dead_letters_total',
  () =>
    new Counter({
      name: 'delivery_dead_letters_total',
      help: 'Messages a projection gave up on',
      labelNames: ['projection'] as const,
    }),
);
