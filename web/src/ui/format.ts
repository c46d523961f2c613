const SATS_PER_BTC = 100_000_000;

const grouped = (whole: number): string => whole.toLocaleString('en-US');

/**
 * Satoshis as BTC with all eight decimals, exactly (integer arithmetic: no 0.1 + 0.2).
 * `signed` puts + before a positive amount; a negative one always gets the minus sign.
 */
export function formatBtc(sats: number, { signed = false } = {}): string {
  const sign = sats < 0 ? '−' : signed && sats > 0 ? '+' : '';
  const abs = Math.abs(sats);
  const whole = Math.floor(abs / SATS_PER_BTC);
  const fraction = String(abs % SATS_PER_BTC).padStart(8, '0');
  return `${sign}${grouped(whole)}.${fraction} BTC`;
}

/** EUR cents as euros with two decimals, e.g. €60,000.00. */
export function formatEur(cents: number): string {
  const sign = cents < 0 ? '−' : '';
  const abs = Math.abs(cents);
  return `${sign}€${grouped(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

/** What `sats` are worth at `eurCentsPerBtc`, in cents, rounded to the nearest cent. */
export function valueInEurCents(sats: number, eurCentsPerBtc: number): number {
  return Math.round((sats * eurCentsPerBtc) / SATS_PER_BTC);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp as the reader's locale writes it. */
export function formatTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : timeFormat.format(at);
}
