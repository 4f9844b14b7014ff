import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import { newRequest } from '../../../__testUtils__/storedRequests';

describeEachDatabase('events written with earlier names', createStore => {
  it('are read in the lifecycle vocabulary, and the rows keep what they were written with', async () => {
    const { knex, store } = await createStore();
    await store.createRequest(newRequest('JIT-OLDNAM', 1_700_000_000_000));
    // As releases before the typed event names wrote them (the table is append-only, so they stay).
    const written: Array<[string, string | null, string | null]> = [
      ['approved-step-1', 'pending', 'pending'],
      ['approved-step-2', 'pending', 'approved'],
      ['provisioning', 'approved', 'provisioning'],
      ['activated', 'provisioning', 'active'],
      ['expiring', 'active', 'ending'],
      ['ended', 'ending', 'expired'],
      ['revoked', 'active', 'ending'],
      ['ended', 'ending', 'revoked'],
      ['superseded', 'active', 'ending'],
      ['ended', 'ending', 'ended'],
      ['timed-out', 'pending', 'timed_out'],
      ['rejected', 'pending', 'rejected'],
      ['cancelled', 'pending', 'cancelled'],
      ['withdrawn', 'approved', 'cancelled'],
      ['step-added', 'approved', 'pending'],
      ['failed', 'provisioning', 'failed'],
      ['end-early', 'active', 'ending'],
      ['break-glass', 'pending', 'approved'],
      ['reconciled', null, null],
    ];
    await knex('jit_request_events').insert(
      written.map(([type, from, to], i) => ({
        request_id: 'JIT-OLDNAM',
        actor: 'system:jit-access',
        at: 1_700_000_000_001 + i,
        type,
        from_status: from,
        to_status: to,
        comment: null,
      })),
    );
    const read = (await store.getEvents('JIT-OLDNAM')).slice(1).map(e => e.type);
    expect(read).toEqual([
      'approve-step',
      'approve-final',
      'start-provisioning',
      'provisioned',
      'expire',
      'ended-expired',
      'revoke',
      'ended-revoked',
      'supersede',
      'ended-early',
      'time-out',
      'reject',
      'cancel',
      'withdraw',
      'add-step',
      'provisioning-failed',
      'end-early',
      'break-glass',
      'reconciled',
    ]);
    const stored = await knex('jit_request_events').where({ request_id: 'JIT-OLDNAM' }).orderBy('id').pluck('type');
    expect(stored.slice(1)).toEqual(written.map(([type]) => type));
  });
});
