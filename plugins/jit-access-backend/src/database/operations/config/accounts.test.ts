import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import knexFactory from 'knex';
import { createTestStore } from '../../__testUtils__/testStore';

describeEachDatabase('accounts', (createStore, id) => {
  it('onboards configured accounts only once', async () => {
    const { store } = await createStore();
    const account = {
      accountId: '111111111111',
      name: 'sandbox',
      onboarded: true,
      customPolicyAllowed: true,
      breakGlassAllowed: true,
      assignedOwners: [],
      enabledPermissionSetArns: ['arn:a'],
    };
    await store.upsertAccount(account, { onlyIfMissing: true });
    await store.upsertAccount({ ...account, onboarded: false });
    await store.upsertAccount(account, { onlyIfMissing: true });
    expect(await store.getAccount('111111111111')).toMatchObject({
      onboarded: false,
      breakGlassAllowed: true,
      enabledPermissionSetArns: ['arn:a'],
    });
  });

  // Replicas seed their configured accounts at start-up, at the same moment.
  (id === 'POSTGRES_15' ? describe : describe.skip)('two replicas', () => {
    it('onboard a configured account once when they start together', async () => {
      const { knex, store } = await createStore();
      const replica = knexFactory(knex.client.config);
      try {
        const stores = [store, await createTestStore(replica)];
        const account = (i: number) => ({
          accountId: '111111111111',
          name: `sandbox-${i}`,
          onboarded: true,
          customPolicyAllowed: false,
          breakGlassAllowed: false,
          assignedOwners: [],
          enabledPermissionSetArns: ['arn:a'],
        });
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            stores[i % 2].upsertAccount(account(i), { onlyIfMissing: true }),
          ),
        );
        expect(await knex('jit_accounts').count({ n: '*' })).toEqual([{ n: '1' }]);
        expect(
          (await store.getAccount('111111111111'))?.enabledPermissionSetArns,
        ).toEqual(['arn:a']);
      } finally {
        await replica.destroy();
      }
    });
  });
});
