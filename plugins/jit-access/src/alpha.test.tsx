import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import plugin from './alpha';
import { jitAccessApiRef } from './api/JitAccessApi';
import { fakeApi, owner, pendingRequest } from './__testUtils__/fixtures';

describe('links when the app mounts the page elsewhere (new frontend system)', () => {
  it('links the config page and each request under the path the app configured', async () => {
    const admin = { ...owner, features: { ...owner.features, config: true } };
    const api = fakeApi({
      getMe: async () => admin,
      listRequests: async () => ({ items: [pendingRequest({ id: 'JIT-MOVED1' })] }),
    });
    renderTestApp({
      features: [plugin],
      config: { app: { extensions: [{ 'page:jit-access': { config: { path: '/access' } } }] } },
      apis: [[jitAccessApiRef, api]],
      initialRouteEntries: ['/access?tab=mine'],
    });
    expect(await screen.findByRole('link', { name: 'Config page' })).toHaveAttribute('href', '/access/config');
    expect(await screen.findByRole('link', { name: 'JIT-MOVED1' })).toHaveAttribute('href', '/access/requests/JIT-MOVED1');
  });
});
