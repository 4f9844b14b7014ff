import {
  DEFAULT_PAGE_LIMIT,
  requestListQuerySchema,
  sessionListQuerySchema,
} from '@jit-access/plugin-jit-access-common';
import type { RequestListQuery, SessionListQuery } from './JitAccessApi';
import { JitAccessClient, listQueryString } from './JitAccessClient';

describe('JitAccessClient', () => {
  const discoveryApi = { getBaseUrl: async () => 'http://backend/api/jit-access' };
  const respond = (status: number, body: unknown) =>
    jest.fn(async (_url: RequestInfo | URL, _init?: RequestInit) =>
      new Response(JSON.stringify(body), { status, statusText: 'Bad Request', headers: { 'Content-Type': 'application/json' } }),
    );

  it("rejects with the backend's explanation, not the HTTP status line", async () => {
    const message = 'accountId: Nobody can approve requests for account orphan (333333333333): it has no owner in the catalog';
    const fetch = respond(400, { error: { name: 'InputError', message }, response: { statusCode: 400 } });
    const client = new JitAccessClient({ discoveryApi, fetchApi: { fetch } });
    const body = { accountId: '333333333333', permissionSetArn: 'arn', durationMinutes: 60, reason: 'r' };
    await expect(client.createRequest(body)).rejects.toMatchObject({ name: 'ResponseError', message, statusCode: 400 });
    expect(fetch).toHaveBeenCalledWith('http://backend/api/jit-access/requests', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  });

  it('asks for the page at a cursor, of requests and of sessions', async () => {
    const fetch = respond(200, { items: [] });
    const client = new JitAccessClient({ discoveryApi, fetchApi: { fetch } });
    await client.listRequests({ view: 'history', limit: 25, cursor: 'abc/+=' });
    await client.listSessions({ view: 'managed', accountId: '111111111111', limit: 25, cursor: 'next' });
    expect(fetch.mock.calls.map(([url]) => String(url))).toEqual([
      'http://backend/api/jit-access/requests?view=history&cursor=abc%2F%2B%3D&limit=25',
      'http://backend/api/jit-access/sessions?view=managed&accountId=111111111111&cursor=next&limit=25',
    ]);
  });

  it('keeps the status line when the body says nothing', async () => {
    const client = new JitAccessClient({ discoveryApi, fetchApi: { fetch: respond(502, 'upstream down') } });
    await expect(client.getMe()).rejects.toMatchObject({ statusCode: 502, message: expect.stringMatching(/502/) });
  });

  it('asks for lists with query strings the backend reads back as the same query', () => {
    const requests: RequestListQuery[] = [
      { view: 'mine' },
      {
        view: 'history',
        status: ['active', 'expired'],
        accountId: '111111111111',
        createdAfter: Date.parse('2026-11-01T00:00:00.000Z'),
        createdBefore: Date.parse('2026-12-01T00:00:00.000Z'),
        cursor: 'abc/+=',
        limit: 25,
      },
    ];
    for (const query of requests) {
      const read = requestListQuerySchema.parse(Object.fromEntries(new URLSearchParams(listQueryString(query))));
      expect(read).toEqual({ ...query, limit: query.limit ?? DEFAULT_PAGE_LIMIT });
    }
    const session: SessionListQuery = { view: 'managed', accountId: '111111111111', cursor: 'next', limit: 10 };
    expect(sessionListQuerySchema.parse(Object.fromEntries(new URLSearchParams(listQueryString(session))))).toEqual(session);
  });
});
