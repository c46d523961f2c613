/**
 * The events of forkline v1: one discriminated union, declared once and imported by
 * the crawler and BFF (writers), the relay (publisher) and the projector (reader).
 * Amounts are integer satoshis (exact as JSON numbers: below 2^53).
 */

export interface UserRegistered {
  type: 'UserRegistered';
  payload: { userId: string };
}

export interface AddressAdded {
  type: 'AddressAdded';
  payload: {
    userId: string;
    address: string;
    scriptPubKey: string;
    addressType: AddressType;
    /** Its history is rescanned from this height (an admin asked): AddressRescanned ends it. */
    rescanFromHeight?: number;
  };
}

/**
 * The crawler scanned the stored chain from `fromHeight` to `toHeight` for these of the
 * user's addresses (a requested rescan): their past activities are on the stream before
 * this event, and later blocks are matched live.
 */
export interface AddressRescanned {
  type: 'AddressRescanned';
  payload: { userId: string; addresses: string[]; fromHeight: number; toHeight: number };
}

export interface TxConfirmed {
  type: 'TxConfirmed';
  payload: {
    txid: string;
    blockHash: string;
    height: number;
    /** received − sent, over all the user's scripts. */
    deltaSats: number;
    receivedSats: number;
    sentSats: number;
    /**
     * What the transaction's outputs paid to scripts that are not this user's: 0 for a
     * move between the user's own addresses, the amount sent for a payment with change.
     */
    paidToOthersSats: number;
    /** The user's addresses this transaction touched. */
    addresses: string[];
    /**
     * A coinbase output (a mining reward): spendable only after 100 confirmations, so
     * counted as immature until then. Absent on events written before it existed.
     */
    coinbase?: boolean;
  };
}

/** The exact opposite of a TxConfirmed whose block left the main chain. */
export interface TxReverted {
  type: 'TxReverted';
  payload: { txid: string; blockHash: string; height: number; deltaSats: number };
}

/**
 * A transaction touching the user entered the node's mempool: what it would do once
 * mined. Superseded by its TxConfirmed when mined; ended by a TxDropped otherwise. Sent
 * again, whole, when an address that joined later changes the user's part of it.
 */
export interface TxPending {
  type: 'TxPending';
  payload: {
    txid: string;
    receivedSats: number;
    sentSats: number;
    /** received − sent: what the user's balance gains (negative when spending) once mined. */
    deltaSats: number;
    paidToOthersSats: number;
    /** When forkline first saw it in the mempool (ISO 8601). */
    firstSeenAt: string;
    /** BIP 125: it signals that it may be replaced by a higher-fee version. */
    replaceable: boolean;
  };
}

export type DropReason = 'replaced' | 'conflict' | 'evicted';

/**
 * A pending transaction left the mempool without being mined: `replaced` by another
 * spending the same outpoint (RBF; `replacedBy` names it), `conflict` when a block
 * confirmed a transaction spending the same outpoint, `evicted` for anything else
 * (expiry, mempool limits, a node restarted without its mempool).
 */
export interface TxDropped {
  type: 'TxDropped';
  payload: { txid: string; reason: DropReason; replacedBy?: string };
}

/**
 * The version each user stream reached in the same write as a chain event: the block's
 * TxConfirmed/TxDropped, or a disconnect's TxReverted. Those events travel on other
 * streams, maybe other partitions; the read side claims the block for a user only once
 * the user's stream has applied that version. Absent on events written before it existed.
 */
export type StreamVersions = Record<string, number>;

export interface BlockConnected {
  type: 'BlockConnected';
  payload: { hash: string; height: number; prevHash: string; time: number; streams?: StreamVersions };
}

export interface BlockDisconnected {
  type: 'BlockDisconnected';
  /** prevHash: the block below, the tip once this one is gone. */
  payload: { hash: string; height: number; prevHash?: string; streams?: StreamVersions };
}

export type AddressType = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr';

/**
 * Trading (the trading service, stream `order:<orderId>`). Every event names its user, so
 * the read side can join an order to that user's chain events. Prices are EUR cents per
 * BTC; amounts integer satoshis.
 */
export type OrderSide = 'buy' | 'sell';

/** An order accepted: open (a Bid or an Ask) until filled, cancelled or rejected. */
export interface OrderPlaced {
  type: 'OrderPlaced';
  payload: {
    orderId: string;
    userId: string;
    side: OrderSide;
    amountSats: number;
    /** null for a market order. */
    limitPriceEurCents: number | null;
  };
}

/** Filled at the house price: a Buy or a Sell, to be settled on chain. */
export interface OrderFilled {
  type: 'OrderFilled';
  payload: {
    orderId: string;
    userId: string;
    side: OrderSide;
    amountSats: number;
    priceEurCents: number;
    /** amountSats × priceEurCents / 10^8: rounded up for a buy, down for a sell. */
    eurCents: number;
  };
}

export interface OrderCancelled {
  type: 'OrderCancelled';
  payload: { orderId: string; userId: string };
}

/** Not filled, for the reason given (e.g. a sell the user's coins cannot fund). */
export interface OrderRejected {
  type: 'OrderRejected';
  payload: { orderId: string; userId: string; reason: string };
}

/**
 * The settlement transaction of a filled order is in the node's mempool: a buy pays the
 * user, a sell pays the house. Its chain events (TxPending, TxConfirmed, …) come on the
 * user's stream, before or after this one.
 */
export interface SettlementBroadcast {
  type: 'SettlementBroadcast';
  payload: { orderId: string; userId: string; txid: string };
}

export type UserEvent =
  UserRegistered | AddressAdded | AddressRescanned | TxConfirmed | TxReverted | TxPending | TxDropped;
export type ChainEvent = BlockConnected | BlockDisconnected;
export type OrderEvent = OrderPlaced | OrderFilled | OrderCancelled | OrderRejected | SettlementBroadcast;
export type ForklineEvent = UserEvent | ChainEvent | OrderEvent;
export type EventType = ForklineEvent['type'];

/** What a writer hands to the outbox: the stream and version are assigned there. */
export type NewEvent<E extends ForklineEvent = ForklineEvent> = E;

/** An event as stored and published: the payload plus its metadata. */
export type RecordedEvent<E extends ForklineEvent = ForklineEvent> = E & {
  id: string;
  stream: string;
  version: number;
  occurredAt: string;
};
