import { TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { jitAccessApiRef, type JitAccessApi } from '../../api/JitAccessApi';
import { accountActivity, fakeApi } from '../../__testUtils__/fixtures';
import { AccountActivity, describeMedian } from './AccountActivity';
import { renderInJitAccessApp } from '../../__testUtils__/render';

async function renderWith(getAccountActivity: JitAccessApi['getAccountActivity']) {
  await renderInJitAccessApp(
    <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ getAccountActivity })]]}>
      <AccountActivity accountId="111111111111" />
    </TestApiProvider>,
  );
}

describe('AccountActivity', () => {
  it('asks for the last 30 days and shows the sessions by permission set, the top requesters, the median and the outcomes', async () => {
    const get = jest.fn(async () => accountActivity());
    await renderWith(get);
    await screen.findByText('Activity, last 30 days');
    expect(get).toHaveBeenCalledWith('111111111111', 30);

    expect(
      screen.getByText('7 sessions in the last 30 days (ReadOnlyAccess: 4, PowerUserAccess: 2, Custom policy: 1).'),
    ).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Sessions per day by permission set, last 30 days' })).toBeInTheDocument();

    const table = screen.getByRole('table', { name: 'Top requesters' });
    const rows = within(table).getAllByRole('row').map(r => Array.from(r.children).map(c => c.textContent));
    expect(rows).toEqual([
      ['Top requesters', 'Requests'],
      ['Frank Fischer', '5'],
      ['Alice Anders', '3'],
      ['user:default/ghost', '1'], // no catalog name: the ref
    ]);

    expect(screen.getByTestId('median-time-to-approve')).toHaveTextContent(
      'Median time to approve: 25 minutes (over 4 approved requests).',
    );
    expect(screen.getByTestId('request-outcomes')).toHaveTextContent(
      'Requests in the last 30 days: 7 granted, 1 pending, 1 rejected.',
    );
    expect(screen.queryByText(/No sessions/)).not.toBeInTheDocument();
  });

  it('says so when there were no sessions, and when nothing was approved', async () => {
    const empty = accountActivity();
    await renderWith(async () => ({
      ...empty,
      totalSessions: 0,
      perDay: empty.perDay.map(d => ({ ...d, sessions: 0, byPermissionSet: [] })),
      byPermissionSet: [],
      topRequesters: [],
      medianMinutesToApprove: null,
      approvedRequests: 0,
      outcomes: { pending: 0, granted: 0, rejected: 0, cancelled: 0, timed_out: 0, failed: 0 },
    }));
    expect(await screen.findByText('No sessions in the last 30 days.')).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByTestId('median-time-to-approve')).toHaveTextContent('No request was approved in the last 30 days.');
    expect(screen.getByTestId('request-outcomes')).toHaveTextContent('Requests in the last 30 days: none.');
  });

  it('shows the error, e.g. the 403 of a caller who is not an owner', async () => {
    const error = Object.assign(new Error('The activity of account sandbox (111111111111) is shown to its owners (group:default/team-alpha) and to Admins and SSO Admins; you are neither'), { name: 'NotAllowedError' });
    await renderWith(async () => {
      throw error;
    });
    expect(await screen.findByText(/Could not load the activity of account 111111111111/)).toBeInTheDocument();
    expect(screen.getAllByText(/you are neither/).length).toBeGreaterThan(0);
  });

  it('puts the median in words', () => {
    expect(describeMedian(0.4)).toBe('under a minute');
    expect(describeMedian(1)).toBe('1 minute');
    expect(describeMedian(25.4)).toBe('25 minutes');
    expect(describeMedian(200)).toBe('3 h 20 min');
  });
});
