import { Gauge, type Registry } from 'prom-client';

export interface ScrapedGauge<T> {
  name: string;
  help: string;
  value: (reading: T) => number;
}

/**
 * Gauges read at scrape time from one source (a database query), so they are right even
 * while the process is stuck or for what another instance did. The gauges of one scrape
 * share one reading; a failed reading leaves them at their last values.
 */
export function registerScrapedGauges<T>(
  registry: Registry,
  read: () => Promise<T>,
  gauges: ScrapedGauge<T>[],
): void {
  let reading: Promise<T | undefined> | undefined;
  const once = () =>
    (reading ??= read()
      .catch(() => undefined)
      .finally(() => setImmediate(() => (reading = undefined))));
  for (const { name, help, value } of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const r = await once();
        if (r !== undefined) this.set(value(r));
      },
    });
  }
}
