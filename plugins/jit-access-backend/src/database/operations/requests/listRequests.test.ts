import { InvalidCursorError } from '../../errors';
import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import { newRequest } from '../../../__testUtils__/storedRequests';

describeEachDatabase('listRequests', createStore => {
  it('pages with a keyset cursor, newest first, without gaps or repeats', async () => {
    const { store } = await createStore();
    for (let i = 0; i < 7; i++) {
      await store.createRequest(
        newRequest(`JIT-P0000${i}`, 1_700_000_000_000 + (i % 3) * 1000),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listRequests({
        requester: 'user:default/alice',
        limit: 3,
        cursor,
      });
      seen.push(...page.items.map(r => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe('JIT-P00005');
  });

  it('filters by a date range on the creation time, and pages within it', async () => {
    const { store } = await createStore();
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 6; i++) {
      await store.createRequest(newRequest(`JIT-D0000${i}`, t0 + i * 1000));
    }
    const filter = { createdAfter: t0 + 1000, createdBefore: t0 + 5000, limit: 2 };
    const first = await store.listRequests(filter);
    expect(first.items.map(r => r.id)).toEqual(['JIT-D00004', 'JIT-D00003']);
    const second = await store.listRequests({ ...filter, cursor: first.nextCursor });
    expect(second.items.map(r => r.id)).toEqual(['JIT-D00002', 'JIT-D00001']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('rejects a forged cursor as not one of its own (the API answers 400)', async () => {
    const { store } = await createStore();
    await expect(
      store.listRequests({ limit: 3, cursor: 'not-a-cursor' }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
