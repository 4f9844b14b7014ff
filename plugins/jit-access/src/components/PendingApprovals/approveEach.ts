import type { RequestDetail } from '@jit-access/plugin-jit-access-common';
import type { JitAccessApi } from '../../api/JitAccessApi';

/** What approving several requests came to: those that went through, and those the server refused with its reason. */
export interface ApprovalsOutcome {
  approved: RequestDetail[];
  refused: Array<{ id: string; reason: string }>;
}

/**
 * Approves the requests one after the other with the same comment. A refusal
 * (not the caller's to decide any more, decided by someone else, withdrawn)
 * stops nothing: it is kept with the server's message and the next request is
 * approved.
 */
export async function approveEach(
  api: Pick<JitAccessApi, 'approve'>,
  ids: string[],
  comment: string | undefined,
): Promise<ApprovalsOutcome> {
  const outcome: ApprovalsOutcome = { approved: [], refused: [] };
  for (const id of ids) {
    try {
      outcome.approved.push(await api.approve(id, comment));
    } catch (e) {
      outcome.refused.push({ id, reason: (e as Error).message || 'Refused without a reason.' });
    }
  }
  return outcome;
}

/** The outcome in a sentence; the refused requests, with their reasons, are listed after it. */
export function describeOutcome(outcome: ApprovalsOutcome): string {
  const total = outcome.approved.length + outcome.refused.length;
  const of = `${total} request${total === 1 ? '' : 's'}`;
  if (!outcome.refused.length) return total === 1 ? 'Approved the request.' : `Approved all ${of}.`;
  const refused = `${outcome.refused.length} ${outcome.refused.length === 1 ? 'was' : 'were'} refused`;
  return `Approved ${outcome.approved.length} of ${of}; ${refused}:`;
}
