import { addressToScript } from '#shared/bitcoin/addressToScript.js';
import { CliError } from './stack.js';

/** A whole number from min (1 by default) to max, or a CliError naming the argument. */
export function parseCount(value: string, name: string, max: number, min = 1): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new CliError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

/** An amount in BTC with at most 8 decimals, above zero. */
export function parseBtc(value: string): number {
  if (!/^\d+(\.\d{1,8})?$/.test(value) || Number(value) <= 0) {
    throw new CliError(`amount must be in BTC with at most 8 decimals, above 0 (got "${value}")`);
  }
  return Number(value);
}

/** BTC with at most 8 decimals, above zero, as whole satoshis (from the digits: no float). */
export function parseBtcSats(value: string): number {
  parseBtc(value);
  const [whole, fraction = ''] = value.split('.');
  return Number(whole) * 100_000_000 + Number(fraction.padEnd(8, '0'));
}

/** Euros with at most 2 decimals, above zero, as whole cents (from the digits: no float). */
export function parseEurCents(value: string, name = 'price'): number {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(value);
  const cents = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : 0;
  if (cents <= 0)
    throw new CliError(`${name} must be in euros with at most 2 decimals, above 0 (got "${value}")`);
  return cents;
}

/** A txid: 64 hex characters (upper case accepted, answered in the node's lower case). */
export function parseTxid(value: string, name = 'txid'): string {
  if (!/^[0-9a-fA-F]{64}$/.test(value))
    throw new CliError(`${name} must be a txid, 64 hex characters (got "${value}")`);
  return value.toLowerCase();
}

/** A regtest address; another network's, or no address at all, is refused saying which. */
export function parseAddress(value: string): string {
  const parsed = addressToScript(value, 'regtest');
  if (!parsed.ok) throw new CliError(parsed.message);
  return parsed.address;
}
