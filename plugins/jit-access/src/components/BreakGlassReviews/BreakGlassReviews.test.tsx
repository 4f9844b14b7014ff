import { TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { fakeApi, pendingRequest } from '../../__testUtils__/fixtures';
import { BreakGlassReviews } from './BreakGlassReviews';
import { renderInJitAccessApp } from '../../__testUtils__/render';

describe('BreakGlassReviews', () => {
  const open = pendingRequest({
    status: 'active',
    breakGlass: true,
    review: { status: 'open' },
    reason: 'INC-42 database failover',
  });

  it('lists open reviews; closing one needs a comment', async () => {
    let items = [open];
    const listRequests = jest.fn(async () => ({ items }));
    const closeReview = jest.fn(async () => {
      items = [];
      return { ...open, review: { status: 'closed' as const, closedBy: 'user:default/bob', comment: 'checked' } };
    });
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ listRequests, closeReview })]]}>
        <BreakGlassReviews />
      </TestApiProvider>,
    );
    expect(await screen.findByText('INC-42 database failover')).toBeInTheDocument();
    expect(listRequests).toHaveBeenCalledWith({ view: 'reviews', limit: 25 });
    fireEvent.click(screen.getByRole('button', { name: 'Close review JIT-7K3F9Q' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('Close break-glass review JIT-7K3F9Q')).toBeInTheDocument();
    const confirm = within(dialog).getByRole('button', { name: 'Close review' });
    expect(confirm).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/^Comment/), { target: { value: '   ' } });
    expect(confirm).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/^Comment/), { target: { value: 'Checked INC-42, failover was needed' } });
    expect(confirm).toBeEnabled();
    fireEvent.click(confirm);
    await waitFor(() => expect(closeReview).toHaveBeenCalledWith('JIT-7K3F9Q', 'Checked INC-42, failover was needed'));
    expect(await screen.findByText(/No break-glass access waits for your review/)).toBeInTheDocument();
  });
});
