import type { ErrorCode } from '../../errors/catalogue.js';

/** Why a descriptor was refused: a catalogue code and a message naming the problem. */
export interface DescriptorRefusal {
  ok: false;
  code: Extract<
    ErrorCode,
    | 'PRIVATE_KEY_REFUSED'
    | 'WRONG_NETWORK'
    | 'BAD_CHECKSUM'
    | 'HARDENED_DERIVATION'
    | 'UNSUPPORTED_DESCRIPTOR'
  >;
  message: string;
}
