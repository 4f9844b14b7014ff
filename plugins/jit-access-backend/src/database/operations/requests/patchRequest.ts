import type { RequestStatus } from '@jit-access/plugin-jit-access-common';
import { TABLE_REQUESTS } from '../../tables';
import type { RequestPatch } from '../../RequestStore';
import { StoreDb, Writer } from '../db';
import { patchToRow } from '../rows';
import { bumpPendingVersion } from './pendingVersion';

/** Updates bookkeeping without a status change, guarded by status; a pending request's patch changes the pending version. */
export async function patchRequest(
  { knex }: StoreDb,
  id: string,
  status: RequestStatus,
  patch: RequestPatch,
): Promise<boolean> {
  const update = (db: Writer) =>
    db(TABLE_REQUESTS)
      .where({ id, status })
      .update({ ...patchToRow(patch), updated_at: Date.now() });
  if (status !== 'pending') return (await update(knex)) > 0;
  return knex.transaction(async tx => {
    const n = await update(tx);
    if (n > 0) await bumpPendingVersion(tx, id);
    return n > 0;
  });
}
