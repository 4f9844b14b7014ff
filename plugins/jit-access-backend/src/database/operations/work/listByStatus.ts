import type { RequestStatus } from '@jit-access/plugin-jit-access-common';
import { DbRequestRow, TABLE_REQUESTS } from '../../tables';
import type { StoredRequest } from '../../RequestStore';
import { StoreDb } from '../db';
import { mapRequest } from '../rows';

/** Requests in these statuses, oldest first (at most `limit`, 10,000 unless given). */
export async function listByStatus(
  { knex }: StoreDb,
  statuses: RequestStatus[],
  options?: { endedAfter?: number; limit?: number; provisioned?: boolean },
): Promise<StoredRequest[]> {
  const q = knex<DbRequestRow>(TABLE_REQUESTS).whereIn('status', statuses);
  if (options?.provisioned) q.whereNotNull('principal_id');
  if (options?.endedAfter !== undefined) q.where('ended_at', '>=', options.endedAfter);
  const rows = await q.orderBy('created_at').limit(options?.limit ?? 10_000);
  return rows.map(mapRequest);
}
