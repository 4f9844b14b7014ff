import { TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { fakeApi, pendingRequest } from '../../__testUtils__/fixtures';
import { RequestActions } from './RequestActions';
import { renderInJitAccessApp } from '../../__testUtils__/render';

describe('RequestActions', () => {
  it('disables a denied action and shows the backend reason', async () => {
    const request = pendingRequest({
      actions: [
        { action: 'approve', allowed: false, reason: 'You cannot approve your own request.' },
        { action: 'reject', allowed: false, reason: 'You cannot reject your own request.' },
        { action: 'cancel', allowed: true },
      ],
    });
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({})]]}>
        <RequestActions request={request} onChanged={() => {}} hideIrrelevant />
      </TestApiProvider>,
    );
    expect(screen.getByRole('button', { name: 'Approve JIT-7K3F9Q' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cancel request JIT-7K3F9Q' })).toBeEnabled();
    expect(screen.getAllByTestId('action-reason').map(e => e.textContent)).toEqual([
      'You cannot approve your own request.',
      'You cannot reject your own request.',
    ]);
  });

  it('approves through the dialog with the comment', async () => {
    const approve = jest.fn(async () => pendingRequest({ status: 'approved' }));
    const onChanged = jest.fn();
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ approve })]]}>
        <RequestActions request={pendingRequest()} onChanged={onChanged} hideIrrelevant />
      </TestApiProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Approve JIT-7K3F9Q' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Comment'), { target: { value: 'ok for 30 min' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(approve).toHaveBeenCalledWith('JIT-7K3F9Q', 'ok for 30 min');
  });
});
