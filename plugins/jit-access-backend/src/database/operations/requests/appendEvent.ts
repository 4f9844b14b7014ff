import { DbEventRow, TABLE_EVENTS } from '../../tables';
import { Writer } from '../db';

/**
 * Appends an event without a status change (a reconciler repair, a closed
 * review), on `db` or inside a transaction of the caller.
 */
export async function appendEvent(
  db: Writer,
  requestId: string,
  event: { actor: string; type: string; comment?: string },
  now: number,
): Promise<void> {
  await db<DbEventRow>(TABLE_EVENTS).insert({
    request_id: requestId,
    actor: event.actor,
    at: now,
    type: event.type,
    from_status: null,
    to_status: null,
    comment: event.comment ?? null,
  });
}
