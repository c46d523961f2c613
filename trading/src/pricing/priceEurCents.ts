/**
 * EUR per BTC (a JSON number with at most 2 decimals, > 0) as integer cents, from its
 * decimal digits rather than by multiplying a float: 0.29 × 100 is 28.999999999999996.
 * Returns undefined for anything else (3 decimals, exponent forms, ≤ 0).
 */
export function priceEurCents(eurPerBtc: number): number | undefined {
  if (!Number.isFinite(eurPerBtc) || eurPerBtc <= 0) return undefined;
  // String() gives the shortest decimal that reads back as the same number: the one sent.
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(eurPerBtc));
  if (!match) return undefined;
  const cents = BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  if (cents <= 0n || cents > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(cents);
}
