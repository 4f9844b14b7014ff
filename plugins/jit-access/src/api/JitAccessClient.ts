import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
  RoleMappings,
} from '@jit-access/plugin-jit-access-common';
import { JitAccessApi, RequestListQuery, SessionListQuery } from './JitAccessApi';

/** {@link JitAccessApi} over `fetchApi` and `discoveryApi`. @public */
export class JitAccessClient implements JitAccessApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('jit-access');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`, {
      method,
      headers: body !== undefined ? { 'Content-Type': 'application/json' } : undefined,
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) {
      // The backend says what is wrong; that, not "Request failed with 400", is what the user reads.
      const error = await ResponseError.fromResponse(res);
      const explanation = error.body?.error?.message;
      if (explanation) error.message = explanation;
      throw error;
    }
    return (await res.json()) as T;
  }

  getMe() {
    return this.call<CallerInfo>('GET', '/me');
  }
  getAccounts() {
    return this.call<AccountsResponse>('GET', '/accounts');
  }
  getAccountActivity(accountId: string, days?: number) {
    const query = days === undefined ? '' : `?days=${days}`;
    return this.call<AccountActivity>('GET', `/accounts/${encodeURIComponent(accountId)}/activity${query}`);
  }
  createRequest(body: CreateRequestBody) {
    return this.call<RequestDetail>('POST', '/requests', body);
  }
  listRequests(q: RequestListQuery) {
    const params = new URLSearchParams({ view: q.view });
    if (q.status?.length) params.set('status', q.status.join(','));
    if (q.accountId) params.set('accountId', q.accountId);
    if (q.cursor) params.set('cursor', q.cursor);
    if (q.limit) params.set('limit', String(q.limit));
    return this.call<Page<AccessRequest>>('GET', `/requests?${params}`);
  }
  getRequest(id: string) {
    return this.call<RequestDetail>('GET', `/requests/${encodeURIComponent(id)}`);
  }
  approve(id: string, comment?: string) {
    return this.call<RequestDetail>('POST', `/requests/${encodeURIComponent(id)}/approve`, { comment });
  }
  reject(id: string, comment?: string) {
    return this.call<RequestDetail>('POST', `/requests/${encodeURIComponent(id)}/reject`, { comment });
  }
  cancel(id: string) {
    return this.call<RequestDetail>('POST', `/requests/${encodeURIComponent(id)}/cancel`, {});
  }
  closeReview(id: string, comment: string) {
    return this.call<RequestDetail>('POST', `/requests/${encodeURIComponent(id)}/review`, { comment });
  }
  listSessions(q: SessionListQuery) {
    const params = new URLSearchParams({ view: q.view });
    if (q.accountId) params.set('accountId', q.accountId);
    if (q.cursor) params.set('cursor', q.cursor);
    if (q.limit) params.set('limit', String(q.limit));
    return this.call<Page<AccessRequest>>('GET', `/sessions?${params}`);
  }
  revoke(id: string, comment?: string) {
    return this.call<RequestDetail>('POST', `/sessions/${encodeURIComponent(id)}/revoke`, { comment });
  }
  validatePolicy(policy: string) {
    return this.call<PolicyValidationResult>('POST', '/policies/validate', { policy });
  }
  async listAccountConfigs() {
    return (await this.call<{ items: AccountConfig[] }>('GET', '/config/accounts')).items;
  }
  updateAccountConfig(accountId: string, update: AccountConfigUpdate) {
    return this.call<AccountConfig>('PUT', `/config/accounts/${encodeURIComponent(accountId)}`, update);
  }
  previewAccountConfig(accountId: string, update: AccountConfigUpdate) {
    return this.call<ConfigImpact>('POST', `/config/accounts/${encodeURIComponent(accountId)}/impact`, update);
  }
  async listPermissionSets() {
    return (await this.call<{ items: PermissionSetConfig[] }>('GET', '/config/permission-sets')).items;
  }
  async syncPermissionSets() {
    return (await this.call<{ items: PermissionSetConfig[] }>('POST', '/config/permission-sets/sync', {})).items;
  }
  setPermissionSetTwoLevels(arn: string, requiresTwoLevels: boolean) {
    return this.call<PermissionSetConfig>('PUT', `/config/permission-sets/${encodeURIComponent(arn)}`, { requiresTwoLevels });
  }
  previewPermissionSetTwoLevels(arn: string, requiresTwoLevels: boolean) {
    return this.call<ConfigImpact>('POST', `/config/permission-sets/${encodeURIComponent(arn)}/impact`, { requiresTwoLevels });
  }
  getSettings() {
    return this.call<JitSettings>('GET', '/config/settings');
  }
  putSettings(settings: JitSettings) {
    return this.call<JitSettings>('PUT', '/config/settings', settings);
  }
  getRoles() {
    return this.call<RoleMappings>('GET', '/config/roles');
  }
}
