import { TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { jitAccessApiRef } from './api/JitAccessApi';
import { RequestActions } from './components/RequestDetail/RequestActions';
import { JitAccessPage } from './components/JitAccessPage/JitAccessPage';
import { AccountJitAccess } from './components/EntityJitAccessContent/EntityJitAccessContent';
import { accountActivity, accounts, fakeApi, owner, pendingRequest } from './__testUtils__/fixtures';
import { renderInJitAccessApp } from './__testUtils__/render';
import { rootRouteRef } from './routes';

// The legacy frontend system: an app mounting the page at /access, not /jit-access.
const mountedRoutes = { '/access': rootRouteRef };
const admin = { ...owner, features: { ...owner.features, config: true } };

function Location() {
  return <div data-testid="location">{useLocation().pathname}</div>;
}

describe('links when the app mounts the page elsewhere (legacy frontend system)', () => {
  it('links the config page and each request under the path the app chose', async () => {
    const api = fakeApi({
      getMe: async () => admin,
      listRequests: async () => ({ items: [pendingRequest({ id: 'JIT-MOVED1' })] }),
    });
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, api]]}>
        <JitAccessPage />
      </TestApiProvider>,
      { mountedRoutes, routeEntries: ['/?tab=mine'] },
    );
    expect(await screen.findByRole('link', { name: 'Config page' })).toHaveAttribute('href', '/access/config');
    expect(await screen.findByRole('link', { name: 'JIT-MOVED1' })).toHaveAttribute('href', '/access/requests/JIT-MOVED1');
  });

  it('links the page from the entity tab under the path the app chose', async () => {
    const api = fakeApi({
      getMe: async () => owner,
      getAccounts: async () => accounts,
      listRequests: async () => ({ items: [] }),
      listSessions: async () => ({ items: [] }),
      getAccountActivity: async () => accountActivity(),
    });
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, api]]}>
        <AccountJitAccess accountId="111111111111" />
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(await screen.findByRole('link', { name: 'Request access' })).toHaveAttribute('href', '/access');
  });

  it('opens a created extension under the path the app chose', async () => {
    const active = pendingRequest({ id: 'JIT-ACTIVE1', status: 'active', actions: [{ action: 'extend', allowed: true }] });
    const createRequest = jest.fn(async () => pendingRequest({ id: 'JIT-EXTEND1' }));
    const { toasts } = await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ createRequest })]]}>
        <RequestActions request={active} onChanged={() => {}} />
        <Location />
      </TestApiProvider>,
      { mountedRoutes },
    );
    fireEvent.click(screen.getByRole('button', { name: /Extend/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/Reason for the extension/), { target: { value: 'still debugging' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Request extension' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/access/requests/JIT-EXTEND1'));
    expect(createRequest).toHaveBeenCalledWith(expect.objectContaining({ extendsRequestId: 'JIT-ACTIVE1', reason: 'still debugging' }));
    expect(toasts.post).toHaveBeenCalledWith(expect.objectContaining({ title: 'Extension JIT-EXTEND1 submitted', status: 'success' }));
  });
});
