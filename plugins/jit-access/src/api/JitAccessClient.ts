import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { JitAccessApi, RequestListQuery, SessionListQuery } from './JitAccessApi';

const id = encodeURIComponent;

/**
 * A list query as the query string `requestListQuerySchema` and
 * `sessionListQuerySchema` parse: statuses comma-separated, times in ISO
 * 8601, the rest as they are; in the schemas' order, absent values left out.
 */
export function listQueryString(query: RequestListQuery | SessionListQuery): string {
  const q: Partial<Omit<RequestListQuery, 'view'>> = query;
  const params = new URLSearchParams({ view: query.view });
  const set = (name: string, value: string | undefined) => value && params.set(name, value);
  const time = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  set('status', q.status?.join(','));
  set('accountId', query.accountId);
  set('createdAfter', time(q.createdAfter));
  set('createdBefore', time(q.createdBefore));
  set('cursor', query.cursor);
  set('limit', query.limit ? String(query.limit) : undefined);
  return params.toString();
}

/**
 * {@link JitAccessApi} over `fetchApi` and `discoveryApi`. Each method is
 * typed by the interface, the one declaration of the API's shapes (whose
 * request and query types the common package's schemas parse).
 * @public
 */
export class JitAccessClient implements JitAccessApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  /** One call; its result is typed by the method it serves. */
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

  /** A call whose response is `{ items }`. */
  private async items<T>(method: string, path: string, body?: unknown): Promise<T[]> {
    return (await this.call<{ items: T[] }>(method, path, body)).items;
  }

  readonly getMe: JitAccessApi['getMe'] = () => this.call('GET', '/me');
  readonly getAccounts: JitAccessApi['getAccounts'] = () => this.call('GET', '/accounts');
  readonly getAccountActivity: JitAccessApi['getAccountActivity'] = (accountId, days) =>
    this.call('GET', `/accounts/${id(accountId)}/activity${days === undefined ? '' : `?days=${days}`}`);
  readonly createRequest: JitAccessApi['createRequest'] = body => this.call('POST', '/requests', body);
  readonly listRequests: JitAccessApi['listRequests'] = query => this.call('GET', `/requests?${listQueryString(query)}`);
  readonly getRequest: JitAccessApi['getRequest'] = requestId => this.call('GET', `/requests/${id(requestId)}`);
  readonly approve: JitAccessApi['approve'] = (requestId, comment) =>
    this.call('POST', `/requests/${id(requestId)}/approve`, { comment });
  readonly reject: JitAccessApi['reject'] = (requestId, comment) =>
    this.call('POST', `/requests/${id(requestId)}/reject`, { comment });
  readonly cancel: JitAccessApi['cancel'] = requestId => this.call('POST', `/requests/${id(requestId)}/cancel`, {});
  readonly closeReview: JitAccessApi['closeReview'] = (requestId, comment) =>
    this.call('POST', `/requests/${id(requestId)}/review`, { comment });
  readonly listSessions: JitAccessApi['listSessions'] = query => this.call('GET', `/sessions?${listQueryString(query)}`);
  readonly revoke: JitAccessApi['revoke'] = (requestId, comment) =>
    this.call('POST', `/sessions/${id(requestId)}/revoke`, { comment });
  readonly validatePolicy: JitAccessApi['validatePolicy'] = policy => this.call('POST', '/policies/validate', { policy });
  readonly listAccountConfigs: JitAccessApi['listAccountConfigs'] = () => this.items('GET', '/config/accounts');
  readonly updateAccountConfig: JitAccessApi['updateAccountConfig'] = (accountId, update) =>
    this.call('PUT', `/config/accounts/${id(accountId)}`, update);
  readonly previewAccountConfig: JitAccessApi['previewAccountConfig'] = (accountId, update) =>
    this.call('POST', `/config/accounts/${id(accountId)}/impact`, update);
  readonly listPermissionSets: JitAccessApi['listPermissionSets'] = () => this.items('GET', '/config/permission-sets');
  readonly syncPermissionSets: JitAccessApi['syncPermissionSets'] = () =>
    this.items('POST', '/config/permission-sets/sync', {});
  readonly setPermissionSetTwoLevels: JitAccessApi['setPermissionSetTwoLevels'] = (arn, requiresTwoLevels) =>
    this.call('PUT', `/config/permission-sets/${id(arn)}`, { requiresTwoLevels });
  readonly previewPermissionSetTwoLevels: JitAccessApi['previewPermissionSetTwoLevels'] = (arn, requiresTwoLevels) =>
    this.call('POST', `/config/permission-sets/${id(arn)}/impact`, { requiresTwoLevels });
  readonly getSettings: JitAccessApi['getSettings'] = () => this.call('GET', '/config/settings');
  readonly putSettings: JitAccessApi['putSettings'] = settings => this.call('PUT', '/config/settings', settings);
  readonly getRoles: JitAccessApi['getRoles'] = () => this.call('GET', '/config/roles');
}
