import { DbPermissionSetRow, TABLE_PERMISSION_SETS } from '../../tables';
import type { StoredPermissionSet } from '../../ConfigStore';
import { StoreDb } from '../db';
import { mapPermissionSet, permissionSetRow } from '../rows';

export async function listPermissionSets({ knex }: StoreDb): Promise<StoredPermissionSet[]> {
  const rows = await knex<DbPermissionSetRow>(TABLE_PERMISSION_SETS).select().orderBy('name');
  return rows.map(mapPermissionSet);
}

/** Writes permission sets as a sync found them; an admin's two-level choice is kept. */
export async function upsertPermissionSets({ knex }: StoreDb, sets: StoredPermissionSet[]): Promise<void> {
  if (!sets.length) return;
  await knex.transaction(async tx => {
    for (const s of sets) {
      const row = permissionSetRow(s);
      // requires_two_levels is an admin decision: a sync never resets it.
      await tx(TABLE_PERMISSION_SETS)
        .insert({ ...row, requires_two_levels: s.requiresTwoLevels })
        .onConflict('arn')
        .merge(Object.keys(row));
    }
  });
}

/** false when there is no such permission set. */
export async function setPermissionSetRequiresTwoLevels(
  { knex }: StoreDb,
  arn: string,
  value: boolean,
): Promise<boolean> {
  const n = await knex(TABLE_PERMISSION_SETS).where({ arn }).update({ requires_two_levels: value });
  return n > 0;
}
