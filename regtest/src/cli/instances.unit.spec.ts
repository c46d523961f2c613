import { describe, expect, it } from 'vitest';
import { FORKLINE_PROCESSES } from './commands/run.js';
import { withInstances } from './instances.js';

describe('withInstances', () => {
  const shared = {
    BFF_PORT: '40080',
    TRADING_RELAY_METRICS_PORT: '40085',
    TRADING_DATABASE_URL: 'postgres://t',
  };

  it('adds the twins of every process but trading, each on its ports + 10 per instance', () => {
    const specs = withInstances(FORKLINE_PROCESSES, 3);
    expect(specs.map((s) => s.name)).toEqual([
      'crawler',
      'crawler-2',
      'crawler-3',
      'relay',
      'relay-2',
      'relay-3',
      'projector',
      'projector-2',
      'projector-3',
      'bff',
      'bff-2',
      'bff-3',
      'trading',
      'trading-relay',
      'trading-relay-2',
      'trading-relay-3',
    ]);
    const env = (name: string) => specs.find((s) => s.name === name)!.env?.(shared) ?? {};
    expect(env('bff-2')).toEqual({ BFF_PORT: '40090' });
    expect(env('bff-3')).toEqual({ BFF_PORT: '40100' });
    expect(env('crawler-2')).toEqual({ CRAWLER_METRICS_PORT: '28091' });
    expect(env('projector-3')).toEqual({ PROJECTOR_METRICS_PORT: '28103' });
    // Each twin runs like its first instance (the projector's node flags included).
    expect(specs.find((s) => s.name === 'projector-2')!.nodeFlags).toEqual(
      specs.find((s) => s.name === 'projector')!.nodeFlags,
    );
    // The trading database's relay keeps its own database and moves its own port.
    expect(env('trading-relay-2')).toMatchObject({ RELAY_METRICS_PORT: '40095' });
    expect(env('trading-relay-2').ONLINE_DATABASE_URL).toBe('postgres://t');
  });

  it('leaves one instance as it was', () => {
    expect(withInstances(FORKLINE_PROCESSES, 1)).toEqual(FORKLINE_PROCESSES);
  });
});
