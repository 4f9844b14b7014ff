import { InputError } from '@backstage/errors';
import type { ApproverKind, JitSettings } from '@jit-access/plugin-jit-access-common';
import type { StoredAccount } from '../../database';
import type { Person } from '../../service/AccountDirectory';
import type { Caller } from '../../service/types';
import type { RequestsDeps } from '../context';

/**
 * Refuses a request nobody could approve (unless config allows it, with a
 * warning), and returns the notice of a standard request on an account
 * without owners: an owner OR an Admin/SSO Admin approves a standard
 * request, so there the Admins decide; an owner step (custom policies and
 * two-level permission sets) needs a person who owns the account.
 * Nobody approves their own request, and one person not both steps.
 */
export async function whoCanApprove(
  { directory, authorizer }: Pick<RequestsDeps, 'directory' | 'authorizer'>,
  caller: Caller,
  account: StoredAccount,
  kinds: ApproverKind[],
  settings: JitSettings,
): Promise<string | undefined> {
  const owners = await directory.ownersOf(account);
  const allOwnerPeople = await directory.peopleOf(owners);
  const others = (people: Person[]) => people.filter(p => p.entityRef !== caller.userEntityRef);
  const ownerPeople = others(allOwnerPeople);
  const adminPeople = others(await directory.peopleOf(authorizer.adminGroupRefs()));
  let why: string | undefined;
  if (!owners.length) why = 'it has no owner in the catalog and no owners assigned';
  else if (!allOwnerPeople.length) why = `its owners (${owners.join(', ')}) have no members`;
  else if (!ownerPeople.length) why = `you are its only owner (${owners.join(', ')}), and nobody approves their own request`;
  let nobody: string | undefined;
  if (kinds[0] === 'owner-or-admin') {
    if (!ownerPeople.length && !adminPeople.length) nobody = `${why}, and there are no Admins or SSO Admins to approve instead`;
  } else if (!ownerPeople.length) {
    nobody = `${why}; step 1 of this request needs an owner`;
  } else if (
    !adminPeople.length ||
    (adminPeople.length === 1 && ownerPeople.length === 1 && adminPeople[0].entityRef === ownerPeople[0].entityRef)
  ) {
    nobody = 'step 2 needs an Admin or SSO Admin other than the person who approves step 1, and there is none';
  }
  const fix = 'Ask a JIT Access admin to assign owners (config page → Manage owners).';
  if (nobody) {
    const message = `Nobody can approve this request for account ${account.name} (${account.accountId}): ${nobody}. ${fix}`;
    if (!settings.allowRequestsWithoutApprover) throw new InputError(`accountId: ${message}`);
    return message;
  }
  if (kinds[0] === 'owner-or-admin' && !ownerPeople.length) {
    return `${account.name} has no owner who can approve (${why}), so this request goes to the Admins and SSO Admins: ${adminPeople
      .map(p => p.name)
      .join(', ')}. ${fix}`;
  }
  return undefined;
}
