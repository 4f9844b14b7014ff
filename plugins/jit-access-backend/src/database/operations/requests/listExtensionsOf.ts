import type { RequestStatus } from '@jit-access/plugin-jit-access-common';
import { DbRequestRow, TABLE_REQUESTS } from '../../tables';
import type { StoredRequest } from '../../RequestStore';
import { StoreDb } from '../db';
import { mapRequest } from '../rows';

/** Requests extending the session `sessionId` that are in one of these statuses. */
export async function listExtensionsOf(
  { knex }: StoreDb,
  sessionId: string,
  statuses: RequestStatus[],
): Promise<StoredRequest[]> {
  const rows = await knex<DbRequestRow>(TABLE_REQUESTS).where({ extends_request_id: sessionId }).whereIn('status', statuses);
  return rows.map(mapRequest);
}
