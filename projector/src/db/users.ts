import type { Executor } from '#shared/db/pool.js';
import type { User, UserAddress } from '../projections/users.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

export async function insertUsers(tx: Executor, tables: ProjectionTables, users: User[]): Promise<void> {
  if (users.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.users} (user_id, registered_at)
     SELECT * FROM unnest($1::text[], $2::timestamptz[])
     ON CONFLICT (user_id) DO NOTHING`,
    [users.map((u) => u.userId), users.map((u) => u.registeredAt)],
  );
}

/**
 * An address belongs to the first user who added it; the online DB refuses a second.
 * One registered with its history is rescanning until markRescanned.
 */
export async function insertUserAddresses(
  tx: Executor,
  tables: ProjectionTables,
  addresses: UserAddress[],
): Promise<void> {
  if (addresses.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.userAddresses} (address, user_id, address_type, added_at, rescan_from_height, rescanning)
     SELECT a.*, a.rescan_from_height IS NOT NULL
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[])
            AS a (address, user_id, address_type, added_at, rescan_from_height)
     ON CONFLICT (address) DO NOTHING`,
    [
      addresses.map((a) => a.address),
      addresses.map((a) => a.userId),
      addresses.map((a) => a.addressType),
      addresses.map((a) => a.addedAt),
      addresses.map((a) => a.rescanFromHeight),
    ],
  );
}

/** Their rescans ended: the history is in the activities now. */
export async function markRescanned(
  tx: Executor,
  tables: ProjectionTables,
  addresses: string[],
): Promise<void> {
  if (addresses.length === 0) return;
  await tx.query(
    `UPDATE ${tables.userAddresses} SET rescanning = false WHERE address = ANY ($1) AND rescanning`,
    [addresses],
  );
}
