import { TABLE_REQUESTS } from '../../tables';
import { StoreDb } from '../db';
import { appendEvent } from './appendEvent';

/**
 * Closes the open review of a break-glass request, with its event, in one
 * guarded update; false when it is not open (any more).
 */
export async function closeReview(
  { knex }: StoreDb,
  args: { requestId: string; closedBy: string; comment: string; now: number },
): Promise<boolean> {
  return knex.transaction(async tx => {
    const n = await tx(TABLE_REQUESTS)
      .where({ id: args.requestId, review_status: 'open' })
      .update({
        review_status: 'closed',
        review_closed_by: args.closedBy,
        review_closed_at: args.now,
        review_comment: args.comment,
        updated_at: args.now,
      });
    if (n < 1) return false;
    await appendEvent(tx, args.requestId, { actor: args.closedBy, type: 'review-closed', comment: args.comment }, args.now);
    return true;
  });
}
