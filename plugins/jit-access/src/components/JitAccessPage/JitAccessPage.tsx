import { Content, EmptyState, Header, HeaderLabel, InfoCard, Link, Page, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { formatMinutes, type CallerInfo } from '@jit-access/plugin-jit-access-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Alert from '@material-ui/lab/Alert';
import Button from '@material-ui/core/Button';
import { ReactNode, useState } from 'react';
import { Route, Routes, useParams, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { jitAccessApiRef, RequestListQuery } from '../../api/JitAccessApi';
// Lazy: each from a chunk of its own, when first shown.
import {
  AccountActivity,
  BreakGlassReviews,
  ConfigPage,
  PendingApprovals,
  RequestDetailView,
} from '../lazyComponents';
import { PagedRequests } from '../shared/PagedRequests';
import { RequestForm } from '../RequestForm/RequestForm';
import { REQUEST_PAGE_SIZE } from '../shared/pageSize';
import { ownerNamesOf } from '../shared/ownerNames';
import { configRouteRef, requestRouteRef } from '../../routes';

const ROLE_NAMES: Record<CallerInfo['roles'][number], string> = {
  viewer: 'Viewer',
  approver: 'Approver',
  admin: 'Admin',
  'sso-admin': 'SSO Admin',
};

/** The JIT Access page: tabs, request details and the admin config page. */
export function JitAccessPage() {
  const api = useApi(jitAccessApiRef);
  const me = useAsync(() => api.getMe(), [api]);
  const configLink = useRouteRef(configRouteRef);
  const roles = me.value?.roles.map(r => ROLE_NAMES[r]).join(', ');
  return (
    <Page themeId="tool">
      <Header title="JIT Access" subtitle="Time-limited access to AWS accounts through IAM Identity Center">
        {me.value && <HeaderLabel label="Your role" value={roles ?? ''} />}
        {me.value?.features.config && <HeaderLabel label="Admin" value={<Link to={configLink()} style={{ color: 'inherit', textDecoration: 'underline' }}>Config page</Link>} />}
      </Header>
      <Content>
        {/* Routes render while /me loads, so that what they fetch goes out beside it, not after it. */}
        {me.error ? (
          <ResponseErrorPanel error={me.error} />
        ) : (
          <Routes>
            <Route path="/" element={<JitTabs me={me.value} />} />
            <Route path={requestRouteRef.path} element={<RequestRoute />} />
            <Route path={configRouteRef.path} element={<ConfigRoute me={me.value} />} />
          </Routes>
        )}
      </Content>
    </Page>
  );
}

function RequestRoute() {
  const { id } = useParams();
  return <RequestDetailView id={id!} />;
}

function ConfigRoute({ me }: { me?: CallerInfo }) {
  if (!me) return <Progress />;
  return me.features.config ? <ConfigPage /> : <NotAdmin />;
}

function NotAdmin() {
  return (
    <EmptyState
      missing="info"
      title="The config page is for Admins and SSO Admins"
      description="Ask a JIT Access admin to onboard accounts, assign owners or enable permission sets."
    />
  );
}

type TabDef = { id: string; label: string; render: () => ReactNode };

/**
 * The tabs the caller's role gives. Until `me` arrives, the tab asked for (the
 * request form by default) is already mounted, hidden behind a progress bar:
 * its data loads beside /me instead of after it, and it shows with the tab bar.
 */
export function JitTabs({ me }: { me?: CallerInfo }) {
  const [params, setParams] = useSearchParams();
  const tabs: TabDef[] = [
    { id: 'request', label: 'Request access', render: () => <RequestForm me={me} /> },
    {
      id: 'mine',
      label: 'My requests',
      render: () => <RequestList title="My requests" query={{ view: 'mine' }} empty="You have not requested access yet." />,
    },
  ];
  if (me?.features.pendingApprovals) {
    tabs.push({
      id: 'approvals',
      label: 'Pending approvals',
      render: () => <PendingApprovals />,
    });
    tabs.push({ id: 'reviews', label: 'Break-glass reviews', render: () => <BreakGlassReviews /> });
  }
  if (me?.features.requestHistory) {
    tabs.push({
      id: 'history',
      label: 'Request history',
      render: () => <RequestList title="Request history" query={{ view: 'history' }} showRequester empty="No requests yet." />,
    });
  }
  if (me?.features.manageSessions) {
    tabs.push({ id: 'sessions', label: 'Manage sessions', render: () => <SessionList /> });
  }
  if (me?.features.ownedAccounts) {
    tabs.push({ id: 'owned', label: 'Owned accounts', render: () => <OwnedAccounts me={me} /> });
  }
  const asked = params.get('tab');
  // A tab only some roles have is not known before `me`: nothing mounts early then.
  const current = tabs.find(t => t.id === asked) ?? (me || !asked ? tabs[0] : undefined);
  // The children keep their places whether `me` is there or not, so the
  // early-mounted tab is the one shown, not mounted anew.
  return (
    <Box>
      {me && current ? (
        <Tabs
          value={current.id}
          onChange={(_, v) => setParams({ tab: v })}
          indicatorColor="primary"
          variant="scrollable"
          scrollButtons="auto"
          aria-label="JIT Access sections"
        >
          {tabs.map(t => (
            <Tab key={t.id} value={t.id} label={t.label} />
          ))}
        </Tabs>
      ) : (
        <Progress />
      )}
      {me?.missingFeaturesHint && (
        <Alert severity="info" style={{ margin: '16px 0' }} data-testid="missing-features">
          Your role: {me.roles.map(r => ROLE_NAMES[r]).join(', ')}. {me.missingFeaturesHint}
        </Alert>
      )}
      <Box mt={2} hidden={!me}>
        {current?.render()}
      </Box>
    </Box>
  );
}

/** A list of requests, a page at a time ("Load more"). */
function RequestList(props: { title: string; query: RequestListQuery; empty: string; showRequester?: boolean }) {
  const api = useApi(jitAccessApiRef);
  const query = { ...props.query, limit: REQUEST_PAGE_SIZE };
  return (
    <PagedRequests
      title={props.title}
      load={cursor => api.listRequests({ ...query, cursor })}
      reload={JSON.stringify(query)}
      showRequester={props.showRequester}
      emptyContent={<Box p={2}>{props.empty}</Box>}
    />
  );
}

function SessionList() {
  const api = useApi(jitAccessApiRef);
  return (
    <PagedRequests
      title="Active sessions you can manage"
      load={cursor => api.listSessions({ view: 'managed', limit: REQUEST_PAGE_SIZE, cursor })}
      showRequester
      emptyContent={<Box p={2}>No active sessions on accounts you manage.</Box>}
    />
  );
}

function OwnedAccounts({ me }: { me: CallerInfo }) {
  const api = useApi(jitAccessApiRef);
  const { value, loading, error } = useAsync(async () => {
    const accounts = await api.getAccounts();
    return accounts.items.filter(a => me.ownedAccountIds.includes(a.accountId));
  }, [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value!.length) {
    return <Box p={2}>You own no onboarded account; you see the approver tabs through your role.</Box>;
  }
  return (
    <InfoCard title="Accounts you own">
      <List dense>
        {value!.map(a => (
          <OwnedAccountItem
            key={a.accountId}
            name={a.name}
            accountId={a.accountId}
            secondary={`${a.permissionSets.map(p => `${p.name} (${formatMinutes(p.sessionDurationMinutes)})`).join(', ') || 'no permission sets'}${a.customPolicyAllowed ? ' · custom policies allowed' : ''} · owners: ${ownerNamesOf(a.owners, a.ownerNames)}`}
          />
        ))}
      </List>
    </InfoCard>
  );
}

/** An owned account; its activity loads when the owner opens it. */
function OwnedAccountItem(props: { name: string; accountId: string; secondary: string }) {
  const [open, setOpen] = useState(false);
  // One <li> holds the account and its activity: a list may hold only list items (axe: list).
  return (
    <Box component="li" style={{ listStyle: 'none' }}>
      <ListItem component="div" disableGutters>
        <ListItemText primary={`${props.name} (${props.accountId})`} secondary={props.secondary} />
        <Button
          size="small"
          aria-expanded={open}
          aria-label={`${open ? 'Hide' : 'Show'} activity of ${props.name}`}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide activity' : 'Show activity'}
        </Button>
      </ListItem>
      {open && (
        <Box pb={2}>
          <AccountActivity accountId={props.accountId} title={`Activity of ${props.name}, last 30 days`} />
        </Box>
      )}
    </Box>
  );
}
