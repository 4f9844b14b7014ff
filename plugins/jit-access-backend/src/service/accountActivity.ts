import type {
  AccountActivity,
  PermissionSetSessions,
  RequestOutcome,
  RequestStatus,
} from '@jit-access/plugin-jit-access-common';
import type { AccountActivityCounts, StoredAccount } from '../database';

const DAY_MS = 86_400_000;

/** At most this many requesters in `topRequesters`. */
export const TOP_REQUESTERS = 10;

const OUTCOME_OF: Record<RequestStatus, RequestOutcome> = {
  pending: 'pending',
  approved: 'granted',
  provisioning: 'granted',
  active: 'granted',
  ending: 'granted',
  expired: 'granted',
  revoked: 'granted',
  ended: 'granted',
  rejected: 'rejected',
  cancelled: 'cancelled',
  timed_out: 'timed_out',
  failed: 'failed',
};

/**
 * The window of `days` UTC days that ends now: from 00:00 UTC of the day
 * `days - 1` days before today. `days` = 1 is today so far.
 */
export function activityWindow(now: number, days: number): { from: number; firstDay: number } {
  const firstDay = Math.floor(now / DAY_MS) - (days - 1);
  return { from: firstDay * DAY_MS, firstDay };
}

/** Turns the store's raw counts into the API's shape: every day present, sorted, named. */
export function toAccountActivity(args: {
  account: StoredAccount;
  days: number;
  now: number;
  counts: AccountActivityCounts;
  names: Map<string, string>;
}): AccountActivity {
  const { account, days, now, counts, names } = args;
  const { from, firstDay } = activityWindow(now, days);
  const perDay = Array.from({ length: days }, (_, i) => ({
    date: new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10),
    sessions: 0,
    byPermissionSet: [] as PermissionSetSessions[],
  }));
  const bySet = new Map<string | null, number>();
  for (const row of counts.sessions) {
    const day = perDay[row.day - firstDay];
    if (!day) continue; // the store filters by `from`; nothing can be later than today
    day.sessions += row.sessions;
    day.byPermissionSet.push({ permissionSetName: row.permissionSetName, sessions: row.sessions });
    bySet.set(row.permissionSetName, (bySet.get(row.permissionSetName) ?? 0) + row.sessions);
  }
  for (const day of perDay) day.byPermissionSet.sort(bySessionsThenName);
  const outcomes: Record<RequestOutcome, number> = {
    pending: 0,
    granted: 0,
    rejected: 0,
    cancelled: 0,
    timed_out: 0,
    failed: 0,
  };
  for (const s of counts.statuses) outcomes[OUTCOME_OF[s.status]] += s.requests;
  return {
    accountId: account.accountId,
    accountName: account.name,
    days,
    from: new Date(from).toISOString(),
    to: new Date(now).toISOString(),
    totalSessions: perDay.reduce((n, d) => n + d.sessions, 0),
    perDay,
    byPermissionSet: [...bySet]
      .map(([permissionSetName, sessions]) => ({ permissionSetName, sessions }))
      .sort(bySessionsThenName),
    topRequesters: counts.topRequesters.map(r => ({
      requester: r.requester,
      name: names.get(r.requester),
      requests: r.requests,
    })),
    medianMinutesToApprove:
      counts.medianMsToApprove === null ? null : counts.medianMsToApprove / 60_000,
    approvedRequests: counts.approvedRequests,
    outcomes,
  };
}

function bySessionsThenName(a: PermissionSetSessions, b: PermissionSetSessions): number {
  return b.sessions - a.sessions || (a.permissionSetName ?? '').localeCompare(b.permissionSetName ?? '');
}
