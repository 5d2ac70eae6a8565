// The broker's Prometheus metrics, registered on the injected registry. Re-registering on the
// same registry (a broker restarted in one process) reuses the existing metric.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

function reuse<M>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export function createBrokerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    connected: reuse(
      registry,
      'custodia_mqtt_connected_clients',
      () => new Gauge({ name: 'custodia_mqtt_connected_clients', help: 'MQTT clients connected now', registers }),
    ),
    authFailures: reuse(
      registry,
      'custodia_mqtt_auth_failures_total',
      () =>
        new Counter({
          name: 'custodia_mqtt_auth_failures_total',
          help: 'Refused MQTT CONNECTs by reason',
          labelNames: ['reason'] as const,
          registers,
        }),
    ),
    denied: reuse(
      registry,
      'custodia_mqtt_denied_total',
      () =>
        new Counter({
          name: 'custodia_mqtt_denied_total',
          help: 'Publishes and subscriptions refused by the topic ACL',
          labelNames: ['action'] as const,
          registers,
        }),
    ),
    rejected: reuse(
      registry,
      'custodia_mqtt_rejected_total',
      () =>
        new Counter({
          name: 'custodia_mqtt_rejected_total',
          help: 'Messages acknowledged but dropped as invalid, by reason',
          labelNames: ['tenant', 'reason'] as const,
          registers,
        }),
    ),
    restamped: reuse(
      registry,
      'custodia_mqtt_restamped_total',
      () =>
        new Counter({
          name: 'custodia_mqtt_restamped_total',
          help: 'Readings stored with the receive time because the device time was out of bounds, by verdict',
          labelNames: ['tenant', 'verdict'] as const,
          registers,
        }),
    ),
    accepted: reuse(
      registry,
      'custodia_mqtt_accepted_total',
      () =>
        new Counter({
          name: 'custodia_mqtt_accepted_total',
          help: 'Readings committed and acknowledged',
          labelNames: ['tenant', 'family'] as const,
          registers,
        }),
    ),
    commitFailures: reuse(
      registry,
      'custodia_ingest_commit_failures_total',
      () =>
        new Counter({
          name: 'custodia_ingest_commit_failures_total',
          help: 'Group commits that failed (their readings were not acknowledged)',
          labelNames: ['tenant'] as const,
          registers,
        }),
    ),
    batchSize: reuse(
      registry,
      'custodia_ingest_batch_size',
      () =>
        new Histogram({
          name: 'custodia_ingest_batch_size',
          help: 'Readings per group commit',
          buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
          registers,
        }),
    ),
    commitSeconds: reuse(
      registry,
      'custodia_ingest_commit_seconds',
      () =>
        new Histogram({
          name: 'custodia_ingest_commit_seconds',
          help: 'Duration of one group commit (seal and durable write)',
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
          registers,
        }),
    ),
    commands: reuse(
      registry,
      'custodia_mqtt_commands_total',
      () =>
        new Counter({
          name: 'custodia_mqtt_commands_total',
          help: 'Command delivery steps: sent, delivered (PUBACK), acked (device reply)',
          labelNames: ['step'] as const,
          registers,
        }),
    ),
  };
}

export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>;
