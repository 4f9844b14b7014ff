import { Progress } from '@backstage/core-components';
import { ComponentProps, ComponentType, lazy, Suspense } from 'react';

/**
 * The plugin's heavy or rarely shown parts, each loaded on first render from
 * a chunk of its own: the account activity chart (recharts), the request
 * tables (core-components' Table: material-table, react-beautiful-dnd and
 * date-fns, ~490 KiB) and the tabs built on them (pending approvals, break-glass reviews), the request detail page
 * and the config page. The request form, the first thing the JIT Access page
 * shows, and the entity tab's pending requests stay in their page's chunk and
 * wait for none of them.
 */
function lazyComponent<C extends ComponentType<any>>(load: () => Promise<C>) {
  const Lazy = lazy(() => load().then(component => ({ default: component })));
  return (props: ComponentProps<C>) => (
    <Suspense fallback={<Progress />}>
      <Lazy {...props} />
    </Suspense>
  );
}

export const AccountActivity = lazyComponent(() =>
  import('./AccountActivity/AccountActivity').then(m => m.AccountActivity),
);

export const RequestDetailView = lazyComponent(() =>
  import('./RequestDetail/RequestDetailView').then(m => m.RequestDetailView),
);

export const ConfigPage = lazyComponent(() => import('./ConfigPage/ConfigPage').then(m => m.ConfigPage));

export const RequestTable = lazyComponent(() => import('./shared/RequestTable').then(m => m.RequestTable));

export const PendingApprovals = lazyComponent(() =>
  import('./PendingApprovals/PendingApprovals').then(m => m.PendingApprovals),
);

export const BreakGlassReviews = lazyComponent(() =>
  import('./BreakGlassReviews/BreakGlassReviews').then(m => m.BreakGlassReviews),
);

/** CodeMirror with JSON support (~400 KiB): loaded when a custom policy is chosen. */
export const PolicyEditor = lazyComponent(() => import('./RequestForm/PolicyEditor').then(m => m.PolicyEditor));
