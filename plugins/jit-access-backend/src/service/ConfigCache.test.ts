import { TestDatabases } from '@backstage/backend-test-utils';
import { createTestStore } from '../database/__testUtils__/testStore';
import { ConfigCache } from './ConfigCache';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const account = (accountId: string, name: string) => ({
  accountId,
  name,
  onboarded: true,
  customPolicyAllowed: false,
  breakGlassAllowed: false,
  assignedOwners: ['group:default/team-alpha'],
  enabledPermissionSetArns: [],
});

const defaults = {
  requireRejectionComment: false,
  pendingTimeoutMinutes: 60,
  customMaxDurationMinutes: 60,
  allowRequestsWithoutApprover: false,
};

describe('ConfigCache', () => {
  async function setup(ttlMs?: number) {
    const store = await createTestStore(
      await databases.init('SQLITE_3'),
    );
    await store.upsertAccount(account('111111111111', 'sandbox'));
    return { store, cache: new ConfigCache(store, defaults, ttlMs) };
  }

  it('serves what it read until invalidated, then reads again', async () => {
    const { store, cache } = await setup();
    expect((await cache.accounts()).map(a => a.name)).toEqual(['sandbox']);
    expect((await cache.settings()).pendingTimeoutMinutes).toBe(60);

    await store.upsertAccount(account('222222222222', 'production'));
    await store.putSettings({ ...defaults, pendingTimeoutMinutes: 90 });
    expect((await cache.accounts()).map(a => a.name)).toEqual(['sandbox']);
    expect(await cache.account('222222222222')).toBeUndefined();
    expect((await cache.settings()).pendingTimeoutMinutes).toBe(60);

    cache.invalidate(); // what the ConfigService does after a change
    expect((await cache.accounts()).map(a => a.name)).toEqual([
      'production',
      'sandbox',
    ]);
    expect((await cache.account('222222222222'))?.name).toBe('production');
    expect((await cache.settings()).pendingTimeoutMinutes).toBe(90);
  });

  it('reads again once its time is up (another replica changed the config)', async () => {
    const { store, cache } = await setup(0);
    expect(await cache.accounts()).toHaveLength(1);
    await store.upsertAccount(account('222222222222', 'production'));
    expect(await cache.accounts()).toHaveLength(2);
  });

  it('hands out copies: a caller sorting or changing a list does not change the cache', async () => {
    const { cache } = await setup();
    (await cache.accounts()).pop();
    (await cache.settings()).pendingTimeoutMinutes = 1;
    expect(await cache.accounts()).toHaveLength(1);
    expect((await cache.settings()).pendingTimeoutMinutes).toBe(60);
  });
});
