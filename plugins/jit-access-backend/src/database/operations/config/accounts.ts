import { DbAccountRow, TABLE_ACCOUNTS, TABLE_ACCOUNT_PERMISSION_SETS } from '../../tables';
import type { ConfigStore, StoredAccount } from '../../ConfigStore';
import { isUniqueViolation, StoreDb } from '../db';
import { accountRow, mapAccount } from '../rows';

type AccountInput = Parameters<ConfigStore['upsertAccount']>[0];
type UpsertOptions = Parameters<ConfigStore['upsertAccount']>[1];

export async function listAccounts({ knex }: StoreDb): Promise<StoredAccount[]> {
  const [rows, links] = await Promise.all([
    knex<DbAccountRow>(TABLE_ACCOUNTS).select().orderBy('name'),
    knex(TABLE_ACCOUNT_PERMISSION_SETS).select(),
  ]);
  const byAccount = new Map<string, string[]>();
  for (const l of links) {
    const list = byAccount.get(l.account_id) ?? [];
    list.push(l.permission_set_arn);
    byAccount.set(l.account_id, list);
  }
  return rows.map(r => mapAccount(r, byAccount.get(r.account_id) ?? []));
}

export async function getAccount({ knex }: StoreDb, accountId: string): Promise<StoredAccount | undefined> {
  const row = await knex<DbAccountRow>(TABLE_ACCOUNTS).where({ account_id: accountId }).first();
  if (!row) return undefined;
  const links = await knex(TABLE_ACCOUNT_PERMISSION_SETS)
    .where({ account_id: accountId })
    .select('permission_set_arn');
  return mapAccount(
    row,
    links.map(l => l.permission_set_arn),
  );
}

/**
 * Writes an account, and its enabled permission sets when given (replacing
 * them); with `onlyIfMissing`, only an account not stored yet.
 */
export async function upsertAccount(db: StoreDb, account: AccountInput, options?: UpsertOptions): Promise<void> {
  try {
    await writeAccount(db, account, options);
  } catch (e) {
    // Replicas seed configured accounts when they start: when two insert
    // the same one at once, the database lets one win, and that is enough.
    if (options?.onlyIfMissing && isUniqueViolation(e)) return;
    throw e;
  }
}

async function writeAccount({ knex }: StoreDb, account: AccountInput, options?: UpsertOptions): Promise<void> {
  await knex.transaction(async tx => {
    const existing = await tx(TABLE_ACCOUNTS).where({ account_id: account.accountId }).first();
    if (existing && options?.onlyIfMissing) return;
    const row = { ...accountRow(account), updated_at: Date.now() };
    if (existing) {
      await tx(TABLE_ACCOUNTS).where({ account_id: account.accountId }).update(row);
    } else {
      await tx(TABLE_ACCOUNTS).insert(row);
    }
    if (account.enabledPermissionSetArns) {
      await tx(TABLE_ACCOUNT_PERMISSION_SETS).where({ account_id: account.accountId }).delete();
      if (account.enabledPermissionSetArns.length) {
        await tx(TABLE_ACCOUNT_PERMISSION_SETS).insert(
          [...new Set(account.enabledPermissionSetArns)].map(arn => ({
            account_id: account.accountId,
            permission_set_arn: arn,
          })),
        );
      }
    }
  });
}
