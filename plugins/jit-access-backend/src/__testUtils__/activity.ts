/*
 * Requests written straight into the tables with chosen times, for tests of
 * an account's activity (what the lifecycle would have left behind).
 */
import { Knex } from 'knex';

const MIN = 60_000;

export interface SeededRequest {
  id: string;
  requester: string;
  accountId: string;
  createdAt: number;
  status: string;
  /** Null or absent: a custom policy. */
  permissionSetName?: string | null;
  activatedAt?: number;
  /** Minutes after creation each step was decided, in order; the last one is the final decision. */
  stepsAfterMinutes?: number[];
  /** How the last step ended (default approved). */
  lastStep?: 'approved' | 'rejected';
  breakGlass?: boolean;
}

export async function seedRequest(knex: Knex, r: SeededRequest): Promise<void> {
  const steps = r.stepsAfterMinutes ?? [];
  const custom = !r.permissionSetName;
  await knex('jit_requests').insert({
    id: r.id,
    requester: r.requester,
    account_id: r.accountId,
    account_name: r.accountId,
    kind: custom ? 'custom' : 'standard',
    permission_set_name: r.permissionSetName ?? null,
    permission_set_arn: custom ? null : `arn:aws:sso:::permissionSet/ssoins-test/${r.permissionSetName}`,
    requested_minutes: 60,
    effective_minutes: 60,
    duration_cause: 'requested',
    reason: 'activity test',
    status: r.status,
    required_steps: Math.max(steps.length, 1),
    created_at: r.createdAt,
    updated_at: r.createdAt,
    decided_at: steps.length ? r.createdAt + steps[steps.length - 1] * MIN : null,
    activated_at: r.activatedAt ?? null,
    break_glass: !!r.breakGlass,
  });
  for (const [i, after] of steps.entries()) {
    const last = i === steps.length - 1;
    let approverKind = custom && i === 0 && steps.length === 2 ? 'owner' : 'owner-or-admin';
    if (r.breakGlass) approverKind = 'break-glass';
    else if (i === 1) approverKind = 'admin';
    await knex('jit_approval_steps').insert({
      request_id: r.id,
      step: i + 1,
      approver_kind: approverKind,
      status: last ? r.lastStep ?? 'approved' : 'approved',
      decided_by: 'user:default/carol',
      decided_at: r.createdAt + after * MIN,
    });
  }
}
