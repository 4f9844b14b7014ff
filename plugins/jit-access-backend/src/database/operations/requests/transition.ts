import { nextStatus } from '@jit-access/plugin-jit-access-common';
import type { ApprovalStep } from '@jit-access/plugin-jit-access-common';
import { Knex } from 'knex';
import { DbBigInt, DbEventRow, DbRequestRow, TABLE_EVENTS, TABLE_REQUESTS, TABLE_STEPS } from '../../tables';
import type { Transition, TransitionResult } from '../../RequestStore';
import { StoreDb, Writer } from '../db';
import { mapEvent, mapRequest, patchToRow } from '../rows';
import { bumpPendingVersion } from './pendingVersion';

/**
 * Applies a guarded transition with its step changes and event, atomically;
 * undefined when the request moved on (nothing is written then). A
 * transition that rewrites the steps (rare: a config change) takes a
 * transaction on both databases; the others are one statement on PostgreSQL.
 */
export async function transition({ knex, pg }: StoreDb, t: Transition): Promise<TransitionResult | undefined> {
  if (pg && !t.setSteps) return transitionInOneStatement(knex, t);
  return knex.transaction(tx => transitionInTransaction(tx, t));
}

/** The writes of a transition, checked against the lifecycle. */
function transitionWrites(db: Writer, t: Transition) {
  // The lifecycle table of -common is the only source of legal moves: the
  // event's name gives the status it leads to (or throws).
  const to = nextStatus(t.from, t.event.name);
  const where: Record<string, unknown> = { id: t.requestId, status: t.from };
  if (t.fromStep !== undefined) where.current_step = t.fromStep;
  const update = db<DbRequestRow>(TABLE_REQUESTS)
    .where(where)
    .update({ status: to, updated_at: t.now, ...patchToRow(t.patch ?? {}) })
    .returning('*');
  const decide = t.decideStep && {
    status: t.decideStep.status,
    decided_by: t.decideStep.decidedBy,
    decided_at: t.now,
    comment: t.decideStep.comment ?? null,
  };
  const event = {
    request_id: t.requestId,
    actor: t.event.actor,
    at: t.now,
    type: t.event.name,
    from_status: t.from,
    to_status: to,
    comment: t.event.comment ?? null,
  };
  const result = (row: DbRequestRow, eventId: DbBigInt): TransitionResult => ({
    request: mapRequest(row),
    event: mapEvent({ ...event, id: eventId }),
  });
  const touchesPending = t.from === 'pending' || to === 'pending';
  return { update, decide, event, result, touchesPending };
}

/**
 * PostgreSQL: one statement with data-modifying CTEs, where the step
 * updates and the event insert happen only if the guarded update matched
 * (they read its RETURNING rows). Not for `setSteps`.
 */
async function transitionInOneStatement(db: Knex, t: Transition): Promise<TransitionResult | undefined> {
  const { update, decide, event, result, touchesPending } = transitionWrites(db, t);
  const matched = db.select(db.raw('1')).from('u');
  let q = db.with('u', update);
  if (decide) {
    q = q.with(
      'd',
      db(TABLE_STEPS).where({ request_id: t.requestId, step: t.decideStep!.step }).whereExists(matched).update(decide),
    );
  }
  if (t.openStep !== undefined) {
    q = q.with(
      'o',
      db(TABLE_STEPS).where({ request_id: t.requestId, step: t.openStep }).whereExists(matched).update({ status: 'pending' }),
    );
  }
  q = q.with(
    'e',
    db.raw(
      `INSERT INTO ${TABLE_EVENTS} (request_id, actor, at, type, from_status, to_status, comment) ` +
        'SELECT id, ?, ?, ?, ?, ?, ? FROM u RETURNING id',
      [event.actor, event.at, event.type, event.from_status, event.to_status, event.comment],
    ),
  );
  if (touchesPending) q = q.with('v', bumpPendingVersion(db, t.requestId, 'u'));
  const [row] = await q.select('u.*', { event_id: 'e.id' }).from('u').crossJoin('e' as any);
  return row ? result(row, row.event_id) : undefined;
}

/**
 * SQLite, a transition with `setSteps`, or the follow-up of a creation: the
 * same writes one after another inside the transaction `tx`.
 */
export async function transitionInTransaction(
  tx: Knex.Transaction,
  t: Transition,
): Promise<TransitionResult | undefined> {
  const { update, decide, event, result, touchesPending } = transitionWrites(tx, t);
  const [row] = await update;
  if (!row) return undefined;
  if (decide) {
    await tx(TABLE_STEPS).where({ request_id: t.requestId, step: t.decideStep!.step }).update(decide);
  }
  for (const step of t.setSteps ?? []) {
    // Only undecided steps are rewritten; decided ones keep their decision.
    const n = await tx(TABLE_STEPS)
      .where({ request_id: t.requestId, step: step.step })
      .whereIn('status', ['waiting', 'pending'])
      .update({ approver_kind: step.approverKind, status: step.status, added_reason: step.addedReason ?? null });
    const exists = n > 0 || (await tx(TABLE_STEPS).where({ request_id: t.requestId, step: step.step }).first());
    if (!exists) {
      await tx(TABLE_STEPS).insert({
        request_id: t.requestId,
        step: step.step,
        approver_kind: step.approverKind,
        status: step.status,
        added_reason: step.addedReason ?? null,
      });
    }
  }
  if (t.openStep !== undefined) {
    await tx(TABLE_STEPS).where({ request_id: t.requestId, step: t.openStep }).update({ status: 'pending' });
  }
  const [{ id: eventId }] = await tx<DbEventRow>(TABLE_EVENTS).insert(event).returning('id');
  if (touchesPending) await bumpPendingVersion(tx, t.requestId);
  return result(row, eventId);
}

/** The steps of a request after transition `t` was applied to them (as a transition writes them). */
export function stepsAfter(
  before: ApprovalStep[],
  t: Pick<Transition, 'decideStep' | 'openStep' | 'now' | 'setSteps'>,
): ApprovalStep[] {
  let steps = before;
  for (const set of t.setSteps ?? []) {
    const existing = steps.find(s => s.step === set.step);
    if (!existing) steps = [...steps, set];
    else if (existing.status === 'waiting' || existing.status === 'pending') {
      steps = steps.map(s => (s.step === set.step ? set : s));
    }
  }
  steps = [...steps].sort((a, b) => a.step - b.step);
  return steps.map(s => {
    if (t.decideStep && s.step === t.decideStep.step) {
      return {
        ...s,
        status: t.decideStep.status,
        decidedBy: t.decideStep.decidedBy,
        decidedAt: new Date(t.now).toISOString(),
        comment: t.decideStep.comment,
      };
    }
    if (t.openStep !== undefined && s.step === t.openStep) return { ...s, status: 'pending' };
    return s;
  });
}
