import { describeEachDatabase } from '../../__testUtils__/eachDatabase';

describeEachDatabase('config changes', createStore => {
  it('gives the latest change of each kind on an account, its permission set there, or the set as a whole', async () => {
    const { store } = await createStore();
    const account = '111111111111';
    const arn = 'arn:ps/admin';
    await store.recordConfigChanges([{ change: 'owners-changed', actor: 'user:default/carol', accountId: account }], 1000);
    await store.recordConfigChanges(
      [
        { change: 'owners-changed', actor: 'user:default/dave', accountId: account },
        { change: 'permission-set-disabled', actor: 'user:default/dave', accountId: account, permissionSetArn: arn },
        { change: 'two-levels-required', actor: 'user:default/erin', permissionSetArn: arn },
        // elsewhere: another account, another set
        { change: 'offboarded', actor: 'user:default/erin', accountId: '222222222222' },
        { change: 'permission-set-disabled', actor: 'user:default/erin', accountId: account, permissionSetArn: 'arn:ps/other' },
      ],
      2000,
    );
    await store.recordConfigChanges([], 3000);

    const ofAccount = await store.latestConfigChanges({ accountId: account });
    expect(ofAccount).toEqual({ 'owners-changed': { actor: 'user:default/dave', at: 2000, seq: expect.any(Number) } });

    const ofSet = await store.latestConfigChanges({ accountId: account, permissionSetArn: arn });
    expect(Object.keys(ofSet).sort()).toEqual(['owners-changed', 'permission-set-disabled', 'two-levels-required']);
    expect(ofSet['permission-set-disabled']).toMatchObject({ actor: 'user:default/dave', at: 2000 });
    expect(ofSet['two-levels-required']).toMatchObject({ actor: 'user:default/erin', at: 2000 });
    // later changes have larger seqs
    expect(ofSet['two-levels-required']!.seq).toBeGreaterThan(ofSet['owners-changed']!.seq);
  });
});
