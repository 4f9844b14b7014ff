import { Link, Table, TableColumn } from '@backstage/core-components';
import { formatMinutes, type AccessRequest } from '@jit-access/plugin-jit-access-common';
import { ReactNode } from 'react';
import { StatusChip } from './StatusChip';
import { requestPath } from './paths';

/** A list of requests; each id links to its detail. */
export function RequestTable(props: {
  title: string;
  requests: AccessRequest[];
  emptyContent?: ReactNode;
  actions?: (r: AccessRequest) => ReactNode;
  showRequester?: boolean;
  showReason?: boolean;
}) {
  const columns: TableColumn<AccessRequest>[] = [
    {
      title: 'Request',
      field: 'id',
      render: r => <Link to={requestPath(r.id)}>{r.id}</Link>,
    },
    ...(props.showRequester
      ? [{ title: 'Requester', field: 'requester', render: (r: AccessRequest) => r.requesterName ?? r.requester.replace(/^user:default\//, '') }]
      : []),
    { title: 'Account', field: 'accountName' },
    {
      title: 'Access',
      render: r => `${r.permissionSetName ?? 'Custom policy'}${r.breakGlass ? ' · break-glass' : ''}`,
    },
    ...(props.showReason ? [{ title: 'Reason', field: 'reason' }] : []),
    { title: 'Duration', render: r => formatMinutes(r.effectiveDurationMinutes) },
    { title: 'Status', render: r => <StatusChip status={r.status} /> },
    { title: 'Created', render: r => new Date(r.createdAt).toLocaleString() },
    ...(props.actions ? [{ title: 'Actions', render: (r: AccessRequest) => props.actions!(r) }] : []),
  ];
  return (
    <Table<AccessRequest>
      title={props.title}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={props.requests}
      emptyContent={props.emptyContent}
    />
  );
}
