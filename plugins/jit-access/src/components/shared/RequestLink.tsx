import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { requestRouteRef } from '../../routes';

/** A link to a request's page, wherever the app mounts the JIT Access page. */
export function RequestLink({ id }: { id: string }) {
  const requestLink = useRouteRef(requestRouteRef);
  return <Link to={requestLink({ id })}>{id}</Link>;
}
