import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  formatMinutes,
  type AccountActivity as Activity,
  type RequestOutcome,
} from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { jitAccessApiRef } from '../../api/JitAccessApi';

const CUSTOM = 'Custom policy';
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const OUTCOME_WORDS: Array<[RequestOutcome, string]> = [
  ['granted', 'granted'],
  ['pending', 'pending'],
  ['rejected', 'rejected'],
  ['cancelled', 'cancelled'],
  ['timed_out', 'timed out'],
  ['failed', 'failed'],
];

const label = (name: string | null) => name ?? CUSTOM;

/** "25 minutes", "under a minute", "3 h 20 min". */
export function describeMedian(minutes: number): string {
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) {
    const m = Math.round(minutes);
    return `${m} minute${m === 1 ? '' : 's'}`;
  }
  return formatMinutes(Math.round(minutes));
}

/**
 * Activity of one AWS account over the last `days` days, for its owners and
 * JIT admins: sessions per day stacked by permission set, the top
 * requesters, the median time to approve and what became of the requests.
 * The backend decides who may see it (403 for others).
 * @internal
 */
export function AccountActivity(props: { accountId: string; days?: number; title?: string }) {
  const { accountId, days = 30 } = props;
  const api = useApi(jitAccessApiRef);
  const { value, loading, error } = useAsync(() => api.getAccountActivity(accountId, days), [api, accountId, days]);
  const title = props.title ?? `Activity, last ${days} days`;
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} title={`Could not load the activity of account ${accountId}`} />;
  return (
    <InfoCard title={title}>
      <ActivityView activity={value!} />
    </InfoCard>
  );
}

function ActivityView({ activity: a }: { activity: Activity }) {
  const outcomes = OUTCOME_WORDS.filter(([o]) => a.outcomes[o] > 0).map(([o, words]) => `${a.outcomes[o]} ${words}`);
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {a.totalSessions === 0 ? (
        <Typography variant="body2">No sessions in the last {a.days} days.</Typography>
      ) : (
        <SessionsChart activity={a} />
      )}
      <Typography variant="body2" data-testid="median-time-to-approve">
        {a.medianMinutesToApprove === null
          ? `No request was approved in the last ${a.days} days.`
          : `Median time to approve: ${describeMedian(a.medianMinutesToApprove)} (over ${a.approvedRequests} approved request${a.approvedRequests === 1 ? '' : 's'}).`}
      </Typography>
      <Typography variant="body2" data-testid="request-outcomes">
        Requests in the last {a.days} days: {outcomes.length ? outcomes.join(', ') : 'none'}.
      </Typography>
      {a.topRequesters.length > 0 && (
        <Table size="small" aria-label="Top requesters">
          <TableHead>
            <TableRow>
              <TableCell>Top requesters</TableCell>
              <TableCell align="right">Requests</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {a.topRequesters.map(r => (
              <TableRow key={r.requester}>
                <TableCell title={r.requester}>{r.name ?? r.requester}</TableCell>
                <TableCell align="right">{r.requests}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

function SessionsChart({ activity: a }: { activity: Activity }) {
  const sets = a.byPermissionSet.map(s => label(s.permissionSetName));
  const data = a.perDay.map(d => {
    const row: Record<string, string | number> = { date: d.date.slice(5) };
    for (const s of d.byPermissionSet) row[label(s.permissionSetName)] = s.sessions;
    return row;
  });
  const summary = a.byPermissionSet.map(s => `${label(s.permissionSetName)}: ${s.sessions}`).join(', ');
  return (
    <Box>
      <Typography variant="body2">
        {a.totalSessions} session{a.totalSessions === 1 ? '' : 's'} in the last {a.days} days ({summary}).
      </Typography>
      <Box role="img" aria-label={`Sessions per day by permission set, last ${a.days} days`} height={260}>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="date" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            {sets.map((s, i) => (
              <Bar key={s} dataKey={s} stackId="sessions" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </Box>
    </Box>
  );
}
