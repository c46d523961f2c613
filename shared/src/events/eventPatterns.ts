import { datetimeRegex } from 'zod';

// The patterns and value lists of event fields, shared by the zod schemas and the fast path.
export const HASH = /^[0-9a-f]{64}$/;
export const HEX = /^[0-9a-f]+$/;
// zod 3's own patterns for .uuid() and .datetime({ offset: true }), compiled once (zod
// builds the datetime one again for every value it checks).
export const UUID = /^[0-9a-fA-F]{8}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{12}$/i;
export const DATETIME = datetimeRegex({ precision: null, offset: true, local: false });
export const ADDRESS_TYPES = ['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr'] as const;
export const DROP_REASONS = ['replaced', 'conflict', 'evicted'] as const;
export const ORDER_SIDES = ['buy', 'sell'] as const;
