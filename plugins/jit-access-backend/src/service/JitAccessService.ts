import type {
  AccessRequest,
  AccountActivity,
  AccountsResponse,
  CallerInfo,
  CreateRequestBody,
  JitSettings,
  Page,
  RequestDetail,
} from '@jit-access/plugin-jit-access-common';
import { RequestAccess } from '../requests/access';
import { AccountListView } from '../requests/accountList';
import { cancelRequest, endSession } from '../requests/commands/endRequest';
import { closeReview, decideRequest } from '../requests/commands/decide';
import { createRequest } from '../requests/commands/createRequest';
import type { RequestsContext, RequestsDeps } from '../requests/context';
import { requestDetail } from '../requests/detail';
import { RequestPeople } from '../requests/people';
import { accountActivity, callerInfo, requestableAccounts } from '../requests/queries/caller';
import { type RequestListQuery, RequestLists } from '../requests/queries/listRequests';
import type { JitRequestResource } from '../permissions/rules';
import { ConfigCache } from './ConfigCache';
import { PendingPages } from './PendingPages';
import type { Caller } from './types';

export type { RequestView, WorkTrigger } from '../requests/context';

/**
 * The request API of JIT Access, as the router calls it: each method is a
 * command (src/requests/commands) or a query (src/requests/queries) over
 * one shared context. Commands enforce the verdict the detail view shows
 * (src/requests/access.ts); every state change is a guarded transition in
 * the store, so concurrent decisions yield one winner and one 409.
 */
export class JitAccessService {
  private readonly ctx: RequestsContext;
  private readonly lists: RequestLists;

  constructor(deps: RequestsDeps) {
    const config = deps.config ?? new ConfigCache(deps.store, deps.settingsDefaults, undefined, deps.directory);
    const accounts = new AccountListView({
      config,
      directory: deps.directory,
      authorizer: deps.authorizer,
      accountsFromCatalog: !!deps.accountsFromCatalog,
    });
    this.ctx = {
      deps,
      now: () => deps.now?.() ?? Date.now(),
      config,
      pendingPages: new PendingPages(deps.store),
      accounts,
      people: new RequestPeople(deps),
      access: new RequestAccess({ store: deps.store, authorizer: deps.authorizer, accounts }),
    };
    this.lists = new RequestLists(this.ctx);
  }

  settings(): Promise<JitSettings> {
    return this.ctx.config.settings();
  }

  me(caller: Caller): Promise<CallerInfo> {
    return callerInfo(this.ctx, caller);
  }

  /** Onboarded accounts the caller owns. */
  ownedAccountIds(caller: Caller): Promise<string[]> {
    return this.ctx.accounts.ownedAccountIds(caller);
  }

  requestableAccounts(caller: Caller): Promise<AccountsResponse> {
    return requestableAccounts(this.ctx, caller);
  }

  accountActivity(caller: Caller, accountId: string, days: number): Promise<AccountActivity> {
    return accountActivity(this.ctx, caller, accountId, days);
  }

  /**
   * A new request. One by a requester known to have no Identity Center
   * user is refused (400) before anything is written: it could never be
   * granted, so it must not wait for approvals.
   */
  createRequest(caller: Caller, input: CreateRequestBody): Promise<RequestDetail> {
    return createRequest(this.ctx, caller, input);
  }

  async getRequest(caller: Caller, id: string): Promise<RequestDetail> {
    return requestDetail(this.ctx, caller, await this.ctx.access.visibleRequest(caller, id));
  }

  listRequests(caller: Caller, q: RequestListQuery): Promise<Page<AccessRequest>> {
    return this.lists.list(caller, q);
  }

  listSessions(
    caller: Caller,
    q: { view: 'mine' | 'managed'; accountId?: string; cursor?: string; limit: number },
  ): Promise<Page<AccessRequest>> {
    return this.lists.list(caller, {
      view: q.view === 'mine' ? 'mine' : 'history',
      status: ['active'],
      accountId: q.accountId,
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  /** Which accounts' requests an approver sees: all for admins and approvers. */
  approverScope(caller: Caller) {
    return this.lists.approverScope(caller);
  }

  permissionResources(ids: string[]): Promise<Array<JitRequestResource | undefined>> {
    return this.lists.permissionResources(ids);
  }

  decide(caller: Caller, id: string, action: 'approve' | 'reject', comment?: string): Promise<RequestDetail> {
    return decideRequest(this.ctx, caller, id, action, comment);
  }

  closeReview(caller: Caller, id: string, comment: string): Promise<RequestDetail> {
    return closeReview(this.ctx, caller, id, comment);
  }

  cancel(caller: Caller, id: string, comment?: string): Promise<RequestDetail> {
    return cancelRequest(this.ctx, caller, id, comment);
  }

  /** Revoke (owner/admin) or end early (requester) an active session. */
  revoke(caller: Caller, id: string, comment?: string): Promise<RequestDetail> {
    return endSession(this.ctx, caller, id, comment);
  }
}
