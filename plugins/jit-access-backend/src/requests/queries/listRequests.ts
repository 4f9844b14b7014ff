import { NotAllowedError } from '@backstage/errors';
import {
  type AccessRequest,
  type Page,
  type RequestAction,
  type RequestListQuery,
  jitAccessApproverFeaturesPermission,
  jitAccessRequestApproveFinalPermission,
  jitAccessRequestApprovePermission,
} from '@jit-access/plugin-jit-access-common';
import type { StoredRequest } from '../../database';
import type { JitRequestResource } from '../../permissions/rules';
import { type Caller, ownsAccount } from '../../service/types';
import type { RequestsContext } from '../context';
import { peopleNamedIn, withNamesFrom } from '../people';

/** A request list as asked for: the view, its filters and the page (`requestListQuerySchema` of -common). */
export type { RequestListQuery };

/**
 * The actions of a request on Pending approvals: only requests whose current
 * step the caller may approve are listed, and rejecting a step follows the
 * same rule as approving it (decideApproval).
 */
const DECIDABLE: RequestAction[] = [
  { action: 'approve', allowed: true },
  { action: 'reject', allowed: true },
];

/** Which accounts' requests an approver sees: all for admins and approvers, else the accounts they own. */
export type ApproverScope = { all: true } | { all: false; accountIds: string[] };

/** The request lists: the caller's own, Pending approvals, Request history and break-glass reviews. */
export class RequestLists {
  /**
   * The approvals response last made of a kept page of pending requests
   * (PendingPages), with the ids it shows: the next caller whose decisions
   * let them see the same requests gets the same object, which the router
   * sends as bytes already encoded (sendSharedJson).
   */
  readonly #approvalsOf = new WeakMap<object, { shown: string; response: Page<AccessRequest> }>();

  constructor(private readonly ctx: RequestsContext) {}

  async list(caller: Caller, q: RequestListQuery): Promise<Page<AccessRequest>> {
    const { deps, people } = this.ctx;
    const range = { createdAfter: q.createdAfter, createdBefore: q.createdBefore };
    if (q.view === 'mine') {
      const page = await deps.store.listRequests({
        ...range,
        requester: caller.userEntityRef,
        statuses: q.status,
        accountIds: q.accountId ? [q.accountId] : undefined,
        cursor: q.cursor,
        limit: q.limit,
      });
      return { items: await people.withNames(page.items), nextCursor: page.nextCursor };
    }
    const scope = await this.approverScope(caller);
    if (!scope) {
      throw new NotAllowedError(
        'Pending approvals and Request history need the Approver role or ownership of an onboarded account',
      );
    }
    let accountIds = scope.all ? undefined : scope.accountIds;
    if (q.accountId) {
      if (accountIds && !accountIds.includes(q.accountId)) return { items: [] };
      accountIds = [q.accountId];
    }
    if (q.view === 'history') {
      const page = await deps.store.listRequests({ ...range, accountIds, statuses: q.status, cursor: q.cursor, limit: q.limit });
      return { items: await people.withNames(page.items), nextCursor: page.nextCursor };
    }
    return this.toDecide(caller, q, { ...range, accountIds });
  }

  /**
   * Pending approvals (pending requests whose current step the caller may
   * decide) and reviews (break-glass requests with an open review the caller
   * may close): the verdict of each request on the page, for this caller.
   */
  private async toDecide(
    caller: Caller,
    q: RequestListQuery,
    scope: { accountIds?: string[]; createdAfter?: number; createdBefore?: number },
  ): Promise<Page<AccessRequest>> {
    const { deps, access, accounts, people, pendingPages } = this.ctx;
    const reviews = q.view === 'reviews';
    const page = await pendingPages.list({
      ...scope,
      statuses: reviews ? q.status : ['pending'],
      reviewStatus: reviews ? 'open' : undefined,
      excludeRequester: caller.userEntityRef,
      cursor: q.cursor,
      limit: q.limit,
      withSteps: true,
    });
    // The page's steps come with it, and one permission call decides for
    // the whole page, not a round of each per request.
    const resources = await accounts.resources(page.items);
    const steps = page.steps!;
    const decisions = await deps.authorizer.forRequestList(caller, resources, [
      jitAccessRequestApprovePermission,
      jitAccessRequestApproveFinalPermission,
    ]);
    const shown: StoredRequest[] = [];
    for (const [i, r] of page.items.entries()) {
      const d = decisions.get(r.id)!;
      const actor = {
        isOwner: ownsAccount(caller, resources[i].accountOwners),
        mayApprove: d.get(jitAccessRequestApprovePermission.name)!,
        isAdmin: d.get(jitAccessRequestApproveFinalPermission.name)!,
      };
      const verdict = reviews
        ? access.reviewAction(caller, r, actor)
        : access.decisionAction(caller, r, steps.get(r.id)!, actor, 'approve');
      if (verdict.allowed) shown.push(r);
    }
    // The names of the shown requests' people, in one directory call (its
    // reads are cached, so an unchanged page costs no catalog call).
    const names = await people.namesOf(shown.flatMap(peopleNamedIn));
    if (reviews) return { items: shown.map(r => withNamesFrom(r, names)), nextCursor: page.nextCursor };
    // Decided for this caller now; what the shown requests look like is the
    // page's and their people's names, so the same requests shown with the
    // same names make the same response (a name changed in the catalog makes
    // a new one).
    const shownKey = shown.map(r => `${r.id}\t${names.get(r.requester) ?? ''}`).join('\n');
    const last = this.#approvalsOf.get(page);
    if (last?.shown === shownKey) return last.response;
    const response = {
      items: shown.map(r => ({ ...withNamesFrom(r, names), actions: DECIDABLE })),
      nextCursor: page.nextCursor,
    };
    this.#approvalsOf.set(page, { shown: shownKey, response });
    return response;
  }

  async approverScope(caller: Caller): Promise<ApproverScope | undefined> {
    if (await this.ctx.deps.authorizer.isAllowed(caller, jitAccessApproverFeaturesPermission)) return { all: true };
    const owned = await this.ctx.accounts.ownedAccountIds(caller);
    if (owned.length) return { all: false, accountIds: owned };
    return undefined;
  }

  /**
   * What the permission backend's apply-conditions call gets for a batch of
   * request ids (the plugin's `getResources`): loaded in one query, in the
   * order asked, undefined for an unknown id.
   */
  async permissionResources(ids: string[]): Promise<Array<JitRequestResource | undefined>> {
    const loaded = await this.ctx.deps.store.getRequests([...new Set(ids)]);
    const byId = new Map((await this.ctx.accounts.resources(loaded)).map(r => [r.id, r]));
    return ids.map(id => byId.get(id));
  }
}
