import type { Entity } from '@backstage/catalog-model';
import { AWS_ACCOUNT_ENTITY_TYPES, AWS_ACCOUNT_ID_ANNOTATION } from '@jit-access/plugin-jit-access-common';

/**
 * True for AWS account entities: kind Resource, `spec.type` aws-account or
 * cloud-account, with the `amazonaws.com/account-id` annotation.
 *
 * In a file of its own: the plugin's definition imports it to filter entity
 * pages, and importing it from the tab's component would put the tab (and
 * everything it imports) into the app's initial bundle instead of its lazy chunk.
 * @public
 */
export function isJitAccessAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    AWS_ACCOUNT_ENTITY_TYPES.includes(String(entity.spec?.type ?? '')) &&
    !!entity.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION]
  );
}
