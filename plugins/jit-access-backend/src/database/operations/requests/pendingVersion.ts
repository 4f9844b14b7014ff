import { pendingVersionSlot, TABLE_PENDING_VERSIONS } from '../../tables';
import { StoreDb, Writer } from '../db';

/**
 * The version of the pending requests: the sum of the counters every write
 * to a pending request adds to (see RequestStore.pendingVersion).
 */
export async function pendingVersion({ knex }: StoreDb): Promise<string> {
  const [{ version }] = await knex(TABLE_PENDING_VERSIONS).sum({ version: 'version' });
  return String(version);
}

/**
 * Adds 1 to the pending version's counter of this request (see migration
 * 20261202100000_pending_versions). In a transaction: call it as the
 * transaction's last write. As a CTE of a PostgreSQL statement
 * (`onlyIfRowsIn`: the CTE whose rows say the write happened): it reads
 * that CTE, so it runs after it, when the request's row is already locked,
 * and adds nothing when the write's guard did not match. Either way the
 * counter is the last lock a write takes: two writes never wait for each
 * other in a cycle through it.
 */
export function bumpPendingVersion(db: Writer, requestId: string, onlyIfRowsIn?: string) {
  const slot = pendingVersionSlot(requestId);
  if (onlyIfRowsIn === undefined) {
    return db(TABLE_PENDING_VERSIONS).where({ slot }).increment('version', 1);
  }
  return db.raw(
    `UPDATE ${TABLE_PENDING_VERSIONS} SET version = version + 1 WHERE slot = ? AND EXISTS (SELECT 1 FROM ${onlyIfRowsIn})`,
    [slot],
  );
}
