import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import type { AccessRequest, Page } from '@jit-access/plugin-jit-access-common';
import { ComponentProps } from 'react';
import useAsync from 'react-use/esm/useAsync';
// Lazy: the table (material-table) loads from its own chunk.
import { RequestTable } from '../lazyComponents';

type TableProps = ComponentProps<typeof RequestTable>;

/**
 * A request list from the API: loads the first page, shows it in a
 * {@link RequestTable}, and loads the next pages on "Load more". It loads
 * anew when `reload` changes, showing the rows it has meanwhile.
 */
export function PagedRequests({
  load,
  reload,
  ...table
}: Omit<TableProps, 'requests' | 'nextCursor' | 'loadMore'> & {
  /** The page at `cursor`, the first without one (`listRequests` or `listSessions` with the list's query). */
  load: (cursor?: string) => Promise<Page<AccessRequest>>;
  /** Loads the first page again when it changes (e.g. the query, or a counter bumped after a change). */
  reload?: unknown;
}) {
  // `load` is a new function each render; `reload` says when its result changes.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const { value, loading, error } = useAsync(() => load(), [reload]);
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return <RequestTable {...table} requests={value!.items} nextCursor={value!.nextCursor} loadMore={load} />;
}
