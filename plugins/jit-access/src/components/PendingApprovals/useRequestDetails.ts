import type { AccessRequest, RequestAction } from '@jit-access/plugin-jit-access-common';
import { useEffect, useRef, useState } from 'react';
import type { JitAccessApi } from '../../api/JitAccessApi';

/** A request with the caller's verdicts, or why it could not be read (decided and no longer visible, ...). */
export type LoadedDetail = (AccessRequest & { actions: RequestAction[] }) | Error;

/**
 * The details of the rows shown, read once each: a list page has no actions,
 * the detail says which of them the caller may take and why not. `of` is the
 * list they belong to: a list loaded anew reads them anew (the verdicts may
 * have changed with it).
 */
export function useRequestDetails(
  api: Pick<JitAccessApi, 'getRequest'>,
  of: unknown,
  rows: AccessRequest[],
): Map<string, LoadedDetail> {
  const [details, setDetails] = useState<{ of: unknown; map: Map<string, LoadedDetail> }>({ of, map: new Map() });
  const asked = useRef<{ of: unknown; ids: Set<string> }>({ of, ids: new Set() });
  useEffect(() => {
    if (!of) return;
    if (asked.current.of !== of) asked.current = { of, ids: new Set() };
    const ids = asked.current.ids;
    for (const { id } of rows) {
      if (ids.has(id)) continue;
      ids.add(id);
      api.getRequest(id).then(
        detail => keep(id, detail),
        error => keep(id, error instanceof Error ? error : new Error(String(error))),
      );
    }
    function keep(id: string, loaded: LoadedDetail) {
      setDetails(prev => {
        const map = new Map(prev.of === of ? prev.map : []);
        map.set(id, loaded);
        return { of, map };
      });
    }
  }, [api, of, rows]);
  return details.of === of ? details.map : new Map();
}
