import { TABLE_LOCKS } from '../../tables';
import { StoreDb } from '../db';

/**
 * Takes a named lock (a lease: free again after `leaseMs` unless renewed);
 * false when someone else holds it.
 */
export async function acquireLock({ knex }: StoreDb, key: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
  // One statement: insert the lock, or take it over when its lease has
  // expired. Of two workers at once the database lets one win; the loser
  // gets no row back.
  const rows = await knex(TABLE_LOCKS)
    .insert({ key, owner, lease_until: now + leaseMs })
    .onConflict('key')
    .merge(['owner', 'lease_until'])
    .where(`${TABLE_LOCKS}.lease_until`, '<', now)
    .returning('owner');
  return rows.length > 0 && rows[0].owner === owner;
}

/** Extends a lock this owner holds; false when it was lost. */
export async function renewLock({ knex }: StoreDb, key: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
  const n = await knex(TABLE_LOCKS).where({ key, owner }).update({ lease_until: now + leaseMs });
  return n > 0;
}

/** Frees a lock this owner holds (no effect on another's). */
export async function releaseLock({ knex }: StoreDb, key: string, owner: string): Promise<void> {
  await knex(TABLE_LOCKS).where({ key, owner }).delete();
}
