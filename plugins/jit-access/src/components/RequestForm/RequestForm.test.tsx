import { TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { accounts, fakeApi, pendingRequest, RO } from '../../__testUtils__/fixtures';
import { RequestFormBody } from './RequestForm';
import { renderInJitAccessApp } from '../../__testUtils__/render';

async function renderForm(data = accounts, api = fakeApi({})) {
  await renderInJitAccessApp(
    <TestApiProvider apis={[[jitAccessApiRef, api]]}>
      <RequestFormBody accounts={data} />
    </TestApiProvider>,
  );
}

function choose(label: string, option: RegExp) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  fireEvent.click(within(screen.getByRole('listbox')).getByText(option));
}

describe('RequestForm', () => {
  it('explains an empty account list with the backend reason', async () => {
    await renderForm({ items: [], reason: 'No AWS accounts are onboarded to JIT Access yet.' });
    expect(screen.getByText('No accounts available')).toBeInTheDocument();
    expect(screen.getByText('No AWS accounts are onboarded to JIT Access yet.')).toBeInTheDocument();
    expect(screen.queryByText(/config page/i)).not.toBeInTheDocument();
  });

  it('offers admins the config page when nothing is requestable', async () => {
    await renderForm({ items: [], reason: 'none', canManageConfig: true });
    expect(screen.getByText('Open the JIT Access config page')).toBeInTheDocument();
  });

  it('on an account without owners: says the Admins decide, by name, and offers no custom policy', async () => {
    const orphan = {
      ...accounts.items[0],
      accountId: '333333333333',
      name: 'orphan',
      owners: ['group:default/legacy'],
      breakGlassAllowed: false,
      ownerless: { adminNames: ['Carol Chen', 'Dave Davis'] },
    };
    await renderForm({ items: [orphan] });
    choose('Account', /orphan/);
    expect(screen.getByTestId('ownerless-notice')).toHaveTextContent(
      'orphan has no owners, so your request goes to the Admins and SSO Admins (Carol Chen, Dave Davis), who approve standard requests on any account.',
    );
    fireEvent.mouseDown(screen.getByLabelText('Permission set'));
    const custom = within(screen.getByRole('listbox')).getByText(/Custom policy/);
    expect(custom).toHaveTextContent('needs an owner, and this account has none');
    expect(custom.closest('li')).toHaveAttribute('aria-disabled', 'true');
  });

  it('names both entities of an account claimed twice in the catalog, and what to fix', async () => {
    const claimed = {
      ...accounts.items[0],
      owners: [],
      catalogConflict: { entityRefs: ['resource:default/sandbox', 'resource:default/sandbox-copy'] },
    };
    await renderForm({ items: [claimed] });
    expect(screen.queryByTestId('catalog-conflict')).not.toBeInTheDocument();
    choose('Account', /sandbox/);
    expect(screen.getByTestId('catalog-conflict')).toHaveTextContent(
      'claimed by 2 catalog entities (resource:default/sandbox, resource:default/sandbox-copy)',
    );
    expect(screen.getByTestId('catalog-conflict')).toHaveTextContent('remove the annotation from every entity that is not this account');
  });

  it('lists accounts that take no new requests, disabled, with why', async () => {
    await renderForm({
      ...accounts,
      unavailable: [{ accountId: '666666666666', name: 'gone', reason: 'No catalog entity carries it any more.' }],
    });
    expect(screen.getByTestId('unavailable-accounts')).toHaveTextContent('gone (666666666666): No catalog entity carries it any more.');
    fireEvent.mouseDown(screen.getByLabelText('Account'));
    const gone = within(screen.getByRole('listbox')).getByText(/takes no new requests now/);
    expect(gone.closest('li')).toHaveAttribute('aria-disabled', 'true');
  });

  it('shows the effective duration and its cause before submission', async () => {
    await renderForm();
    choose('Account', /sandbox/);
    choose('Permission set', /ReadOnlyAccess/);
    fireEvent.change(screen.getByLabelText('Duration (minutes)'), { target: { value: '240' } });
    expect(screen.getByTestId('effective-duration')).toHaveTextContent(
      'Effective duration: 1 h. You asked for 4 h; ReadOnlyAccess sessions last at most 1 h, so access ends after 1 h.',
    );
    expect(screen.getByRole('button', { name: 'Submit request' })).toBeDisabled(); // no reason yet
  });

  it('does not offer break-glass on an account that does not allow it', async () => {
    await renderForm();
    expect(screen.queryByLabelText('Break-glass (emergency)')).not.toBeInTheDocument();
    choose('Account', /production/);
    expect(screen.queryByLabelText('Break-glass (emergency)')).not.toBeInTheDocument();
    expect(screen.queryByTestId('break-glass-explanation')).not.toBeInTheDocument();
  });

  it('offers break-glass where the account allows it, explains it, and not for custom policies', async () => {
    await renderForm();
    choose('Account', /sandbox/);
    expect(screen.getByLabelText('Break-glass (emergency)')).not.toBeChecked();
    expect(screen.getByTestId('break-glass-explanation')).toHaveTextContent(
      'you approve your own request and access is granted at once. Every owner of sandbox and every Admin/SSO Admin is notified immediately, and an owner or admin reviews it afterwards',
    );
    choose('Permission set', /Custom policy/);
    expect(screen.queryByLabelText('Break-glass (emergency)')).not.toBeInTheDocument();
  });

  it('a break-glass request needs a real reason and starts at once', async () => {
    const createRequest = jest.fn(async () => pendingRequest({ status: 'approved', breakGlass: true }));
    await renderForm(accounts, fakeApi({ createRequest }));
    choose('Account', /sandbox/);
    choose('Permission set', /ReadOnlyAccess/);
    fireEvent.click(screen.getByLabelText('Break-glass (emergency)'));
    expect(screen.getByLabelText('Start time')).toBeDisabled();
    fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: 'outage' } });
    const submit = screen.getByRole('button', { name: 'Get break-glass access now' });
    expect(submit).toBeDisabled();
    expect(
      screen.getByText('a break-glass request needs a reason of at least 10 characters (6 given): say what the emergency is'),
    ).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: 'INC-42 outage, failover' } });
    expect(submit).toBeEnabled();
    fireEvent.click(submit);
    await waitFor(() => expect(createRequest).toHaveBeenCalled());
    expect(createRequest).toHaveBeenCalledWith({
      accountId: '111111111111',
      permissionSetArn: RO,
      customPolicy: undefined,
      durationMinutes: 60,
      reason: 'INC-42 outage, failover',
      ticket: undefined,
      startAt: undefined,
      breakGlass: true,
    });
  });
});
