import { DbRequestRow, TABLE_REQUESTS } from '../../tables';
import type { StoredRequest } from '../../RequestStore';
import { StoreDb } from '../db';
import { mapRequest } from '../rows';

/**
 * Requests with lifecycle work due at `now` and no live lease, least
 * recently updated first: approved ones whose start has come, provisioning
 * and ending ones whose next attempt is due, active ones past their end,
 * and (with `pendingCreatedBefore`) pending ones created before it.
 */
export async function findDueRequests(
  { knex }: StoreDb,
  now: number,
  limit: number,
  pendingCreatedBefore?: number,
): Promise<StoredRequest[]> {
  const rows = await knex<DbRequestRow>(TABLE_REQUESTS)
    .where(b => {
      b.where(b2 => b2.where('status', 'approved').andWhere(b3 => b3.whereNull('start_at').orWhere('start_at', '<=', now)))
        .orWhere(b2 =>
          b2
            .whereIn('status', ['provisioning', 'ending'])
            .andWhere(b3 => b3.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now)),
        )
        .orWhere(b2 => b2.where('status', 'active').andWhere('expires_at', '<=', now));
      if (pendingCreatedBefore !== undefined) {
        b.orWhere(b2 => b2.where('status', 'pending').andWhere('created_at', '<', pendingCreatedBefore));
      }
    })
    .andWhere(b => b.whereNull('lease_until').orWhere('lease_until', '<', now))
    .orderBy('updated_at')
    .limit(limit);
  return rows.map(mapRequest);
}
