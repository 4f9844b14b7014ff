import type { ApprovalStep } from '@jit-access/plugin-jit-access-common';
import { DbRequestRow, DbStepRow, REQUEST_ID_PATTERN, TABLE_REQUESTS, TABLE_STEPS, toMs } from '../../tables';
import { InvalidCursorError } from '../../errors';
import type { RequestListFilter, StoredRequest } from '../../RequestStore';
import { rowsAsJson, StoreDb } from '../db';
import { mapRequest, mapStep } from '../rows';
import { getStepsOf } from './readRequest';

/**
 * A page of requests, newest first, by a keyset cursor on (created_at, id).
 * With `withSteps`, the page's steps too: on PostgreSQL as a JSON array
 * beside each row, computed for the rows of the page only (after the sort
 * and limit); on SQLite by a second query.
 */
export async function listRequests(
  db: StoreDb,
  filter: RequestListFilter,
): Promise<{ items: StoredRequest[]; nextCursor?: string; steps?: Map<string, ApprovalStep[]> }> {
  const { knex } = db;
  const q = knex<DbRequestRow>(TABLE_REQUESTS).select(`${TABLE_REQUESTS}.*`);
  const stepsInline = filter.withSteps && db.pg;
  if (stepsInline) {
    q.select(knex.raw(rowsAsJson(TABLE_STEPS, 'step', `${TABLE_REQUESTS}.id`, 'steps_json')));
  }
  if (filter.requester) q.where('requester', filter.requester);
  if (filter.excludeRequester) q.whereNot('requester', filter.excludeRequester);
  if (filter.accountIds) q.whereIn('account_id', filter.accountIds);
  if (filter.statuses) q.whereIn('status', filter.statuses);
  if (filter.reviewStatus) q.where('review_status', filter.reviewStatus);
  if (filter.createdAfter !== undefined) q.where('created_at', '>=', filter.createdAfter);
  if (filter.createdBefore !== undefined) q.where('created_at', '<', filter.createdBefore);
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    // A row comparison, not `created_at < ? OR (created_at = ? AND id < ?)`:
    // the database reads the next page off (created_at, id) indexes
    // (migration 20261126110000_list_indexes) instead of filtering.
    q.whereRaw('(created_at, id) < (?, ?)', [c.createdAt, c.id]);
  }
  const rows = await q
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const items = page.map(mapRequest);
  const last = rows.length > filter.limit ? rows[filter.limit - 1] : undefined;
  let steps: Map<string, ApprovalStep[]> | undefined;
  if (stepsInline) {
    steps = new Map(page.map(r => [r.id, (r as unknown as { steps_json: DbStepRow[] }).steps_json.map(mapStep)]));
  } else if (filter.withSteps) {
    steps = await getStepsOf(db, items.map(r => r.id));
  }
  return {
    items,
    steps,
    nextCursor: last ? encodeCursor({ createdAt: toMs(last.created_at)!, id: last.id }) : undefined,
  };
}

function encodeCursor(c: { createdAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');
}

/** The position a cursor of encodeCursor holds; InvalidCursorError for anything else. */
function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      !Number.isSafeInteger(createdAt) ||
      createdAt < 0 ||
      typeof id !== 'string' ||
      !REQUEST_ID_PATTERN.test(id)
    ) {
      throw new Error('bad shape');
    }
    return { createdAt, id };
  } catch {
    throw new InvalidCursorError();
  }
}
