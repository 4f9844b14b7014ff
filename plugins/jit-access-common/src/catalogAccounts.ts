/**
 * How JIT Access reads AWS account entities in the catalog: which entity
 * speaks for an account, and what the UI says when none may.
 *
 * An account's catalog owner is its approver, so the entity that names the
 * owner must be unambiguous: an account id claimed by more than one entity
 * (two entities carrying the same `amazonaws.com/account-id`) has no catalog
 * entity at all for JIT Access. Nobody approves through the catalog then;
 * owners an admin assigned and Admins/SSO Admins act as the approval rules say.
 */

/** More than one catalog entity claims an account id. @public */
export interface CatalogConflict {
  /** The refs of every entity carrying the account id, sorted. */
  entityRefs: string[];
}

/**
 * What the request form, the entity tab and the config page say about an
 * account id claimed by several entities: who claims it and what to fix.
 * @public
 */
export function describeCatalogConflict(accountId: string, conflict: CatalogConflict): string {
  return (
    `AWS account ${accountId} is claimed by ${conflict.entityRefs.length} catalog entities ` +
    `(${conflict.entityRefs.join(', ')}), each with the annotation amazonaws.com/account-id: ${accountId}. ` +
    'JIT Access cannot tell which one is the account, so it takes no owner, name or approver from either: ' +
    'only owners a JIT Access admin assigned and the Admins/SSO Admins can approve. ' +
    'Fix the catalog: remove the annotation from every entity that is not this account ' +
    '(check who registered it), and the owner of the remaining entity approves again.'
  );
}

/**
 * Why an account taken from the catalog (`jitAccess.catalogAccounts`) takes
 * no new requests: its entity is gone, or several claim its id.
 * @public
 */
export function describeMissingCatalogAccount(accountId: string, conflict?: CatalogConflict): string {
  if (conflict) {
    return `${describeCatalogConflict(accountId, conflict)} Accounts come from the catalog here, so no new requests are taken until then.`;
  }
  return (
    `No catalog entity carries amazonaws.com/account-id: ${accountId} any more (deleted, renamed away or its annotation removed). ` +
    'Accounts come from the catalog here, so JIT Access takes no new requests for it; open requests and sessions carry on. ' +
    'Restore the entity in the catalog, or offboard the account on the JIT Access config page.'
  );
}
