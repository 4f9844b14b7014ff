import { TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { jitAccessApiRef, type JitAccessApi } from '../../api/JitAccessApi';
import { accountActivity, accounts, fakeApi, owner, pendingRequest, viewer } from '../../__testUtils__/fixtures';
import { AccountJitAccess } from './EntityJitAccessContent';
import { renderInJitAccessApp } from '../../__testUtils__/render';

const active = pendingRequest({
  id: 'JIT-ACTIVE1',
  status: 'active',
  requesterName: 'Erin Evans',
  activatedAt: '2026-11-24T10:00:00.000Z',
  expiresAt: '2026-11-24T11:00:00.000Z',
  actions: [{ action: 'revoke', allowed: true }],
});

function api(overrides: Partial<JitAccessApi>) {
  return fakeApi({
    getAccounts: async () => accounts,
    listRequests: async ({ view }) =>
      view === 'approvals' ? { items: [pendingRequest()] } : { items: [pendingRequest({ id: 'JIT-OLD001', status: 'expired' })] },
    listSessions: async () => ({ items: [active] }),
    getRequest: async id => (id === active.id ? active : pendingRequest()),
    getAccountActivity: async () => accountActivity(),
    ...overrides,
  });
}

async function renderFor(jitApi: JitAccessApi, accountId = '111111111111') {
  await renderInJitAccessApp(
    <TestApiProvider apis={[[jitAccessApiRef, jitApi]]}>
      <AccountJitAccess accountId={accountId} />
    </TestApiProvider>,
  );
  await screen.findByText(/^AWS account \d{12}$/);
}

describe('the JIT Access tab of an AWS account', () => {
  it('names the owners by their display names, refs only where the catalog has none', async () => {
    const named = {
      ...accounts,
      items: accounts.items.map(a =>
        a.accountId === '111111111111'
          ? { ...a, owners: ['group:default/team-alpha', 'user:default/gone'], ownerNames: { 'group:default/team-alpha': 'Team Alpha' } }
          : a,
      ),
    };
    await renderFor(api({ getMe: async () => owner, getAccounts: async () => named }));
    expect(screen.getByText(/Owners: Team Alpha, user:default\/gone\./)).toBeInTheDocument();
  });

  it('explains an account id claimed by two catalog entities, naming both', async () => {
    const claimed = {
      ...accounts,
      items: accounts.items.map(a =>
        a.accountId === '111111111111'
          ? { ...a, owners: [], catalogConflict: { entityRefs: ['resource:default/sandbox', 'resource:default/sandbox-copy'] } }
          : a,
      ),
    };
    await renderFor(api({ getMe: async () => viewer, getAccounts: async () => claimed }));
    expect(screen.getByTestId('catalog-conflict')).toHaveTextContent(
      'claimed by 2 catalog entities (resource:default/sandbox, resource:default/sandbox-copy)',
    );
  });

  it('says why an onboarded account takes no new requests', async () => {
    const gone = {
      ...accounts,
      items: accounts.items.filter(a => a.accountId !== '111111111111'),
      unavailable: [{ accountId: '111111111111', name: 'sandbox', reason: 'No catalog entity carries it any more.' }],
    };
    await renderFor(api({ getMe: async () => viewer, getAccounts: async () => gone }));
    expect(screen.getByTestId('account-unavailable')).toHaveTextContent(
      'Onboarded, but takes no new requests now. No catalog entity carries it any more.',
    );
  });

  it('shows an owner the pending requests to decide, the active sessions to revoke, the owners and the history', async () => {
    await renderFor(api({ getMe: async () => owner }));
    expect(screen.getByText(/You are an owner of this account/)).toBeInTheDocument();
    expect(screen.getByText(/Owners: group:default\/team-alpha/)).toBeInTheDocument();

    const pending = screen.getByTestId('decision-row-JIT-7K3F9Q');
    expect(within(pending).getByText('Alice Anders')).toBeInTheDocument();
    expect(within(pending).getByRole('button', { name: 'Approve JIT-7K3F9Q' })).toBeEnabled();
    expect(within(pending).getByRole('button', { name: 'Reject JIT-7K3F9Q' })).toBeEnabled();

    const session = screen.getByTestId('decision-row-JIT-ACTIVE1');
    expect(within(session).getByText('Erin Evans')).toBeInTheDocument();
    expect(within(session).getByRole('button', { name: /Revoke/ })).toBeEnabled();

    expect(screen.getByText('Recent requests')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'JIT-OLD001' })).toBeInTheDocument();
  });

  it("pages through the account's recent requests, 10 at a time, with requesters by name", async () => {
    const old = (id: string, requesterName: string) => pendingRequest({ id, status: 'expired', requesterName });
    const listRequests = jest.fn(async ({ view, cursor }: { view: string; cursor?: string }) => {
      if (view === 'approvals') return { items: [] };
      return cursor === 'next' ? { items: [old('JIT-OLD002', 'Hana Hill')] } : { items: [old('JIT-OLD001', 'Gina Grey')], nextCursor: 'next' };
    });
    await renderFor(api({ getMe: async () => owner, listRequests }));
    expect(listRequests).toHaveBeenCalledWith({ view: 'history', accountId: '111111111111', limit: 10 });
    expect(screen.getByText('Gina Grey')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Load more: Recent requests' }));
    expect(await screen.findByRole('link', { name: 'JIT-OLD002' })).toBeInTheDocument();
    expect(listRequests).toHaveBeenLastCalledWith({ view: 'history', accountId: '111111111111', limit: 10, cursor: 'next' });
    expect(screen.getByText('Hana Hill')).toBeInTheDocument();
    expect(screen.getByTestId('request-count')).toHaveTextContent('All 2 requests shown.');
  });

  it('approving from the tab calls the API and reloads the lists', async () => {
    const approve = jest.fn(async () => pendingRequest({ status: 'approved' }));
    const getMe = jest.fn(async () => owner);
    await renderFor(api({ getMe, approve }));
    fireEvent.click(screen.getByRole('button', { name: 'Approve JIT-7K3F9Q' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(approve).toHaveBeenCalledWith('JIT-7K3F9Q', undefined));
    await waitFor(() => expect(getMe).toHaveBeenCalledTimes(2));
  });

  it('shows a requester only their own recent requests, no decisions', async () => {
    const listRequests = jest.fn(async () => ({ items: [] }));
    await renderFor(api({ getMe: async () => viewer, listRequests }));
    expect(screen.queryByText(/Pending requests/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Active sessions/)).not.toBeInTheDocument();
    expect(listRequests).toHaveBeenCalledWith({ view: 'mine', accountId: '111111111111', limit: 10 });
    expect(screen.getByText('Your recent requests')).toBeInTheDocument();
    expect(screen.getByText('No requests for this account yet.')).toBeInTheDocument();
  });

  it('says so when nobody can approve requests for the account', async () => {
    await renderFor(
      api({
        getMe: async () => viewer,
        getAccounts: async () => ({ items: [{ ...accounts.items[0], hasApprover: false }] }),
      }),
    );
    expect(
      screen.getByText(/Nobody can approve requests for this account: ask a JIT Access admin to assign owners/),
    ).toBeInTheDocument();
  });

  it('says when the account is not onboarded', async () => {
    await renderFor(api({ getMe: async () => viewer }), '444444444444');
    expect(
      screen.getByText('This account is not onboarded to JIT Access (or has nothing requestable).'),
    ).toBeInTheDocument();
  });
});

describe('the activity of the account in its JIT Access tab', () => {
  it('is shown to an owner: sessions, top requesters and the median time to approve', async () => {
    const getAccountActivity = jest.fn(async () => accountActivity());
    await renderFor(api({ getMe: async () => owner, getAccountActivity }));
    expect(await screen.findByText('Activity, last 30 days')).toBeInTheDocument();
    expect(getAccountActivity).toHaveBeenCalledWith('111111111111', 30);
    expect(screen.getByRole('img', { name: 'Sessions per day by permission set, last 30 days' })).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Top requesters' })).getByText('Frank Fischer')).toBeInTheDocument();
    expect(screen.getByTestId('median-time-to-approve')).toHaveTextContent('Median time to approve: 25 minutes');
  });

  it('is shown to a JIT admin who does not own the account', async () => {
    const admin = { ...viewer, userEntityRef: 'user:default/carol', roles: ['viewer', 'admin'] as typeof viewer.roles, features: { ...owner.features, config: true } };
    await renderFor(api({ getMe: async () => admin }), '222222222222');
    expect(await screen.findByText('Activity, last 30 days')).toBeInTheDocument();
  });

  it('is not shown to a plain requester, nor asked for', async () => {
    const getAccountActivity = jest.fn(async () => accountActivity());
    await renderFor(api({ getMe: async () => viewer, getAccountActivity }));
    expect(screen.getByText('Your recent requests')).toBeInTheDocument();
    expect(screen.queryByText(/Activity, last/)).not.toBeInTheDocument();
    expect(getAccountActivity).not.toHaveBeenCalled();
  });

  it('is not shown to an owner of another account', async () => {
    const getAccountActivity = jest.fn(async () => accountActivity());
    await renderFor(api({ getMe: async () => owner, getAccountActivity }), '222222222222');
    expect(screen.getByText('Recent requests')).toBeInTheDocument();
    expect(screen.queryByText(/Activity, last/)).not.toBeInTheDocument();
    expect(getAccountActivity).not.toHaveBeenCalled();
  });
});

describe('a custom request pending on the JIT Access tab', () => {
  const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::logs/*"}]}';
  const PRETTY = JSON.stringify(JSON.parse(POLICY), null, 2);
  const custom = pendingRequest({
    id: 'JIT-CUSTOM',
    kind: 'custom',
    permissionSetArn: undefined,
    permissionSetName: undefined,
    customPolicy: POLICY,
    requiredSteps: 2,
  });

  it('shows its policy, pretty-printed, behind a button, and in the dialog before the owner approves it', async () => {
    const approve = jest.fn(async () => ({ ...custom, currentStep: 2 }));
    await renderFor(
      api({
        getMe: async () => owner,
        listRequests: async ({ view }) => ({ items: view === 'approvals' ? [custom] : [] }),
        getRequest: async id => (id === custom.id ? custom : active),
        approve,
      }),
    );
    const row = screen.getByTestId('decision-row-JIT-CUSTOM');
    const toggle = within(row).getByRole('button', { name: 'Show custom policy of JIT-CUSTOM' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(within(row).getByTestId('custom-policy')).not.toBeVisible();

    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(toggle).toHaveAccessibleName('Hide custom policy of JIT-CUSTOM');
    const shown = within(row).getByTestId('custom-policy');
    expect(shown).toBeVisible();
    // The text as it is shown, line breaks and indentation included.
    expect(shown.textContent).toBe(PRETTY);
    expect(PRETTY).toContain('\n      "Action": [\n        "s3:GetObject"\n      ],');

    fireEvent.click(within(row).getByRole('button', { name: 'Approve JIT-CUSTOM' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByTestId('custom-policy').textContent).toBe(PRETTY);
    expect(within(dialog).getByTestId('custom-policy')).toBeVisible();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(approve).toHaveBeenCalledWith('JIT-CUSTOM', undefined));
  });

  it('shows a policy that is not JSON as it came', async () => {
    const odd = { ...custom, customPolicy: 'not { json' };
    await renderFor(
      api({
        getMe: async () => owner,
        listRequests: async ({ view }) => ({ items: view === 'approvals' ? [odd] : [] }),
        getRequest: async id => (id === odd.id ? odd : active),
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Show custom policy of JIT-CUSTOM' }));
    expect(screen.getByTestId('custom-policy').textContent).toBe('not { json');
  });
});
