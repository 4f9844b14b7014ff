import type { AccessRequest, Page } from '@jit-access/plugin-jit-access-common';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { pendingRequest } from '../../__testUtils__/fixtures';
import { RequestTable } from './RequestTable';
import { renderInJitAccessApp } from '../../__testUtils__/render';

/** Requests JIT-000001.. by alternating requesters, with their display names. */
function requests(from: number, n: number): AccessRequest[] {
  return Array.from({ length: n }, (_, i) => {
    const alice = (from + i) % 2 === 0;
    return pendingRequest({
      id: `JIT-${String(from + i).padStart(6, '0')}`,
      requester: alice ? 'user:default/alice' : 'user:default/frank',
      requesterName: alice ? 'Alice Anders' : 'Frank Fischer',
    });
  });
}

const rowIds = () => screen.getAllByRole('link', { name: /^JIT-/ }).map(a => a.textContent);

describe('RequestTable', () => {
  it('shows requesters by name; by the ref name when the catalog has none', async () => {
    const ghost = pendingRequest({ id: 'JIT-GHOST1', requester: 'user:default/ghost', requesterName: undefined });
    await renderInJitAccessApp(<RequestTable title="Request history" requests={[...requests(1, 2), ghost]} showRequester />);
    expect(screen.getByText('Frank Fischer')).toBeInTheDocument();
    expect(screen.getByText('Alice Anders')).toBeInTheDocument();
    expect(screen.getByText('ghost')).toBeInTheDocument();
    expect(screen.queryByText(/user:default/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Load more/ })).not.toBeInTheDocument(); // no paging asked for
  });

  it('loads the next pages with the cursor from the keyboard, appends them, and says when all are shown', async () => {
    const user = userEvent.setup();
    const pages: Record<string, Page<AccessRequest>> = {
      c2: { items: requests(4, 3), nextCursor: 'c3' },
      c3: { items: requests(7, 1) },
    };
    const loadMore = jest.fn(async (cursor: string) => pages[cursor]);
    await renderInJitAccessApp(
      <RequestTable title="Request history" requests={requests(1, 3)} nextCursor="c2" loadMore={loadMore} showRequester />,
    );
    expect(rowIds()).toEqual(['JIT-000001', 'JIT-000002', 'JIT-000003']);
    expect(screen.getByTestId('request-count')).toHaveTextContent('3 requests shown; more are available.');

    const button = screen.getByRole('button', { name: 'Load more: Request history' });
    act(() => button.focus());
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rowIds()).toHaveLength(6));
    expect(loadMore).toHaveBeenLastCalledWith('c2');
    expect(rowIds()).toEqual(['JIT-000001', 'JIT-000002', 'JIT-000003', 'JIT-000004', 'JIT-000005', 'JIT-000006']);
    expect(screen.getAllByText('Alice Anders')).toHaveLength(3); // 2, 4, 6
    expect(screen.getByTestId('request-count')).toHaveTextContent('6 requests shown; more are available.');
    expect(button).toHaveFocus();

    await user.keyboard(' ');
    await waitFor(() => expect(rowIds()).toHaveLength(7));
    expect(loadMore).toHaveBeenLastCalledWith('c3');
    expect(screen.queryByRole('button', { name: /Load more/ })).not.toBeInTheDocument();
    const count = screen.getByTestId('request-count');
    expect(count).toHaveTextContent('All 7 requests shown.');
    expect(count).toHaveFocus(); // the button is gone: the focus is not lost
  });

  it('says why a page could not be loaded, and loads it when asked again', async () => {
    const loadMore = jest
      .fn<Promise<Page<AccessRequest>>, [string]>()
      .mockRejectedValueOnce(new Error('Service Unavailable'))
      .mockResolvedValueOnce({ items: requests(2, 1) });
    await renderInJitAccessApp(<RequestTable title="My requests" requests={requests(1, 1)} nextCursor="c2" loadMore={loadMore} />);
    await userEvent.click(screen.getByRole('button', { name: 'Load more: My requests' }));
    expect(await screen.findByTestId('load-more-error')).toHaveTextContent('Could not load more requests: Service Unavailable');
    expect(rowIds()).toEqual(['JIT-000001']);
    await userEvent.click(screen.getByRole('button', { name: 'Load more: My requests' }));
    await waitFor(() => expect(rowIds()).toEqual(['JIT-000001', 'JIT-000002']));
    expect(screen.queryByTestId('load-more-error')).not.toBeInTheDocument();
    expect(loadMore.mock.calls).toEqual([['c2'], ['c2']]);
  });

  it('starts over when the first page is loaded again', async () => {
    const loadMore = jest.fn(async () => ({ items: requests(2, 1), nextCursor: 'c3' }));
    function Reloading() {
      const [first, setFirst] = useState(() => requests(1, 1));
      return (
        <>
          <button onClick={() => setFirst(requests(5, 1))}>Reload</button>
          <RequestTable title="My requests" requests={first} nextCursor="c2" loadMore={loadMore} />
        </>
      );
    }
    await renderInJitAccessApp(<Reloading />);
    await userEvent.click(screen.getByRole('button', { name: 'Load more: My requests' }));
    await waitFor(() => expect(rowIds()).toHaveLength(2));
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(rowIds()).toEqual(['JIT-000005']);
    expect(screen.getByTestId('request-count')).toHaveTextContent('1 request shown; more are available.');
  });

  it('leaves out the Status column when asked (a list of pending requests); the selection column is named for screen readers only', async () => {
    const selection = { isSelected: () => false, toggle: jest.fn() };
    const headers = () => screen.getAllByRole('columnheader').map(h => h.textContent);
    const { unmount } = await renderInJitAccessApp(
      <RequestTable title="Waiting for your decision" requests={requests(1, 2)} showRequester hideStatus selection={selection} />,
    );
    expect(headers()).toEqual(['Select', 'Request', 'Requester', 'Account', 'Access', 'Duration', 'Created']);
    expect(screen.queryByTestId(/^request-status/)).not.toBeInTheDocument();
    expect(screen.getByText('Select')).toHaveStyle({ position: 'absolute', width: '1px', overflow: 'hidden' });
    expect(screen.getByRole('checkbox', { name: 'Select JIT-000001' })).toBeInTheDocument();
    unmount();

    await renderInJitAccessApp(<RequestTable title="Request history" requests={requests(1, 2)} showRequester />);
    expect(headers()).toEqual(['Request', 'Requester', 'Account', 'Access', 'Duration', 'Status', 'Created']);
  });
});
