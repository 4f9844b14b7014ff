import { TestApiProvider } from '@backstage/test-utils';
import type { AccountConfig, JitSettings, PermissionSetConfig } from '@jit-access/plugin-jit-access-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { jitAccessApiRef, type JitAccessApi } from '../../api/JitAccessApi';
import { RO, fakeApi } from '../../__testUtils__/fixtures';
import { ConfigPage } from './ConfigPage';
import { renderInJitAccessApp } from '../../__testUtils__/render';

const POWER = 'arn:aws:sso:::permissionSet/ssoins-1/ps-power';

const permissionSets: PermissionSetConfig[] = [
  { arn: RO, name: 'ReadOnlyAccess', sessionDuration: 'PT1H', sessionDurationMinutes: 60, source: 'identity-center' },
  { arn: POWER, name: 'PowerUserAccess', sessionDuration: 'PT4H', sessionDurationMinutes: 240, source: 'identity-center' },
];

function account(over: Partial<AccountConfig>): AccountConfig {
  return {
    accountId: '111111111111',
    name: 'sandbox',
    onboarded: true,
    enabledPermissionSetArns: [RO],
    customPolicyAllowed: true,
    breakGlassAllowed: false,
    catalogOwners: ['group:default/team-alpha'],
    assignedOwners: [],
    hasApprover: true,
    ownerless: false,
    approverNames: ['Bob Brown'],
    ...over,
  };
}

const ACCOUNTS = [
  account({}),
  account({
    accountId: '333333333333',
    name: 'orphan',
    catalogOwners: ['group:default/legacy'],
    hasApprover: false,
    approverNames: [],
  }),
  account({
    accountId: '444444444444',
    name: 'billing',
    onboarded: false,
    enabledPermissionSetArns: [],
    hasApprover: false,
    approverNames: [],
  }),
];

const SETTINGS: JitSettings = {
  requireRejectionComment: false,
  pendingTimeoutMinutes: 1440,
  customMaxDurationMinutes: 120,
  allowRequestsWithoutApprover: false,
};

async function renderPage(overrides: Partial<JitAccessApi> = {}) {
  const api = {
    listAccountConfigs: jest.fn(async () => ACCOUNTS),
    listPermissionSets: jest.fn(async () => permissionSets),
    getSettings: jest.fn(async () => SETTINGS),
    // No open request affected unless a test says otherwise.
    previewAccountConfig: jest.fn(async () => ({ withdrawn: [], stepAdded: [] })),
    previewPermissionSetTwoLevels: jest.fn(async () => ({ withdrawn: [], stepAdded: [] })),
    getRoles: jest.fn(async () => ({
      approverGroups: ['group:default/approvers'],
      adminGroups: ['group:default/platform-admins'],
      ssoAdminGroups: ['group:default/sso-admins'],
    })),
    ...overrides,
  };
  const { toasts } = await renderInJitAccessApp(
    <TestApiProvider apis={[[jitAccessApiRef, fakeApi(api)]]}>
      <ConfigPage />
    </TestApiProvider>,
  );
  await screen.findByText('AWS accounts');
  return { api, toasts };
}

