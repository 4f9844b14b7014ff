import { createApiRef } from '@backstage/core-plugin-api';
import type {
  AccessRequest,
  AccountActivity,
  AccountConfig,
  AccountConfigUpdate,
  AccountsResponse,
  CallerInfo,
  ConfigImpact,
  CreateRequestBody,
  JitSettings,
  Page,
  PermissionSetConfig,
  PolicyValidationResult,
  RequestDetail,
  RequestListQuery as ListedRequests,
  RequestView,
  RoleMappings,
  SessionListQuery as ListedSessions,
} from '@jit-access/plugin-jit-access-common';

/** The request lists of `GET /requests`. @public */
export type RequestListView = RequestView;

/**
 * `GET /requests` as a client asks for it: the query the backend reads
 * (`requestListQuerySchema` of the common package), the page size optional
 * (1..200, default 50). Pass a page's `nextCursor` as `cursor` for the next.
 * @public
 */
export type RequestListQuery = Omit<ListedRequests, 'limit'> & { limit?: number };

/** `GET /sessions` as a client asks for it (`sessionListQuerySchema`); see {@link RequestListQuery}. @public */
export type SessionListQuery = Omit<ListedSessions, 'limit'> & { limit?: number };

/** The JIT Access backend API (`/api/jit-access`). @public */
export interface JitAccessApi {
  getMe(): Promise<CallerInfo>;
  getAccounts(): Promise<AccountsResponse>;
  /** Activity of an account over the last `days` UTC days (1..90, default 30); owners and admins only. */
  getAccountActivity(accountId: string, days?: number): Promise<AccountActivity>;
  createRequest(body: CreateRequestBody): Promise<RequestDetail>;
  listRequests(query: RequestListQuery): Promise<Page<AccessRequest>>;
  getRequest(id: string): Promise<RequestDetail>;
  approve(id: string, comment?: string): Promise<RequestDetail>;
  reject(id: string, comment?: string): Promise<RequestDetail>;
  cancel(id: string): Promise<RequestDetail>;
  /** Closes the open review of a break-glass request; the comment is required. */
  closeReview(id: string, comment: string): Promise<RequestDetail>;
  listSessions(query: SessionListQuery): Promise<Page<AccessRequest>>;
  revoke(id: string, comment?: string): Promise<RequestDetail>;
  validatePolicy(policy: string): Promise<PolicyValidationResult>;
  listAccountConfigs(): Promise<AccountConfig[]>;
  updateAccountConfig(accountId: string, update: AccountConfigUpdate): Promise<AccountConfig>;
  /** What saving the update would do to open requests on the account (nothing is written). */
  previewAccountConfig(accountId: string, update: AccountConfigUpdate): Promise<ConfigImpact>;
  listPermissionSets(): Promise<PermissionSetConfig[]>;
  syncPermissionSets(): Promise<PermissionSetConfig[]>;
  setPermissionSetTwoLevels(arn: string, requiresTwoLevels: boolean): Promise<PermissionSetConfig>;
  /** What marking the set (not) two-level would do to its open requests (nothing is written). */
  previewPermissionSetTwoLevels(arn: string, requiresTwoLevels: boolean): Promise<ConfigImpact>;
  getSettings(): Promise<JitSettings>;
  putSettings(settings: JitSettings): Promise<JitSettings>;
  getRoles(): Promise<RoleMappings>;
}

/** @public */
export const jitAccessApiRef = createApiRef<JitAccessApi>({
  id: 'plugin.jit-access.service',
});
