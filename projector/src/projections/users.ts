import type { AddressType, RecordedEvent } from '#shared/events/types.js';

export interface User {
  userId: string;
  registeredAt: string;
}

export interface UserAddress {
  address: string;
  userId: string;
  addressType: AddressType;
  addedAt: string;
  /** Registered with its history from this height: rescanning until AddressRescanned. */
  rescanFromHeight: number | null;
}

export interface UsersWrites {
  users: User[];
  addresses: UserAddress[];
  /** Addresses whose rescan ended (AddressRescanned), applied after `addresses`. */
  rescanned: string[];
}

/** Users and their addresses, timed by the events (a rebuild writes the same rows). */
export function projectUsers(events: readonly RecordedEvent[]): UsersWrites {
  const users = new Map<string, User>();
  const addresses = new Map<string, UserAddress>();
  const rescanned: string[] = [];
  for (const event of events) {
    if (event.type === 'UserRegistered') {
      const { userId } = event.payload;
      if (!users.has(userId)) users.set(userId, { userId, registeredAt: event.occurredAt });
    } else if (event.type === 'AddressAdded') {
      const { userId, address, addressType, rescanFromHeight } = event.payload;
      if (!addresses.has(address)) {
        addresses.set(address, {
          address,
          userId,
          addressType,
          addedAt: event.occurredAt,
          rescanFromHeight: rescanFromHeight ?? null,
        });
      }
    } else if (event.type === 'AddressRescanned') {
      rescanned.push(...event.payload.addresses);
    }
  }
  return { users: [...users.values()], addresses: [...addresses.values()], rescanned };
}
