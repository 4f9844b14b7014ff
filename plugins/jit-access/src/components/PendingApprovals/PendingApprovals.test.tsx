import { TestApiProvider } from '@backstage/test-utils';
import type { RequestDetail } from '@jit-access/plugin-jit-access-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jitAccessApiRef, type JitAccessApi } from '../../api/JitAccessApi';
import { fakeApi, pendingRequest } from '../../__testUtils__/fixtures';
import { PendingApprovals } from './PendingApprovals';
import { renderInJitAccessApp } from '../../__testUtils__/render';

const A = pendingRequest({ id: 'JIT-AAAAAA', requesterName: 'Alice Anders' });
const B = pendingRequest({ id: 'JIT-BBBBBB', requesterName: 'Carl Cole' });
const C = pendingRequest({ id: 'JIT-CCCCCC', requesterName: 'Dana Dietz' });

function api(requests: RequestDetail[], overrides: Partial<JitAccessApi> = {}) {
  const byId = new Map(requests.map(r => [r.id, r]));
  return fakeApi({
    listRequests: jest.fn(async () => ({ items: requests })),
    getRequest: jest.fn(async (id: string) => byId.get(id)!),
    ...overrides,
  });
}

async function renderFor(jitApi: JitAccessApi) {
  await renderInJitAccessApp(
    <TestApiProvider apis={[[jitAccessApiRef, jitApi]]}>
      <PendingApprovals />
    </TestApiProvider>,
  );
  await screen.findByText('Waiting for your decision');
}