describe('ConfigPage', () => {
  it('names catalog and assigned owners by display name, keeping refs in the owners input', async () => {
    const named = account({
      assignedOwners: ['user:default/erin', 'group:default/gone'],
      ownerNames: { 'group:default/team-alpha': 'Team Alpha', 'user:default/erin': 'Erin Evans' },
    });
    await renderPage({ listAccountConfigs: jest.fn(async () => [named]) });
    expect(screen.getByText('Catalog: Team Alpha')).toBeInTheDocument();
    expect(screen.getByText('Assigned: Erin Evans, group:default/gone')).toBeInTheDocument();
    expect(screen.getByLabelText('Assigned owners')).toHaveValue('user:default/erin, group:default/gone');
  });

  it('flags onboarded accounts nobody can approve, not the ones not onboarded', async () => {
    await renderPage();
    expect(screen.getByTestId('no-approver-flag')).toHaveTextContent(
      'Nobody can approve requests for: orphan. Assign owners below.',
    );
    expect(screen.getAllByText('No possible approver')).toHaveLength(1);
    expect(screen.getByText('Can approve: Bob Brown')).toBeInTheDocument();
  });

  it('onboards an account from the catalog and reloads', async () => {
    const updateAccountConfig = jest.fn(async () => ACCOUNTS[2]);
    const { api } = await renderPage({ updateAccountConfig });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Onboard billing' }));
    await waitFor(() => expect(updateAccountConfig).toHaveBeenCalledWith('444444444444', { onboarded: true }));
    await waitFor(() => expect(api.listAccountConfigs).toHaveBeenCalledTimes(2));
  });

  it('enables a permission set for one account, keeping the others', async () => {
    const updateAccountConfig = jest.fn(async () => ACCOUNTS[0]);
    await renderPage({ updateAccountConfig });
    const sandboxPower = screen.getAllByRole('checkbox', { name: 'PowerUserAccess' })[0];
    fireEvent.click(sandboxPower);
    await waitFor(() =>
      expect(updateAccountConfig).toHaveBeenCalledWith('111111111111', { enabledPermissionSetArns: [RO, POWER] }),
    );
  });

  it('assigns owners to an account that has none who can approve', async () => {
    const updateAccountConfig = jest.fn(async () => ACCOUNTS[1]);
    await renderPage({ updateAccountConfig });
    const fields = screen.getAllByLabelText('Assigned owners');
    fireEvent.change(fields[1], { target: { value: 'group:default/team-alpha, user:default/carol' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Save' })[1]);
    await waitFor(() =>
      expect(updateAccountConfig).toHaveBeenCalledWith('333333333333', {
        assignedOwners: ['group:default/team-alpha', 'user:default/carol'],
      }),
    );
  });

  it('a change that affects open requests says how many before it is saved, and Cancel saves nothing', async () => {
    const message = 'Ends 2 open requests (JIT-AAAAAA, JIT-BBBBBB): the config no longer allows them.';
    const previewAccountConfig = jest.fn(async () => ({ withdrawn: ['JIT-AAAAAA', 'JIT-BBBBBB'], stepAdded: [], message }));
    const updateAccountConfig = jest.fn(async () => ACCOUNTS[0]);
    await renderPage({ previewAccountConfig, updateAccountConfig });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Onboard sandbox' }));
    await waitFor(() => expect(previewAccountConfig).toHaveBeenCalledWith('111111111111', { onboarded: false }));
    expect(await screen.findByTestId('config-impact')).toHaveTextContent(message);
    expect(screen.getByText('sandbox: offboarded: this affects open requests')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByTestId('config-impact')).not.toBeInTheDocument());
    expect(updateAccountConfig).not.toHaveBeenCalled();
    // and saved when confirmed
    fireEvent.click(screen.getByRole('checkbox', { name: 'Onboard sandbox' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Save the change' }));
    await waitFor(() => expect(updateAccountConfig).toHaveBeenCalledWith('111111111111', { onboarded: false }));
  });

  it('asks before marking a permission set two-level when open requests would gain a step', async () => {
    const message = 'Adds an approval step to 1 open request (JIT-CCCCCC).';
    const previewPermissionSetTwoLevels = jest.fn(async () => ({ withdrawn: [], stepAdded: ['JIT-CCCCCC'], message }));
    const setPermissionSetTwoLevels = jest.fn(async () => ({ ...permissionSets[1], requiresTwoLevels: true }));
    await renderPage({ previewPermissionSetTwoLevels, setPermissionSetTwoLevels });
    fireEvent.click(screen.getByRole('checkbox', { name: 'PowerUserAccess needs two levels' }));
    expect(await screen.findByTestId('config-impact')).toHaveTextContent(message);
    fireEvent.click(screen.getByRole('button', { name: 'Save the change' }));
    await waitFor(() => expect(setPermissionSetTwoLevels).toHaveBeenCalledWith(POWER, true));
  });

  it('flags accounts without owners, whose standard requests go to the Admins', async () => {
    const orphan = account({ accountId: '333333333333', name: 'orphan', catalogOwners: ['group:default/legacy'], ownerless: true, approverNames: ['Carol Chen', 'Dave Davis'] });
    await renderPage({ listAccountConfigs: jest.fn(async () => [ACCOUNTS[0], orphan]) });
    expect(screen.getByTestId('ownerless-flag')).toHaveTextContent('No owners: orphan. Standard requests there go to the Admins and SSO Admins');
    expect(screen.getByTestId('ownerless-333333333333')).toHaveTextContent('No owners: Admins approve');
    expect(screen.getByText('Can approve: Carol Chen, Dave Davis')).toBeInTheDocument();
    expect(screen.queryByTestId('no-approver-flag')).not.toBeInTheDocument();
  });

  it('flags an account id claimed by two catalog entities, naming both, and one gone from the catalog', async () => {
    const claimed = account({
      catalogOwners: [],
      ownerless: true,
      catalogConflict: { entityRefs: ['resource:default/sandbox', 'resource:default/sandbox-copy'] },
    });
    const gone = account({ accountId: '666666666666', name: 'gone', unavailableReason: 'No catalog entity carries amazonaws.com/account-id: 666666666666 any more.' });
    await renderPage({ listAccountConfigs: jest.fn(async () => [claimed, gone]) });
    expect(screen.getByTestId('catalog-conflict-flag')).toHaveTextContent(
      'AWS account 111111111111 is claimed by 2 catalog entities (resource:default/sandbox, resource:default/sandbox-copy)',
    );
    expect(screen.getByTestId('catalog-conflict-111111111111')).toHaveTextContent(
      'Claimed by resource:default/sandbox and resource:default/sandbox-copy: no catalog owner',
    );
    expect(screen.getByTestId('unavailable-flag')).toHaveTextContent('gone: No catalog entity carries amazonaws.com/account-id: 666666666666 any more.');
  });

  it('marks a permission set as needing two levels, and syncs from Identity Center', async () => {
    const setPermissionSetTwoLevels = jest.fn(async () => ({ ...permissionSets[1], requiresTwoLevels: true }));
    const syncPermissionSets = jest.fn(async () => permissionSets);
    await renderPage({ setPermissionSetTwoLevels, syncPermissionSets });
    expect(screen.getByText('4 h')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('checkbox', { name: 'PowerUserAccess needs two levels' }));
    await waitFor(() => expect(setPermissionSetTwoLevels).toHaveBeenCalledWith(POWER, true));
    fireEvent.click(screen.getByRole('button', { name: 'Sync from Identity Center' }));
    await waitFor(() => expect(syncPermissionSets).toHaveBeenCalled());
  });

  it('saves the rejection-comment rule and the pending timeout', async () => {
    const putSettings = jest.fn(async (s: JitSettings) => s);
    const { toasts } = await renderPage({ putSettings });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Rejections need a comment' }));
    fireEvent.change(screen.getByLabelText('Pending timeout (minutes)'), { target: { value: '240' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(putSettings).toHaveBeenCalledWith({
        ...SETTINGS,
        requireRejectionComment: true,
        pendingTimeoutMinutes: 240,
      }),
    );
    await waitFor(() =>
      expect(toasts.post).toHaveBeenCalledWith(expect.objectContaining({ title: 'Settings saved', status: 'success' })),
    );
  });

  it("shows the backend's reason when a change is refused", async () => {
    const putSettings = jest.fn(async () => {
      throw new Error('pendingTimeoutMinutes: must be at least 5');
    });
    const { toasts } = await renderPage({ putSettings });
    fireEvent.change(screen.getByLabelText('Pending timeout (minutes)'), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(toasts.post).toHaveBeenCalledWith({
        title: 'Settings saved failed: pendingTimeoutMinutes: must be at least 5',
        status: 'danger',
      }),
    );
  });

  it('shows the role mappings of the default policy', async () => {
    await renderPage();
    expect(screen.getByText('Admin groups: group:default/platform-admins')).toBeInTheDocument();
    expect(screen.getByText('SSO Admin groups: group:default/sso-admins')).toBeInTheDocument();
  });
});
