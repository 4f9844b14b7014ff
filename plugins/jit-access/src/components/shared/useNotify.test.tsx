import { alertApiRef } from '@backstage/core-plugin-api';
import { toastApiRef } from '@backstage/frontend-plugin-api';
import { TestApiProvider } from '@backstage/test-utils';
import { renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { mockToasts } from '../../__testUtils__/render';
import { SUCCESS_TIMEOUT_MS, useNotify } from './useNotify';

const alertApi = () => ({ post: jest.fn(), alert$: jest.fn() });

function notifyWith(apis: Parameters<typeof TestApiProvider>[0]['apis']) {
  const wrapper = ({ children }: { children: ReactNode }) => <TestApiProvider apis={apis}>{children}</TestApiProvider>;
  return renderHook(() => useNotify(), { wrapper }).result.current;
}

describe('useNotify', () => {
  it('posts toasts where the app has the toast API (the new frontend system), not alerts', () => {
    const toasts = mockToasts();
    const alerts = alertApi();
    const notify = notifyWith([
      [toastApiRef, toasts],
      [alertApiRef, alerts],
    ]);
    notify.success('Request JIT-ABC123 submitted');
    notify.error('Could not submit the request: no');
    expect(toasts.post.mock.calls).toEqual([
      [{ title: 'Request JIT-ABC123 submitted', status: 'success', timeout: SUCCESS_TIMEOUT_MS }],
      [{ title: 'Could not submit the request: no', status: 'danger' }],
    ]);
    expect(alerts.post).not.toHaveBeenCalled();
  });

  it('falls back to alerts in an app without the toast API (the legacy frontend system)', () => {
    const alerts = alertApi();
    const notify = notifyWith([[alertApiRef, alerts]]);
    notify.success('Settings saved');
    notify.error('Settings saved failed: no');
    expect(alerts.post.mock.calls).toEqual([
      [{ message: 'Settings saved', severity: 'success', display: 'transient' }],
      [{ message: 'Settings saved failed: no', severity: 'error' }],
    ]);
  });
});