describe('Pending approvals', () => {
  it("approves a row through the request page's dialog, with its comment, and reloads the list", async () => {
    const approve = jest.fn(async () => ({ ...A, status: 'approved' as const }));
    const jitApi = api([A, B], { approve });
    await renderFor(jitApi);
    expect(jitApi.listRequests).toHaveBeenCalledWith({ view: 'approvals', limit: 25 });

    fireEvent.click(await screen.findByRole('button', { name: 'Approve JIT-AAAAAA' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('Approve request JIT-AAAAAA')).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText('Comment'), { target: { value: 'fine for the incident' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));

    await waitFor(() => expect(approve).toHaveBeenCalledWith('JIT-AAAAAA', 'fine for the incident'));
    expect(approve).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(jitApi.listRequests).toHaveBeenCalledTimes(2));
    // The row's buttons leave with it: the focus is on what came of the decision, not lost.
    const result = screen.getByTestId('row-result');
    expect(result).toHaveTextContent('Decided JIT-AAAAAA: now approved.');
    await waitFor(() => expect(result).toHaveFocus());
  });

  it('takes the verdicts the list carries, without reading each request', async () => {
    const jitApi = api([A, B]);
    await renderFor(jitApi);
    expect(await screen.findByRole('button', { name: 'Approve JIT-BBBBBB' })).toBeEnabled();
    expect(jitApi.getRequest).not.toHaveBeenCalled();
  });

  it('reads the verdicts of rows that come without them', async () => {
    const bare = ({ actions: _a, ...rest }: RequestDetail) => rest;
    const jitApi = api([A, B], { listRequests: jest.fn(async () => ({ items: [bare(A), bare(B)] })) });
    await renderFor(jitApi);
    expect(await screen.findByRole('button', { name: 'Approve JIT-AAAAAA' })).toBeEnabled();
    expect(jitApi.getRequest).toHaveBeenCalledWith('JIT-AAAAAA');
    expect(jitApi.getRequest).toHaveBeenCalledWith('JIT-BBBBBB');
  });

  it('rejects a row through the same dialog', async () => {
    const reject = jest.fn(async () => ({ ...B, status: 'rejected' as const }));
    await renderFor(api([A, B], { reject }));
    fireEvent.click(await screen.findByRole('button', { name: 'Reject JIT-BBBBBB' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('Reject request JIT-BBBBBB')).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText('Comment'), { target: { value: 'no ticket' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(reject).toHaveBeenCalledWith('JIT-BBBBBB', 'no ticket'));
  });

  it('disables what the caller may not decide, says why, and leaves the row out of the selection', async () => {
    const why = 'You approved step 1; step 2 needs another owner or an admin.';
    const decided = {
      ...B,
      actions: [
        { action: 'approve' as const, allowed: false, reason: why },
        { action: 'reject' as const, allowed: false, reason: why },
      ],
    };
    await renderFor(api([A, decided]));
    const approveB = await screen.findByRole('button', { name: 'Approve JIT-BBBBBB' });
    expect(approveB).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reject JIT-BBBBBB' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Approve JIT-AAAAAA' })).toBeEnabled();
    expect(screen.getAllByTestId('action-reason').map(e => e.textContent)).toEqual([why]);
    expect(screen.getByRole('checkbox', { name: 'Select JIT-BBBBBB' })).toBeDisabled();

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all requests you can approve' }));
    expect(screen.getByRole('checkbox', { name: 'Select JIT-AAAAAA' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Select JIT-BBBBBB' })).not.toBeChecked();
    expect(screen.getByRole('button', { name: 'Approve selected (1)' })).toBeInTheDocument();
  });

  it('approves the selected rows with one comment; the one refused is listed with the reason, the others go through', async () => {
    const refusal = 'Bob Brown rejected this request a moment ago.';
    const approve = jest.fn(async (id: string) => {
      if (id === B.id) throw new Error(refusal);
      return { ...pendingRequest({ id }), status: 'approved' as const };
    });
    const jitApi = api([A, B, C], { approve });
    await renderFor(jitApi);
    await screen.findByRole('button', { name: 'Approve JIT-CCCCCC' });

    // Nothing selected: the button says so instead of opening the dialog.
    const bulk = screen.getByRole('button', { name: 'Approve selected (0)' });
    expect(bulk).toHaveAttribute('aria-disabled', 'true');
    expect(bulk).not.toHaveClass('MuiButton-containedPrimary'); // looks disabled too
    fireEvent.click(bulk);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    // The checkboxes work from the keyboard: Tab to one, Space to tick it.
    const user = userEvent.setup();
    for (const id of [A.id, B.id, C.id]) {
      const box = screen.getByRole('checkbox', { name: `Select ${id}` });
      box.focus();
      await user.keyboard(' ');
      expect(box).toBeChecked();
    }
    expect(screen.getByRole('button', { name: 'Approve selected (3)' })).toHaveClass('MuiButton-containedPrimary');
    fireEvent.click(screen.getByRole('button', { name: 'Approve selected (3)' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('Approve 3 selected requests')).toBeInTheDocument();
    expect(within(dialog).getByText(/JIT-AAAAAA, JIT-BBBBBB, JIT-CCCCCC/)).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText('Comment'), { target: { value: 'release window' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));

    const refused = await screen.findByTestId('bulk-refused-JIT-BBBBBB');
    expect(refused).toHaveTextContent(`JIT-BBBBBB: ${refusal}`);
    expect(approve.mock.calls).toEqual([
      ['JIT-AAAAAA', 'release window'],
      ['JIT-BBBBBB', 'release window'],
      ['JIT-CCCCCC', 'release window'],
    ]);
    const result = screen.getByTestId('bulk-result');
    expect(result).toHaveAttribute('role', 'status');
    expect(result).toHaveTextContent('Approved 2 of 3');
    await waitFor(() => expect(result).toHaveFocus());
    // Once the dialog is gone (until then it hides the page from screen readers).
    await waitFor(() => expect(within(result).getAllByRole('listitem')).toHaveLength(1));
    await waitFor(() => expect(jitApi.listRequests).toHaveBeenCalledTimes(2));
    expect(screen.getByRole('button', { name: 'Approve selected (0)' })).toBeInTheDocument();
  });

  it('says so when every selected request went through', async () => {
    const approve = jest.fn(async (id: string) => ({ ...pendingRequest({ id }), status: 'approved' as const }));
    await renderFor(api([A, B], { approve }));
    await screen.findByRole('button', { name: 'Approve JIT-BBBBBB' });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all requests you can approve' }));
    fireEvent.click(screen.getByRole('button', { name: 'Approve selected (2)' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('Approved all 2 requests.')).toBeInTheDocument();
    expect(approve.mock.calls).toEqual([
      ['JIT-AAAAAA', undefined],
      ['JIT-BBBBBB', undefined],
    ]);
    expect(screen.queryByTestId('bulk-refused')).not.toBeInTheDocument();
  });
});
