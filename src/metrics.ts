import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per app instance (tests run several in one process). */
export interface Metrics {
  registry: Registry;
  requests: Counter<'service' | 'action' | 'outcome'>;
  latency: Histogram<'service' | 'action'>;
  auditBatch: Histogram<never>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'tessera_' });
  return {
    registry,
    requests: new Counter({
      name: 'tessera_requests_total',
      help: 'AWS API requests by service, action and outcome (success, or the error code)',
      labelNames: ['service', 'action', 'outcome'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'tessera_request_duration_seconds',
      help: 'AWS API request latency by service and action',
      labelNames: ['service', 'action'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    auditBatch: new Histogram({
      name: 'tessera_audit_batch_size',
      help: 'Audit events written per group commit',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
  };
}
