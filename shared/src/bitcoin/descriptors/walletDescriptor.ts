import type { BIP32Interface } from 'bip32';
import type { NetworkName } from '../networks.js';

/**
 * A single-key wallet as a descriptor describes it, checked and normalised: forkline
 * watches its receive branch `/0/*` and its change branch `/1/*`.
 */
export interface WalletDescriptor {
  /** The output script: P2WPKH, P2SH-wrapped P2WPKH, P2PKH, or P2TR spent by key path (BIP-86). */
  readonly type: 'wpkh' | 'sh-wpkh' | 'pkh' | 'tr';
  /** The network its addresses are spelled for (regtest's bcrt1, testnet's and signet's tb1). */
  readonly network: NetworkName;
  /** The extended public key as given: the account node of a standard wallet. */
  readonly accountKey: BIP32Interface;
  /** Unhardened steps between that key and the branch (`tpub…/5/0/*` gives [5]); mostly none. */
  readonly steps: readonly number[];
  /** Where the key sits in its master's tree, when given: hardened steps carry 0x80000000. */
  readonly origin?: { readonly fingerprint: string; readonly path: readonly number[] };
  /**
   * The receive descriptor (`…/0/*`) with its checksum, as Bitcoin Core prints it
   * (`getdescriptorinfo`, `listdescriptors`) with hardened steps spelled `h`: the same
   * wallet registered twice compares equal, and `importdescriptors` takes it as it is.
   */
  readonly canonical: string;
  /** The change descriptor (`…/1/*`), spelled the same way. */
  readonly changeCanonical: string;
}
