import { Knex } from 'knex';

/**
 * The database an operation runs on. On PostgreSQL (`pg`), a write that
 * spans tables (a request with its steps and event, a transition with its
 * step changes and event) is one statement with data-modifying CTEs: atomic
 * like a transaction, in one round trip instead of four or five (the API
 * benchmark's pairs are bound by round trips, docs/benchmarks.md). SQLite
 * has no data-modifying CTEs; there a transaction costs no round trips,
 * being in-process.
 */
export interface StoreDb {
  readonly knex: Knex;
  readonly pg: boolean;
}

/** A knex client or a transaction of one: where a write that may be part of a larger one runs. */
export type Writer = Knex | Knex.Transaction;

/**
 * PostgreSQL: a subquery giving the rows of `table` that belong to the
 * request `requestId` (a column of the outer query) as one JSON array,
 * ordered by `orderBy`, named `as`.
 */
export function rowsAsJson(table: string, orderBy: string, requestId: string, as: string): string {
  return `(SELECT coalesce(json_agg(x ORDER BY x.${orderBy}), '[]') FROM ${table} x WHERE x.request_id = ${requestId}) AS ${as}`;
}

/** A primary key or unique constraint refused an insert (PostgreSQL, SQLite). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}
