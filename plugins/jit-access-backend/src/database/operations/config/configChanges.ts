import { DbBigInt, TABLE_CONFIG_CHANGES } from '../../tables';
import type { ConfigChange, ConfigChangeName } from '../../ConfigStore';
import { StoreDb } from '../db';

type LatestChanges = Partial<Record<ConfigChangeName, { actor: string; at: number; seq: number }>>;

/** Appends config changes to their log (append-only). */
export async function recordConfigChanges({ knex }: StoreDb, changes: ConfigChange[], now: number): Promise<void> {
  if (!changes.length) return;
  await knex(TABLE_CONFIG_CHANGES).insert(
    changes.map(c => ({
      at: now,
      actor: c.actor,
      account_id: c.accountId ?? null,
      permission_set_arn: c.permissionSetArn ?? null,
      change: c.change,
    })),
  );
}

/**
 * The latest change of each kind that touched this account, or this
 * permission set (on this account or as a whole); `seq` orders them.
 */
export async function latestConfigChanges(
  { knex }: StoreDb,
  args: { accountId: string; permissionSetArn?: string },
): Promise<LatestChanges> {
  const rows: Array<{ id: DbBigInt; change: ConfigChangeName; actor: string; at: DbBigInt }> = await knex(
    TABLE_CONFIG_CHANGES,
  )
    .select('id', 'change', 'actor', 'at')
    .where(q => {
      q.where({ account_id: args.accountId, permission_set_arn: null });
      if (args.permissionSetArn) {
        // The set on this account (disabled here), or the set as a whole (two levels).
        const arn = args.permissionSetArn;
        q.orWhere(w =>
          w.where({ permission_set_arn: arn }).andWhere(a => a.where({ account_id: args.accountId }).orWhereNull('account_id')),
        );
      }
    })
    .orderBy('id', 'desc')
    .limit(200);
  const latest: LatestChanges = {};
  for (const r of rows) {
    latest[r.change] ??= { actor: r.actor, at: Number(r.at), seq: Number(r.id) };
  }
  return latest;
}
