import { Counter, Histogram, type Registry } from 'prom-client';

export interface BffMetrics {
  /** Records one answered request's duration. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Counts one error answer by its problem code. */
  countProblem(code: string): void;
}

/** The BFF's own Prometheus metrics, on the process's registry. */
export function createBffMetrics(registry: Registry): BffMetrics {
  const requestDuration = new Histogram({
    name: 'forkline_bff_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
    registers: [registry],
  });
  const problems = new Counter({
    name: 'forkline_bff_problems_total',
    help: 'Error answers by problem code',
    labelNames: ['code'],
    registers: [registry],
  });
  // One labelled child per (method, route, status), found by a string key: observe() with
  // a label object would hash the labels on every request. The set is bounded (the
  // parser accepts known methods only; routes are templates or "unmatched").
  const durationByLabels = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  return {
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let duration = durationByLabels.get(key);
      if (!duration) {
        duration = requestDuration.labels({ method, route, status });
        durationByLabels.set(key, duration);
      }
      duration.observe(seconds);
    },
    countProblem: (code) => problems.inc({ code }),
  };
}
