import type { RequestStatus } from '@jit-access/plugin-jit-access-common';
import { DbBigInt, TABLE_REQUESTS, TABLE_STEPS } from '../../tables';
import type { AccountActivityCounts } from '../../RequestStore';
import { StoreDb } from '../db';

const DAY_MS = 86_400_000;

/**
 * Portable SQL for SQLite and PostgreSQL: times are epoch-ms integers, so
 * `activated_at / 86400000` is the UTC day in both (integer division), and
 * the median takes the middle one or two rows by `row_number()` over the
 * sorted durations, which both support.
 */
export async function accountActivity(
  { knex }: StoreDb,
  args: {
    accountId: string;
    from: number;
    topRequesters: number;
  },
): Promise<AccountActivityCounts> {
  const { accountId, from } = args;
  const created = () =>
    knex(TABLE_REQUESTS).where('account_id', accountId).andWhere('created_at', '>=', from);
  const [sessions, top, statuses, median] = await Promise.all([
    knex(TABLE_REQUESTS)
      .select(knex.raw(`activated_at / ${DAY_MS} as day`), 'permission_set_name')
      .count({ sessions: '*' })
      .where('account_id', accountId)
      .andWhere('activated_at', '>=', from)
      .groupByRaw(`activated_at / ${DAY_MS}, permission_set_name`),
    created()
      .select('requester')
      .count({ requests: '*' })
      .groupBy('requester')
      .orderBy([{ column: 'requests', order: 'desc' }, { column: 'requester' }])
      .limit(args.topRequesters),
    created().select('status').count({ requests: '*' }).groupBy('status'),
    knex
      .select(knex.raw('avg(ms) as median, max(n) as n'))
      .from(
        knex(`${TABLE_REQUESTS} as r`)
          .join(`${TABLE_STEPS} as s`, b =>
            b.on('s.request_id', 'r.id').andOn('s.step', 'r.required_steps'),
          )
          .select(
            knex.raw('s.decided_at - r.created_at as ms'),
            knex.raw('row_number() over (order by s.decided_at - r.created_at) as rn'),
            knex.raw('count(*) over () as n'),
          )
          .where('r.account_id', accountId)
          // Set in the same transition as the final step's decision: the
          // same time, and an index (account_id, decided_at) to find them by.
          .andWhere('r.decided_at', '>=', from)
          .andWhere('s.status', 'approved')
          .andWhereNot('s.approver_kind', 'break-glass')
          .andWhere('s.decided_at', '>=', from)
          .as('t'),
      )
      .whereRaw('rn in ((n + 1) / 2, (n + 2) / 2)'),
  ]);
  const m = median[0] as { median: DbBigInt | null; n: DbBigInt | null } | undefined;
  return {
    sessions: sessions.map((r: any) => ({
      day: Number(r.day),
      permissionSetName: r.permission_set_name ?? null,
      sessions: Number(r.sessions),
    })),
    topRequesters: top.map((r: any) => ({ requester: r.requester, requests: Number(r.requests) })),
    statuses: statuses.map((r: any) => ({ status: r.status as RequestStatus, requests: Number(r.requests) })),
    medianMsToApprove: m?.median === null || m?.median === undefined ? null : Number(m.median),
    approvedRequests: m?.n === null || m?.n === undefined ? 0 : Number(m.n),
  };
}
