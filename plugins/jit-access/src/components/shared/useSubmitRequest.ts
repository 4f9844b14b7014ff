import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import type { CreateRequestBody, RequestDetail } from '@jit-access/plugin-jit-access-common';
import { useState } from 'react';
// react-router's navigate: useAppNavigate is not in Backstage 1.55's frontend-plugin-api.
import { useNavigate } from 'react-router-dom';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { requestRouteRef } from '../../routes';
import { useNotify } from './useNotify';

/**
 * Submits a request (a new one or an extension), tells the user how it went
 * and opens the created request's page.
 */
export function useSubmitRequest(options: {
  /** What to tell the user once the request is created. */
  created: (request: RequestDetail) => string;
  /** What failed, told before the backend's explanation. */
  failed: string;
  /** Runs after creation, before navigating (e.g. to close a dialog). */
  onCreated?: () => void;
}) {
  const api = useApi(jitAccessApiRef);
  const notify = useNotify();
  const navigate = useNavigate();
  const requestLink = useRouteRef(requestRouteRef);
  const [submitting, setSubmitting] = useState(false);
  const submit = async (body: CreateRequestBody) => {
    setSubmitting(true);
    try {
      const request = await api.createRequest(body);
      notify.success(options.created(request));
      options.onCreated?.();
      navigate(requestLink({ id: request.id }));
    } catch (e) {
      notify.error(`${options.failed}: ${(e as Error).message}`);
    } finally {
      setSubmitting(false);
    }
  };
  return { submit, submitting };
}
