import { TestApiProvider } from '@backstage/test-utils';
import type { IdentityCenterUserCheck } from '@jit-access/plugin-jit-access-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { accounts, fakeApi } from '../../__testUtils__/fixtures';
import { RequestFormBody } from './RequestForm';
import { renderInJitAccessApp } from '../../__testUtils__/render';

async function renderForm(identityCenterUser?: IdentityCenterUserCheck) {
  await renderInJitAccessApp(
    <TestApiProvider apis={[[jitAccessApiRef, fakeApi({})]]}>
      <RequestFormBody accounts={accounts} identityCenterUser={identityCenterUser} />
    </TestApiProvider>,
  );
}

function fillIn() {
  for (const [label, option] of [['Account', /sandbox/], ['Permission set', /ReadOnlyAccess/]] as const) {
    fireEvent.mouseDown(screen.getByLabelText(label));
    fireEvent.click(within(screen.getByRole('listbox')).getByText(option));
  }
  fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: 'deploy' } });
}

describe('RequestForm and the Identity Center user', () => {
  it('says what to fix before submitting and keeps Submit disabled when the user has none', async () => {
    const reason =
      'Your Backstage user has no email in the catalog, so JIT Access cannot find your Identity Center user: ask your catalog admin to add spec.profile.email to user:default/guest.';
    await renderForm({ status: 'missing', reason });
    const notice = screen.getByTestId('identity-center-user');
    expect(notice).toHaveTextContent(`You cannot request access yet. ${reason}`);
    fillIn();
    expect(screen.getByRole('button', { name: 'Submit request' })).toBeDisabled();
  });

  it('warns, but lets the user submit, when the check could not be made', async () => {
    await renderForm({ status: 'unchecked', reason: 'Your Identity Center user could not be checked just now' });
    expect(screen.getByTestId('identity-center-user')).toHaveTextContent('could not be checked just now');
    fillIn();
    expect(screen.getByRole('button', { name: 'Submit request' })).toBeEnabled();
  });

  it('shows nothing when the user is found (or not known yet)', async () => {
    await renderForm({ status: 'found' });
    expect(screen.queryByTestId('identity-center-user')).not.toBeInTheDocument();
    fillIn();
    expect(screen.getByRole('button', { name: 'Submit request' })).toBeEnabled();
  });
});
