import { describeEachDatabase } from '../../__testUtils__/eachDatabase';

describeEachDatabase('permission sets', createStore => {
  it('keeps admin choices on permission sets across a sync', async () => {
    const { store } = await createStore();
    const set = {
      arn: 'arn:ps/admin',
      name: 'AdministratorAccess',
      sessionDuration: 'PT8H',
      requiresTwoLevels: false,
      source: 'identity-center' as const,
    };
    await store.upsertPermissionSets([set]);
    await store.setPermissionSetRequiresTwoLevels('arn:ps/admin', true);
    await store.upsertPermissionSets([{ ...set, sessionDuration: 'PT4H' }]);
    const [stored] = await store.listPermissionSets();
    expect(stored).toMatchObject({
      sessionDuration: 'PT4H',
      requiresTwoLevels: true,
    });
  });
});
