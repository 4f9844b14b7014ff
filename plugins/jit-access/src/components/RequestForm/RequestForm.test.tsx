import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { accounts, fakeApi } from '../../__testUtils__/fixtures';
import { RequestFormBody } from './RequestForm';

async function renderForm(data = accounts) {
  await renderInTestApp(
    <TestApiProvider apis={[[jitAccessApiRef, fakeApi({})]]}>
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

  it('validates a custom policy live, with line, column and rule', async () => {
    await renderForm();
    choose('Account', /sandbox/);
    choose('Permission set', /Custom policy/);
    fireEvent.change(screen.getByLabelText('Custom policy'), {
      target: { value: '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}\n}' },
    });
    const v = screen.getByTestId('policy-validation');
    expect(v).toHaveTextContent('Line 3, column 27: Statement: "Effect" must be "Allow" or "Deny", found "allow" (invalid-effect)');
    expect(v).toHaveTextContent('Size 83 / 10,240 non-whitespace characters');
  });
});
