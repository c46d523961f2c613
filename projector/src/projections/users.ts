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
}

export interface UsersWrites {
  users: User[];
  addresses: UserAddress[];
}

/** Users and their addresses, timed by the events (a rebuild writes the same rows). */
export function projectUsers(events: readonly RecordedEvent[]): UsersWrites {
  const users = new Map<string, User>();
  const addresses = new Map<string, UserAddress>();
  for (const event of events) {
    if (event.type === 'UserRegistered') {
      const { userId } = event.payload;
      if (!users.has(userId)) users.set(userId, { userId, registeredAt: event.occurredAt });
    } else if (event.type === 'AddressAdded') {
      const { userId, address, addressType } = event.payload;
      if (!addresses.has(address))
        addresses.set(address, { address, userId, addressType, addedAt: event.occurredAt });
    }
  }
  return { users: [...users.values()], addresses: [...addresses.values()] };
}
