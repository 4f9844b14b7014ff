import { Table, TableColumn } from '@backstage/core-components';
import { formatMinutes, type AccessRequest, type Page } from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { StatusChip } from './StatusChip';
import { RequestLink } from './RequestLink';

/** Requests per page of the JIT Access page's lists (the API's `limit`). */
export { REQUEST_PAGE_SIZE } from './pageSize';

/** Who made a request, by name; the entity ref's name when the catalog has no user for it. */
function requesterOf(r: AccessRequest): string {
  return r.requesterName ?? r.requester.replace(/^user:default\//, '');
}

/** Read by screen readers, not shown (a column's header whose cells say what they are). */
const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/** Rows that can be picked with a checkbox (labelled "Select <id>"), for an action on several at once. */
export interface RequestSelection {
  isSelected: (r: AccessRequest) => boolean;
  toggle: (r: AccessRequest) => void;
  /** Why the row cannot be picked; undefined when it can. */
  unavailable?: (r: AccessRequest) => string | undefined;
}

/**
 * A list of requests; each id links to its detail. With `loadMore`, the
 * list pages through the API's cursor: `requests` is the first page and
 * `nextCursor` its cursor; "Load more" appends the next page, until the
 * last. A new first page (reloaded, other filters) starts over.
 */
export function RequestTable(props: {
  title: string;
  requests: AccessRequest[];
  /** The cursor of the page after `requests`; none on the last page. */
  nextCursor?: string;
  /** Loads the page at `cursor` (the API's `listRequests` or `listSessions` with `cursor`). */
  loadMore?: (cursor: string) => Promise<Page<AccessRequest>>;
  emptyContent?: ReactNode;
  actions?: (r: AccessRequest) => ReactNode;
  showRequester?: boolean;
  showReason?: boolean;
  /**
   * Leave out the Status column, for a list whose rows all have one status
   * (Pending approvals): with the selection and actions columns, it would
   * make the table wider than the page at 1280 px.
   */
  hideStatus?: boolean;
  selection?: RequestSelection;
  /** Told the rows shown whenever they change (the first page plus those loaded after it). */
  onRowsShown?: (rows: AccessRequest[]) => void;
}) {
  const paging = usePaging(props.requests, props.nextCursor, props.loadMore);
  const { onRowsShown } = props;
  useEffect(() => onRowsShown?.(paging.rows), [onRowsShown, paging.rows]);
  const { selection } = props;
  const columns: TableColumn<AccessRequest>[] = [
    ...(selection
      ? [
          {
            // Each checkbox says what it selects; a visible "Select" would widen the column.
            title: <span style={VISUALLY_HIDDEN}>Select</span>,
            sorting: false,
            width: '48px',
            render: (r: AccessRequest) => {
              const unavailable = selection.unavailable?.(r);
              return (
                <Checkbox
                  size="small"
                  checked={!unavailable && selection.isSelected(r)}
                  disabled={!!unavailable}
                  title={unavailable}
                  onChange={() => selection.toggle(r)}
                  inputProps={{ 'aria-label': `Select ${r.id}` }}
                />
              );
            },
          },
        ]
      : []),
    {
      title: 'Request',
      field: 'id',
      render: r => <RequestLink id={r.id} />,
    },
    ...(props.showRequester
      ? [
          {
            title: 'Requester',
            field: 'requesterName',
            render: (r: AccessRequest) => requesterOf(r),
            customSort: (a: AccessRequest, b: AccessRequest) => requesterOf(a).localeCompare(requesterOf(b)),
          },
        ]
      : []),
    { title: 'Account', field: 'accountName' },
    {
      title: 'Access',
      render: r => `${r.permissionSetName ?? 'Custom policy'}${r.breakGlass ? ' · break-glass' : ''}`,
    },
    ...(props.showReason ? [{ title: 'Reason', field: 'reason' }] : []),
    { title: 'Duration', render: r => formatMinutes(r.effectiveDurationMinutes) },
    ...(props.hideStatus ? [] : [{ title: 'Status', render: (r: AccessRequest) => <StatusChip status={r.status} /> }]),
    { title: 'Created', render: r => new Date(r.createdAt).toLocaleString() },
    ...(props.actions ? [{ title: 'Actions', render: (r: AccessRequest) => props.actions!(r) }] : []),
  ];
  return (
    <>
      <Table<AccessRequest>
        title={props.title}
        // draggable: false: material-table's column drag handles are focusable elements inside the
        // focusable sort labels (axe: nested-interactive), and nobody reorders these columns.
        options={{ paging: false, search: false, padding: 'dense', draggable: false }}
        columns={columns}
        data={paging.rows}
        emptyContent={props.emptyContent}
      />
      {props.loadMore && <LoadMore paging={paging} title={props.title} />}
    </>
  );
}

interface Paging {
  rows: AccessRequest[];
  cursor?: string;
  /** Pages were appended to the first. */
  appended: boolean;
  loading: boolean;
  error?: Error;
  load: () => void;
}

/** The first page plus the pages loaded after it, for as long as the first page is the same. */
function usePaging(
  first: AccessRequest[],
  firstCursor: string | undefined,
  loadMore?: (cursor: string) => Promise<Page<AccessRequest>>,
): Paging {
  const [more, setMore] = useState<{ of: AccessRequest[]; items: AccessRequest[]; cursor?: string }>();
  const [loading, setLoading] = useState<AccessRequest[]>();
  const [error, setError] = useState<{ of: AccessRequest[]; error: Error }>();
  const current = more?.of === first ? more : undefined;
  const cursor = current ? current.cursor : firstCursor;
  // The same array while nothing is loaded: onRowsShown hears of changes only.
  const rows = useMemo(() => {
    if (!current) return first;
    // A request that moved between pages while paging is shown once.
    const seen = new Set(first.map(r => r.id));
    return [...first, ...current.items.filter(r => !seen.has(r.id) && seen.add(r.id))];
  }, [first, current]);
  const load = async () => {
    if (!loadMore || !cursor || loading === first) return;
    setLoading(first);
    setError(undefined);
    try {
      const page = await loadMore(cursor);
      setMore(prev => ({
        of: first,
        items: [...(prev?.of === first ? prev.items : []), ...page.items],
        cursor: page.nextCursor,
      }));
    } catch (e) {
      setError({ of: first, error: e as Error });
    } finally {
      setLoading(l => (l === first ? undefined : l));
    }
  };
  return {
    rows,
    cursor,
    appended: !!current,
    loading: loading === first,
    error: error?.of === first ? error.error : undefined,
    load: () => void load(),
  };
}

/**
 * "Load more" under the table, and how many requests are shown, read out
 * to screen readers as it changes. The button keeps the focus while the
 * page loads (it is never disabled, which would drop the focus); when the
 * last page is in, the focus moves to the count.
 */
function LoadMore({ paging, title }: { paging: Paging; title: string }) {
  const status = useRef<HTMLElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const hadFocus = useRef(false);
  const { rows, cursor, appended, loading, error } = paging;
  useEffect(() => {
    if (!cursor && hadFocus.current) status.current?.focus();
    hadFocus.current = false;
  }, [cursor]);
  if (!cursor && !appended) return null;
  const count = `${rows.length} request${rows.length === 1 ? '' : 's'}`;
  return (
    <Box mt={1} display="flex" flexDirection="column" alignItems="center" style={{ gap: 8 }}>
      {error && (
        <Alert severity="error" data-testid="load-more-error">
          Could not load more requests: {error.message}
        </Alert>
      )}
      <Box display="flex" alignItems="center" flexWrap="wrap" justifyContent="center" style={{ gap: 16 }}>
        {/* Body text colour: the secondary grey is 4.3:1 on the page's background (axe: color-contrast). */}
        <Typography
          variant="body2"
          role="status"
          tabIndex={-1}
          ref={status}
          data-testid="request-count"
        >
          {cursor ? `${count} shown; more are available.` : `All ${count} shown.`}
        </Typography>
        {cursor && (
          <Button
            ref={button}
            variant="outlined"
            size="small"
            aria-disabled={loading}
            aria-label={`Load more: ${title}`}
            onClick={() => {
              hadFocus.current = document.activeElement === button.current;
              paging.load();
            }}
          >
            {loading ? 'Loading…' : 'Load more'}
          </Button>
        )}
      </Box>
    </Box>
  );
}
