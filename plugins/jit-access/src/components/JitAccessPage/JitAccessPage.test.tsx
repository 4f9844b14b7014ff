import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { accounts, fakeApi, owner, viewer } from '../../__testUtils__/fixtures';
import { JitTabs } from './JitAccessPage';

describe('JitTabs', () => {
  const api = fakeApi({ getAccounts: async () => accounts, listRequests: async () => ({ items: [] }) });

  it('hides approver tabs from a viewer and says what would give them', async () => {
    await renderInTestApp(
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
    await renderInTestApp(
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
});
