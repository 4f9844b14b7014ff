import { DbBigInt, DbEventRow, DbRequestRow, DbStepRow, TABLE_EVENTS, TABLE_REQUESTS, TABLE_STEPS } from '../../tables';
import { RequestIdTakenError } from '../../errors';
import type { LoadedRequest, NewRequest, Transition } from '../../RequestStore';
import { isUniqueViolation, StoreDb } from '../db';
import { mapEvent, mapRequest, mapStep } from '../rows';
import { bumpPendingVersion } from './pendingVersion';
import { stepsAfter, transitionInTransaction } from './transition';

/** The constraints (PostgreSQL) or columns (SQLite) a taken request id violates. */
const TAKEN_ID = /jit_requests_pkey|jit_requests\.id\b|jit_approval_steps_pk|jit_approval_steps\.request_id/;

/**
 * Stores a new request with its steps and its created event, and the
 * follow-up transition when there is one; returns them as stored. Throws
 * RequestIdTakenError, having written nothing, when its id is taken.
 */
export async function createRequest(db: StoreDb, n: NewRequest): Promise<LoadedRequest> {
  try {
    return await insertRequest(db, n);
  } catch (e) {
    // A primary key refused the id: the request's, or that of the steps of
    // the request that has it (PostgreSQL runs the CTEs in no set order).
    // The statement or transaction wrote nothing.
    const e2 = e as { constraint?: string; message?: string };
    if (isUniqueViolation(e) && TAKEN_ID.test(`${e2.constraint ?? ''} ${e2.message ?? ''}`)) {
      throw new RequestIdTakenError(n.request.id);
    }
    throw e;
  }
}

/** The rows of a new request, and what it is once they are stored. */
function newRows({ request: r, steps, actor }: NewRequest) {
  const now = Date.parse(r.createdAt);
  const row: Partial<DbRequestRow> = {
    id: r.id,
    requester: r.requester,
    account_id: r.accountId,
    account_name: r.accountName,
    account_entity_ref: r.accountEntityRef ?? null,
    kind: r.kind,
    permission_set_arn: r.permissionSetArn ?? null,
    permission_set_name: r.permissionSetName ?? null,
    custom_policy: r.customPolicy ?? null,
    extends_request_id: r.extendsRequestId ?? null,
    requested_minutes: r.requestedDurationMinutes,
    effective_minutes: r.effectiveDurationMinutes,
    duration_cause: r.durationCause,
    reason: r.reason,
    ticket: r.ticket ?? null,
    start_at: r.startAt ? Date.parse(r.startAt) : null,
    status: r.status,
    current_step: r.currentStep ?? null,
    required_steps: r.requiredSteps,
    status_reason: r.statusReason ?? null,
    break_glass: !!r.breakGlass,
    review_status: r.review?.status ?? null,
    attempts: 0,
    created_at: now,
    updated_at: now,
  };
  const stepRows = steps.map(s => ({ request_id: r.id, step: s.step, approver_kind: s.approverKind, status: s.status }));
  const created = {
    request_id: r.id,
    actor,
    at: now,
    type: 'created',
    from_status: null,
    to_status: r.status,
    comment: null,
  };
  const loaded = (stored: DbRequestRow, eventId: DbBigInt): LoadedRequest => ({
    request: mapRequest(stored),
    steps: stepRows.map(s => mapStep({ ...s, decided_by: null, decided_at: null, comment: null })),
    events: [mapEvent({ ...created, id: eventId })],
  });
  return { now, row, stepRows, created, loaded };
}

async function insertRequest({ knex, pg }: StoreDb, n: NewRequest): Promise<LoadedRequest> {
  const { request: r, then } = n;
  if (then && then.from !== r.status) {
    throw new Error(`Request ${r.id} is created ${r.status}, not ${then.from}`);
  }
  const { now, row, stepRows, created, loaded } = newRows(n);

  // PostgreSQL: one statement with data-modifying CTEs.
  if (pg && !then) {
    let q = knex
      .with('r', knex(TABLE_REQUESTS).insert(row).returning('*'))
      .with('s', knex(TABLE_STEPS).insert(stepRows))
      .with('e', knex(TABLE_EVENTS).insert(created).returning('id'));
    if (r.status === 'pending') q = q.with('v', bumpPendingVersion(knex, r.id, 'r'));
    const [stored] = await q
      .select('r.*', { event_id: 'e.id' })
      .from('r')
      .crossJoin('e' as any);
    return loaded(stored, stored.event_id);
  }

  // SQLite, or a creation with its follow-up transition: one transaction.
  return knex.transaction(async tx => {
    const [stored] = await tx<DbRequestRow>(TABLE_REQUESTS).insert(row).returning('*');
    await tx<DbStepRow>(TABLE_STEPS).insert(stepRows);
    const [{ id: eventId }] = await tx<DbEventRow>(TABLE_EVENTS).insert(created).returning('id');
    const result = loaded(stored, eventId);
    if (!then) {
      if (r.status === 'pending') await bumpPendingVersion(tx, r.id);
      return result;
    }
    const t: Transition = { ...then, requestId: r.id, now };
    // (bumps the version if it takes the new request out of pending)
    const applied = await transitionInTransaction(tx, t);
    if (!applied) {
      throw new Error(`Request ${r.id} was not ${then.from} right after its creation`);
    }
    return {
      request: applied.request,
      steps: stepsAfter(result.steps, t),
      events: [...result.events, applied.event],
    };
  });
}
