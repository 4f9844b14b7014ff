import type { JitSettings } from '@jit-access/plugin-jit-access-common';
import { describeEachDatabase } from '../../__testUtils__/eachDatabase';

describeEachDatabase('settings', createStore => {
  it('keeps stored settings over the defaults', async () => {
    const { store } = await createStore();
    const defaults: JitSettings = {
      requireRejectionComment: false,
      pendingTimeoutMinutes: 60,
      customMaxDurationMinutes: 120,
      allowRequestsWithoutApprover: false,
    };
    expect(await store.getSettings(defaults)).toEqual(defaults);
    await store.putSettings({ ...defaults, pendingTimeoutMinutes: 15 });
    expect(await store.getSettings({ ...defaults, customMaxDurationMinutes: 90 })).toEqual({
      ...defaults,
      pendingTimeoutMinutes: 15,
      customMaxDurationMinutes: 120,
    });
  });
});
