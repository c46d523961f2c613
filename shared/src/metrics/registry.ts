import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per process (never the global one), so tests can build several side by side. */
export function createMetricsRegistry(processName: string, withDefaults = true): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'forkline_' });
  return registry;
}
