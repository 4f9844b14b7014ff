import { DbRequestRow, TABLE_REQUESTS } from '../../tables';
import type { StoredRequest } from '../../RequestStore';
import { StoreDb } from '../db';
import { mapRequest } from '../rows';

/**
 * Takes the lease on a request (free, or expired: a crashed worker's) and
 * returns the request as it is; undefined when another worker holds it.
 */
export async function acquireLease(
  { knex }: StoreDb,
  id: string,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<StoredRequest | undefined> {
  const [row] = await knex<DbRequestRow>(TABLE_REQUESTS)
    .where({ id })
    .andWhere(b => b.whereNull('lease_until').orWhere('lease_until', '<', now))
    .update({ lease_owner: owner, lease_until: now + leaseMs })
    .returning('*');
  return row ? mapRequest(row) : undefined;
}

/** Extends a lease this worker holds; false when it was lost. */
export async function renewLease({ knex }: StoreDb, id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
  const n = await knex(TABLE_REQUESTS).where({ id, lease_owner: owner }).update({ lease_until: now + leaseMs });
  return n > 0;
}

/** Gives up a lease this worker holds (no effect on another's). */
export async function releaseLease({ knex }: StoreDb, id: string, owner: string): Promise<void> {
  await knex(TABLE_REQUESTS).where({ id, lease_owner: owner }).update({ lease_owner: null, lease_until: null });
}
