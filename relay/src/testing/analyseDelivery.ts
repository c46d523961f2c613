export interface Delivered {
  eventId: string;
  stream: string;
  version: number;
}

export interface DeliveryReport {
  received: number;
  distinct: number;
  duplicates: number;
  missing: string[];
  /** Streams whose events first arrived out of version order (a consumer would park them). */
  outOfOrderStreams: string[];
}

/**
 * Checks a topic's contents against what was written: every event at least once, and
 * per stream the first delivery of each version in increasing order. Re-deliveries of
 * versions already seen (at least once) are counted, not treated as disorder.
 */
export function analyseDelivery(
  expectedIds: readonly string[],
  delivered: readonly Delivered[],
): DeliveryReport {
  const seen = new Set<string>();
  const highest = new Map<string, number>();
  const outOfOrder = new Set<string>();
  for (const d of delivered) {
    if (seen.has(d.eventId)) continue;
    seen.add(d.eventId);
    const top = highest.get(d.stream) ?? 0;
    if (d.version <= top) outOfOrder.add(d.stream);
    else highest.set(d.stream, d.version);
  }
  return {
    received: delivered.length,
    distinct: seen.size,
    duplicates: delivered.length - seen.size,
    missing: expectedIds.filter((id) => !seen.has(id)),
    outOfOrderStreams: [...outOfOrder].sort(),
  };
}
