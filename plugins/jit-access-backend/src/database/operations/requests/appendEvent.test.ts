import { Knex } from 'knex';
import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import { newRequest } from '../../../__testUtils__/storedRequests';

/** Names of the triggers on the event table. */
async function eventTriggers(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(
      "select tgname as name from pg_trigger where tgrelid = 'jit_request_events'::regclass and not tgisinternal",
    );
    return rows.map((r: { name: string }) => r.name);
  }
  const rows = await knex.raw("select name from sqlite_master where type = 'trigger' and tbl_name = 'jit_request_events'");
  return rows.map((r: { name: string }) => r.name);
}

describeEachDatabase('appendEvent and the event table', createStore => {
  /**
   * The message a refused statement fails with. Not `rejects.toThrow`: on
   * SQLite the error is a better-sqlite3 SqliteError whose class comes from
   * the first test file that loaded better-sqlite3 in this jest worker (the
   * native addon keeps the error constructor it was given first, for the
   * whole process), so in any later file it is neither an `Error` of this
   * file's realm nor tagged as one, and jest reports "did not throw". That
   * was the append-only flake of sessions 3 and 4 (reproduced by running
   * ConfigCache.test.ts before this file in one worker).
   */
  async function refusal(statement: PromiseLike<unknown>): Promise<string> {
    try {
      await statement;
    } catch (e) {
      return String((e as { message?: unknown }).message ?? e);
    }
    return 'the statement went through';
  }

  it('keeps the event table append-only: the database refuses to change, delete or truncate events', async () => {
    const { knex, store } = await createStore();
    await store.createRequest(newRequest('JIT-EVENTS', 1_700_000_000_000));
    await store.appendEvent('JIT-EVENTS', { actor: 'user:default/carol', type: 'reconciled', comment: 'kept' }, 1_700_000_000_001);
    const before = await knex('jit_request_events').orderBy('id');
    expect(before).toHaveLength(2);
    const migrations = (await knex('knex_migrations').select('name')).map(m => m.name);
    expect(migrations).toContain('20261125140000_append_only_events.js');
    expect(await eventTriggers(knex)).toHaveLength(2);
    expect(await refusal(knex('jit_request_events').update({ comment: 'rewritten' }))).toMatch(/append-only/);
    expect(await refusal(knex('jit_request_events').where({ type: 'reconciled' }).delete())).toMatch(/append-only/);
    expect(await refusal(knex('jit_request_events').truncate())).toMatch(/append-only/);
    expect(await knex('jit_request_events').orderBy('id')).toEqual(before);
  });
});
