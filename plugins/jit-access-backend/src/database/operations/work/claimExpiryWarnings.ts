import { DbRequestRow, TABLE_REQUESTS } from '../../tables';
import type { StoredRequest } from '../../RequestStore';
import { StoreDb } from '../db';
import { mapRequest } from '../rows';

/**
 * Active requests ending before `before` that were not warned yet (at most
 * 500), each marked warned by a guarded update: of two replicas, one claims
 * each request.
 */
export async function claimExpiryWarnings({ knex }: StoreDb, before: number, now: number): Promise<StoredRequest[]> {
  const due = await knex<DbRequestRow>(TABLE_REQUESTS)
    .where('status', 'active')
    .whereNull('warned_at')
    .where('expires_at', '<=', before)
    .limit(500);
  const claimed: StoredRequest[] = [];
  for (const row of due) {
    const n = await knex(TABLE_REQUESTS)
      .where({ id: row.id, status: 'active' })
      .whereNull('warned_at')
      .update({ warned_at: now });
    if (n > 0) claimed.push(mapRequest(row));
  }
  return claimed;
}
