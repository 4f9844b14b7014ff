import type { ApprovalStep, RequestEvent } from '@jit-access/plugin-jit-access-common';
import { DbEventRow, DbRequestRow, DbStepRow, TABLE_EVENTS, TABLE_REQUESTS, TABLE_STEPS } from '../../tables';
import type { LoadedRequest, StoredRequest } from '../../RequestStore';
import { rowsAsJson, StoreDb } from '../db';
import { mapEvent, mapRequest, mapStep } from '../rows';

export async function getRequest({ knex }: StoreDb, id: string): Promise<StoredRequest | undefined> {
  const row = await knex<DbRequestRow>(TABLE_REQUESTS).where({ id }).first();
  return row ? mapRequest(row) : undefined;
}

/** Several requests in one query; missing ids are left out. */
export async function getRequests({ knex }: StoreDb, ids: string[]): Promise<StoredRequest[]> {
  if (!ids.length) return [];
  const rows = await knex<DbRequestRow>(TABLE_REQUESTS).whereIn('id', ids);
  return rows.map(mapRequest);
}

export async function getSteps({ knex }: StoreDb, id: string): Promise<ApprovalStep[]> {
  const rows = await knex<DbStepRow>(TABLE_STEPS).where({ request_id: id }).orderBy('step');
  return rows.map(mapStep);
}

/** The steps of several requests in one query, by request id (an empty list for a missing one). */
export async function getStepsOf({ knex }: StoreDb, ids: string[]): Promise<Map<string, ApprovalStep[]>> {
  const byRequest = new Map<string, ApprovalStep[]>(ids.map(id => [id, []]));
  if (!ids.length) return byRequest;
  const rows = await knex<DbStepRow>(TABLE_STEPS)
    .whereIn('request_id', ids)
    .orderBy([{ column: 'request_id' }, { column: 'step' }]);
  for (const row of rows) byRequest.get(row.request_id)?.push(mapStep(row));
  return byRequest;
}

export async function getEvents({ knex }: StoreDb, id: string): Promise<RequestEvent[]> {
  const rows = await knex<DbEventRow>(TABLE_EVENTS).where({ request_id: id }).orderBy('id');
  return rows.map(mapEvent);
}

/**
 * A request with its steps and events: on PostgreSQL in one query (the
 * steps and events as JSON arrays of their rows, beside the request's
 * row); on SQLite in three, which cost no round trips.
 */
export async function loadRequest(db: StoreDb, id: string): Promise<LoadedRequest | undefined> {
  if (!db.pg) {
    const [request, steps, events] = await Promise.all([getRequest(db, id), getSteps(db, id), getEvents(db, id)]);
    return request ? { request, steps, events } : undefined;
  }
  const { knex } = db;
  const row = await knex<DbRequestRow>(`${TABLE_REQUESTS} as r`)
    .select(
      'r.*',
      knex.raw(rowsAsJson(TABLE_STEPS, 'step', 'r.id', 'steps_json')),
      knex.raw(rowsAsJson(TABLE_EVENTS, 'id', 'r.id', 'events_json')),
    )
    .where('r.id', id)
    .first();
  if (!row) return undefined;
  const { steps_json, events_json, ...request } = row as DbRequestRow & {
    steps_json: DbStepRow[];
    events_json: DbEventRow[];
  };
  return {
    request: mapRequest(request),
    steps: steps_json.map(mapStep),
    events: events_json.map(mapEvent),
  };
}
