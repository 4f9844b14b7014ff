import type { JitSettings } from '@jit-access/plugin-jit-access-common';
import { TABLE_SETTINGS } from '../../tables';
import { StoreDb } from '../db';

/** The stored settings over `defaults`: a setting never stored is its default. */
export async function getSettings({ knex }: StoreDb, defaults: JitSettings): Promise<JitSettings> {
  const rows = await knex(TABLE_SETTINGS).select();
  const stored: Record<string, unknown> = {};
  for (const r of rows) stored[r.key] = JSON.parse(r.value);
  return { ...defaults, ...(stored as Partial<JitSettings>) };
}

export async function putSettings({ knex }: StoreDb, settings: JitSettings): Promise<void> {
  await knex.transaction(async tx => {
    for (const [key, value] of Object.entries(settings)) {
      await tx(TABLE_SETTINGS)
        .insert({ key, value: JSON.stringify(value) })
        .onConflict('key')
        .merge(['value']);
    }
  });
}
