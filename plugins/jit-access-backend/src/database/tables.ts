/** Table names and raw row shapes. Row types stay apart from domain types. */

export { REQUEST_ID_PATTERN } from '@jit-access/plugin-jit-access-common';

export const TABLE_ACCOUNTS = 'jit_accounts';
export const TABLE_PERMISSION_SETS = 'jit_permission_sets';
export const TABLE_ACCOUNT_PERMISSION_SETS = 'jit_account_permission_sets';
export const TABLE_SETTINGS = 'jit_settings';
export const TABLE_REQUESTS = 'jit_requests';
export const TABLE_STEPS = 'jit_approval_steps';
export const TABLE_EVENTS = 'jit_request_events';
export const TABLE_LOCKS = 'jit_locks';
export const TABLE_PENDING_VERSIONS = 'jit_pending_versions';
export const TABLE_CONFIG_CHANGES = 'jit_config_changes';

/** Rows of TABLE_PENDING_VERSIONS (migration 20261202100000_pending_versions). */
export const PENDING_VERSION_SLOTS = 16;

/** The counter of TABLE_PENDING_VERSIONS a write to this request adds to. */
export function pendingVersionSlot(requestId: string): number {
  let h = 0;
  for (let i = 0; i < requestId.length; i++) h = (h * 31 + requestId.charCodeAt(i)) >>> 0;
  return h % PENDING_VERSION_SLOTS;
}

/** PostgreSQL returns bigint columns as strings; SQLite as numbers. */
export type DbBigInt = number | string;

export type DbAccountRow = {
  account_id: string;
  name: string;
  entity_ref: string | null;
  onboarded: boolean | number;
  custom_policy_allowed: boolean | number;
  break_glass_allowed: boolean | number;
  assigned_owners: string;
  updated_at: DbBigInt;
};

export type DbPermissionSetRow = {
  arn: string;
  name: string;
  description: string | null;
  session_duration: string;
  requires_two_levels: boolean | number;
  source: string;
  synced_at: DbBigInt | null;
};

export type DbRequestRow = {
  id: string;
  requester: string;
  account_id: string;
  account_name: string;
  account_entity_ref: string | null;
  kind: string;
  permission_set_arn: string | null;
  permission_set_name: string | null;
  custom_policy: string | null;
  requested_minutes: number;
  effective_minutes: number;
  duration_cause: string;
  reason: string;
  ticket: string | null;
  start_at: DbBigInt | null;
  status: string;
  current_step: number | null;
  required_steps: number;
  status_reason: string | null;
  end_reason: string | null;
  principal_id: string | null;
  assignment_preexisting: boolean | number | null;
  temp_permission_set_arn: string | null;
  attempts: number;
  next_attempt_at: DbBigInt | null;
  lease_owner: string | null;
  lease_until: DbBigInt | null;
  created_at: DbBigInt;
  updated_at: DbBigInt;
  decided_at: DbBigInt | null;
  activated_at: DbBigInt | null;
  expires_at: DbBigInt | null;
  ended_at: DbBigInt | null;
  extends_request_id: string | null;
  warned_at: DbBigInt | null;
  break_glass: boolean | number;
  review_status: string | null;
  review_closed_by: string | null;
  review_closed_at: DbBigInt | null;
  review_comment: string | null;
};

export type DbStepRow = {
  request_id: string;
  step: number;
  approver_kind: string;
  status: string;
  decided_by: string | null;
  decided_at: DbBigInt | null;
  comment: string | null;
  added_reason?: string | null;
};

export type DbEventRow = {
  id: DbBigInt;
  request_id: string;
  actor: string;
  at: DbBigInt;
  type: string;
  from_status: string | null;
  to_status: string | null;
  comment: string | null;
};

export function toMs(v: DbBigInt | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'number' ? v : Number(v);
}

export function toIso(v: DbBigInt | null | undefined): string | undefined {
  const ms = toMs(v);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export function toBool(v: boolean | number | null | undefined): boolean {
  return v === true || v === 1;
}
