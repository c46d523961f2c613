import type { ProcessSpec } from './supervisor.js';

/**
 * The ports each process listens on, by variable and default: instance i (from 1) of a
 * process listens on them + 10 × (i − 1), so two instances of one machine never clash.
 */
const PORTS: Record<string, { variable: string; fallback: number }> = {
  crawler: { variable: 'CRAWLER_METRICS_PORT', fallback: 28_081 },
  relay: { variable: 'RELAY_METRICS_PORT', fallback: 28_082 },
  projector: { variable: 'PROJECTOR_METRICS_PORT', fallback: 28_083 },
  bff: { variable: 'BFF_PORT', fallback: 28_080 },
  'trading-relay': { variable: 'RELAY_METRICS_PORT', fallback: 28_085 },
};

/** The processes that may run as several instances: each safe beside a twin. */
export const SCALABLE = Object.keys(PORTS);

/**
 * `count` instances of every scalable process (crawler: one active, the others standing
 * by; relays share the outbox; projectors share the consumer group; BFFs are stateless),
 * the second named `<name>-2` and so on, each on its own ports. The trading service stays
 * one: its settlement worker is not meant to run twice.
 */
export function withInstances(specs: readonly ProcessSpec[], count: number): ProcessSpec[] {
  const out: ProcessSpec[] = [];
  for (const spec of specs) {
    out.push(spec);
    const port = PORTS[spec.name];
    if (!port) continue;
    for (let i = 2; i <= count; i++) {
      out.push({
        ...spec,
        name: `${spec.name}-${i}`,
        env: (shared) => {
          const own = spec.env?.(shared) ?? {};
          const base = Number(own[port.variable] ?? shared[port.variable] ?? port.fallback);
          return { ...own, [port.variable]: String(base + 10 * (i - 1)) };
        },
      });
    }
  }
  return out;
}
