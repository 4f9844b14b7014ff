import { alertApiRef, useApiHolder } from '@backstage/core-plugin-api';
// toastApiRef rather than coreApis.toast: Backstage 1.55's frontend-plugin-api
// (0.18) has no coreApis; both name the same API.
import { toastApiRef } from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';

/** How long a success stays on screen; errors stay until dismissed. */
export const SUCCESS_TIMEOUT_MS = 5000;

/** Tells the user how an action went. */
export interface Notify {
  success(message: string): void;
  error(message: string): void;
}

/**
 * Tells the user through the new frontend system's toast API, and through the
 * alert API in apps on the legacy system, which have no toast API (AlertApi
 * is deprecated in favour of ToastApi but is all a legacy app displays).
 */
export function useNotify(): Notify {
  const apis = useApiHolder();
  return useMemo(() => {
    const toast = apis.get(toastApiRef);
    if (toast) {
      return {
        success: title => void toast.post({ title, status: 'success', timeout: SUCCESS_TIMEOUT_MS }),
        error: title => void toast.post({ title, status: 'danger' }),
      };
    }
    const alert = apis.get(alertApiRef);
    if (!alert) throw new Error('The app provides neither the toast API nor the alert API');
    return {
      success: message => alert.post({ message, severity: 'success', display: 'transient' }),
      error: message => alert.post({ message, severity: 'error' }),
    };
  }, [apis]);
}
