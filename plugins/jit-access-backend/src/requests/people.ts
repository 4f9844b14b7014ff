import type { AccessRequest, ApprovalStep, Approver } from '@jit-access/plugin-jit-access-common';
import type { StoredRequest } from '../database';
import { type AccountDirectory, type Person, toApprover } from '../service/AccountDirectory';
import type { JitAuthorizer } from '../service/JitAuthorizer';
import { SYSTEM_ACTOR, SYSTEM_ACTOR_NAME } from '../service/types';

/** The people of requests by name: requesters, deciders, approvers. */
export class RequestPeople {
  constructor(private readonly deps: { directory: AccountDirectory; authorizer: JitAuthorizer }) {}

  /**
   * Display names of people by entity ref, in one directory call for all
   * of them (one catalog read for those not cached); the system actor is
   * "JIT Access"; people not in the catalog are left out.
   */
  async namesOf(refs: string[]): Promise<Map<string, string>> {
    const users = [...new Set(refs)].filter(r => r !== SYSTEM_ACTOR);
    const people = users.length ? await this.deps.directory.users(users) : new Map<string, Person>();
    const names = new Map([...people].map(([ref, p]) => [ref, p.name]));
    if (refs.includes(SYSTEM_ACTOR)) names.set(SYSTEM_ACTOR, SYSTEM_ACTOR_NAME);
    return names;
  }

  /** A page's requests as the API shows them, with their people's names resolved in one batch. */
  async withNames(requests: StoredRequest[]): Promise<AccessRequest[]> {
    const names = await this.namesOf(requests.flatMap(peopleNamedIn));
    return requests.map(r => withNamesFrom(r, names));
  }

  /** Who can decide the current step, by name (never the requester, never the step-1 approver). */
  async approversOf(request: StoredRequest, steps: ApprovalStep[], owners: string[]): Promise<Approver[]> {
    if (request.status !== 'pending') return [];
    const step = steps.find(s => s.step === request.currentStep);
    if (!step) return [];
    const excluded = new Set([request.requester, ...steps.filter(s => s.status === 'approved').map(s => s.decidedBy)]);
    const result = new Map<string, Approver>();
    const add = async (groups: string[], role: string) => {
      for (const group of groups) {
        for (const p of await this.deps.directory.peopleOf([group])) {
          if (!excluded.has(p.entityRef) && !result.has(p.entityRef)) {
            result.set(p.entityRef, toApprover(p, `${role} through ${group}`));
          }
        }
      }
    };
    if (step.approverKind !== 'admin') await add(owners, 'owner');
    if (step.approverKind !== 'owner') await add(this.deps.authorizer.adminGroupRefs(), 'admin');
    return [...result.values()];
  }
}

/** The people a request shows by name in a list: its requester and who closed its review. */
export function peopleNamedIn(r: StoredRequest): string[] {
  return r.review?.closedBy ? [r.requester, r.review.closedBy] : [r.requester];
}

/** A request as the API shows it, with the names of its people (those found in `names`). */
export function withNamesFrom(r: StoredRequest, names: Map<string, string>): AccessRequest {
  const out: AccessRequest = { ...toPublic(r), requesterName: names.get(r.requester) };
  if (r.review) {
    out.review = {
      ...r.review,
      closedByName: r.review.closedBy ? names.get(r.review.closedBy) : undefined,
    };
  }
  return out;
}

/** Drops the engine's bookkeeping from a stored request. */
export function toPublic(r: StoredRequest): AccessRequest {
  const {
    endReason: _e,
    principalId: _p,
    assignmentPreexisting: _a,
    tempPermissionSetArn: _t,
    attempts: _n,
    nextAttemptAt: _x,
    ...rest
  } = r;
  return rest;
}
