import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import { newRequest } from '../../../__testUtils__/storedRequests';

describeEachDatabase('closeReview', createStore => {
  it('closes a review once: the second of two racing closes loses', async () => {
    const { store } = await createStore();
    await store.createRequest(newRequest('JIT-BG0003', 1_700_000_000_000, { breakGlass: true, review: { status: 'open' } }));
    const close = (who: string) =>
      store.closeReview({ requestId: 'JIT-BG0003', closedBy: who, comment: `checked by ${who}`, now: 1_700_000_100_000 });
    const results = await Promise.all([close('user:default/bob'), close('user:default/carol')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const r = (await store.getRequest('JIT-BG0003'))!;
    expect(r.review).toMatchObject({ status: 'closed', closedAt: new Date(1_700_000_100_000).toISOString() });
    expect(r.review!.comment).toBe(`checked by ${r.review!.closedBy}`);
    const events = (await store.getEvents('JIT-BG0003')).filter(e => e.type === 'review-closed');
    expect(events).toMatchObject([{ actor: r.review!.closedBy, comment: r.review!.comment, toStatus: undefined }]);
    expect((await store.listRequests({ reviewStatus: 'open', limit: 10 })).items).toEqual([]);
    // a request that is not break-glass has no review to close
    await store.createRequest(newRequest('JIT-NOTBG1', 1_700_000_000_000));
    expect(await store.closeReview({ requestId: 'JIT-NOTBG1', closedBy: 'user:default/bob', comment: 'x', now: 1 })).toBe(false);
  });
});
