import { DbRequestRow, TABLE_REQUESTS } from '../../tables';
import type { StoredRequest } from '../../RequestStore';
import { StoreDb } from '../db';
import { mapRequest } from '../rows';

/** The other grants of one assignment that are provisioning, active or ending. */
export async function listGrantsOfAssignment(
  { knex }: StoreDb,
  args: { excludeRequestId: string; principalId: string; accountId: string; permissionSetArn: string },
): Promise<StoredRequest[]> {
  const rows = await knex<DbRequestRow>(TABLE_REQUESTS)
    .where({
      principal_id: args.principalId,
      account_id: args.accountId,
      permission_set_arn: args.permissionSetArn,
    })
    .whereIn('status', ['provisioning', 'active', 'ending'])
    .whereNot('id', args.excludeRequestId);
  return rows.map(mapRequest);
}
