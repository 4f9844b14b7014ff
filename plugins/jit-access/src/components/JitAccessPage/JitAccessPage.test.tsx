import { TestApiProvider } from '@backstage/test-utils';
import type { CallerInfo } from '@jit-access/plugin-jit-access-common';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { accountActivity, accounts, fakeApi, owner, pendingRequest, viewer } from '../../__testUtils__/fixtures';
import { JitAccessPage, JitTabs } from './JitAccessPage';
import { renderInJitAccessApp } from '../../__testUtils__/render';

describe('JitAccessPage', () => {
  it('asks for the accounts beside /me, not after it, and shows the form with the tabs', async () => {
    let resolveMe: (me: CallerInfo) => void = () => {};
    const getMe = jest.fn(() => new Promise<CallerInfo>(resolve => (resolveMe = resolve)));
    const getAccounts = jest.fn(async () => accounts);
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ getMe, getAccounts })]]}>
        <JitAccessPage />
      </TestApiProvider>,
    );
    await waitFor(() => expect(document.getElementById('jit-account')).toBeInTheDocument());
    expect(getMe).toHaveBeenCalledTimes(1);
    expect(getAccounts).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
    expect(document.getElementById('jit-account')).not.toBeVisible();

    await act(async () => resolveMe(viewer));
    expect(await screen.findByRole('tab', { name: 'Request access' })).toBeInTheDocument();
    expect(document.getElementById('jit-account')).toBeVisible();
    expect(getAccounts).toHaveBeenCalledTimes(1); // the form was not mounted anew
  });

  it('waits for /me before a tab only some roles have', async () => {
    let resolveMe: (me: CallerInfo) => void = () => {};
    const getAccounts = jest.fn(async () => accounts);
    const listRequests = jest.fn(async () => ({ items: [] }));
    await renderInJitAccessApp(
      <TestApiProvider
        apis={[[jitAccessApiRef, fakeApi({ getMe: () => new Promise(resolve => (resolveMe = resolve)), getAccounts, listRequests })]]}
      >
        <JitAccessPage />
      </TestApiProvider>,
      { routeEntries: ['/?tab=approvals'] },
    );
    expect(getAccounts).not.toHaveBeenCalled();
    expect(listRequests).not.toHaveBeenCalled();
    await act(async () => resolveMe(owner));
    expect(await screen.findByText('Waiting for your decision')).toBeInTheDocument();
    expect(listRequests).toHaveBeenCalledWith({ view: 'approvals', limit: 25 });
    expect(getAccounts).not.toHaveBeenCalled();
  });
});

describe('JitTabs', () => {
  const api = fakeApi({ getAccounts: async () => accounts, listRequests: async () => ({ items: [] }) });

  it('hides approver tabs from a viewer and says what would give them', async () => {
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, api]]}>
        <JitTabs me={viewer} />
      </TestApiProvider>,
    );
    const tabs = screen.getAllByRole('tab').map(t => t.textContent);
    expect(tabs).toEqual(['Request access', 'My requests']);
    expect(screen.getByTestId('missing-features')).toHaveTextContent(
      'Your role: Viewer. Pending approvals appear when you own an onboarded AWS account.',
    );
  });

  it('shows the approver tabs to an owner', async () => {
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, api]]}>
        <JitTabs me={owner} />
      </TestApiProvider>,
    );
    expect(screen.getAllByRole('tab').map(t => t.textContent)).toEqual([
      'Request access',
      'My requests',
      'Pending approvals',
      'Break-glass reviews',
      'Request history',
      'Manage sessions',
      'Owned accounts',
    ]);
    expect(screen.queryByTestId('missing-features')).not.toBeInTheDocument();
  });

  it('Request history: 25 requests a page, named by requester; Load more appends the next page', async () => {
    const page = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        pendingRequest({
          id: `JIT-H${String(from + i).padStart(5, '0')}`,
          requester: i % 2 ? 'user:default/erin' : 'user:default/alice',
          requesterName: i % 2 ? 'Erin Evans' : 'Alice Anders',
        }),
      );
    const listRequests = jest.fn(async (q: { cursor?: string }) =>
      q.cursor === 'p2' ? { items: page(26, 3) } : { items: page(1, 25), nextCursor: 'p2' },
    );
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ listRequests })]]}>
        <JitTabs me={owner} />
      </TestApiProvider>,
      { routeEntries: ['/?tab=history'] },
    );
    const table = (await screen.findByText('JIT-H00001')).closest('table')!;
    expect(listRequests).toHaveBeenCalledWith({ view: 'history', limit: 25 });
    expect(within(table).getAllByText('Alice Anders')).toHaveLength(13);
    expect(within(table).queryByText(/user:default/)).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Load more: Request history' }));
    expect(await screen.findByText('JIT-H00028')).toBeInTheDocument();
    expect(listRequests).toHaveBeenLastCalledWith({ view: 'history', limit: 25, cursor: 'p2' });
    await waitFor(() => expect(within(table).getAllByRole('link', { name: /^JIT-H/ })).toHaveLength(28));
    expect(within(table).getAllByText('Erin Evans')).toHaveLength(13);
    expect(screen.getByTestId('request-count')).toHaveTextContent('All 28 requests shown.');
  });

  it("opens an owned account's activity on demand in the Owned accounts tab", async () => {
    const getAccountActivity = jest.fn(async () => accountActivity());
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ getAccounts: async () => accounts, getAccountActivity })]]}>
        <JitTabs me={owner} />
      </TestApiProvider>,
      { routeEntries: ['/?tab=owned'] },
    );
    expect(await screen.findByText('sandbox (111111111111)')).toBeInTheDocument();
    expect(screen.queryByText('production (222222222222)')).not.toBeInTheDocument(); // not owned
    expect(getAccountActivity).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Show activity of sandbox' }));
    expect(await screen.findByText('Activity of sandbox, last 30 days')).toBeInTheDocument();
    expect(getAccountActivity).toHaveBeenCalledWith('111111111111', 30);
    expect(within(screen.getByRole('table', { name: 'Top requesters' })).getByText('Alice Anders')).toBeInTheDocument();
    expect(screen.getByText('7 sessions in the last 30 days (ReadOnlyAccess: 4, PowerUserAccess: 2, Custom policy: 1).')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Hide activity of sandbox' }));
    expect(screen.queryByText('Activity of sandbox, last 30 days')).not.toBeInTheDocument();
  });
});
