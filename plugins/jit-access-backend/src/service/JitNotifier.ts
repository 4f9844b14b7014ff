import { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { formatMinutes, type RequestEventType } from '@jit-access/plugin-jit-access-common';
import type { ConfigStore, LoadedRequest, RequestStore, StoredAccount, StoredRequest } from '../database';
import { AccountDirectory } from './AccountDirectory';

/** What people are told of: a request's events, and a session ending soon. */
export type NotifiedEvent = RequestEventType | 'ending-soon';

/** Where the frontend shows a request (the page's default mount point). */
const link = (id: string) => `/jit-access/requests/${encodeURIComponent(id)}`;

/**
 * Tells people what needs them, through Backstage's notifications service:
 * the approvers of the current step when a request needs them (step 2 goes
 * to Admins and SSO Admins only), the requester on rejection, activation,
 * failure and end. A break-glass request is announced at once to every owner
 * of the account and every Admin/SSO Admin group; its requester hears when
 * the review is closed. Sending never blocks or fails a transition: errors are
 * logged. Routing to Slack or email is the notifications backend's job
 * (notification processors).
 */
export class JitNotifier {
  constructor(
    private readonly deps: {
      notifications?: NotificationService;
      store: ConfigStore & RequestStore;
      directory: AccountDirectory;
      adminGroupRefs: string[];
      logger: LoggerService;
      /** Reads an account (its owners are the recipients); default: the store. */
      account?: (accountId: string) => Promise<StoredAccount | undefined>;
    },
  ) {}

  private account(accountId: string) {
    return this.deps.account ? this.deps.account(accountId) : this.deps.store.getAccount(accountId);
  }

  /**
   * Called after a transition has been committed. `as` is the request as
   * that write left it, when the caller has it (a creation): then it is not
   * read again.
   */
  notify(requestId: string, event: NotifiedEvent, as?: Pick<LoadedRequest, 'request' | 'steps'>): void {
    if (!this.deps.notifications) return;
    this.send(requestId, event, as).catch(e =>
      this.deps.logger.warn(`Notification for ${requestId} (${event}) failed: ${e}`),
    );
  }

  private async send(requestId: string, event: NotifiedEvent, as?: Pick<LoadedRequest, 'request' | 'steps'>) {
    const { store } = this.deps;
    const r = as?.request ?? (await store.getRequest(requestId));
    if (!r) return;
    const what = `${r.permissionSetName ?? 'a custom policy'} on ${r.accountName}`;
    const requester = (await this.deps.directory.user(r.requester))?.name ?? r.requester;
    switch (event) {
      case 'created':
      case 'add-step':
      case 'approve-step': {
        if (r.status !== 'pending') return;
        const steps = as?.steps ?? (await store.getSteps(r.id));
        const step = steps.find(s => s.step === r.currentStep);
        if (!step) return;
        const account = await this.account(r.accountId);
        const owners = account ? await this.deps.directory.ownersOf(account) : [];
        const recipients = [
          ...(step.approverKind !== 'admin' ? owners : []),
          ...(step.approverKind !== 'owner' ? this.deps.adminGroupRefs : []),
        ];
        const exclude = [r.requester, ...steps.filter(s => s.decidedBy).map(s => s.decidedBy!)];
        await this.post(recipients, exclude, r, {
          title: `${r.id}: ${requester} requests ${what}`,
          description: `${r.requiredSteps > 1 ? `Step ${step.step} of ${r.requiredSteps} needs you. ` : ''}${formatMinutes(r.effectiveDurationMinutes)}. Reason: ${r.reason}`,
          severity: 'high',
        });
        return;
      }
      case 'break-glass': {
        const account = await this.account(r.accountId);
        const owners = account ? await this.deps.directory.ownersOf(account) : [];
        await this.post([...owners, ...this.deps.adminGroupRefs], [r.requester], r, {
          title: `${r.id}: break-glass, ${requester} took ${what} without approval`,
          description: `Self-approved emergency access for ${formatMinutes(r.effectiveDurationMinutes)}, starting now. Reason: ${r.reason}. An owner of ${r.accountName} or an Admin/SSO Admin reviews it and closes the review with a comment.`,
          severity: 'high',
        });
        return;
      }
      case 'review-closed': {
        const by = r.review?.closedBy ? (await this.deps.directory.user(r.review.closedBy))?.name ?? r.review.closedBy : 'a reviewer';
        await this.post([r.requester], [], r, {
          title: `${r.id}: ${by} closed the review of your break-glass access`,
          description: r.review?.comment ? `“${r.review.comment}”` : 'No comment.',
          severity: 'normal',
        });
        return;
      }
      case 'reject': {
        const step = (await store.getSteps(r.id)).find(s => s.status === 'rejected');
        const by = step?.decidedBy ? (await this.deps.directory.user(step.decidedBy))?.name ?? step.decidedBy : 'an approver';
        await this.post([r.requester], [], r, {
          title: `${r.id} was rejected by ${by}`,
          description: step?.comment ? `“${step.comment}”` : 'No comment was given.',
          severity: 'normal',
        });
        return;
      }
      case 'withdraw':
        await this.post([r.requester], [], r, {
          title: `${r.id} has ended before any access was granted`,
          description: r.statusReason ?? 'The JIT Access config no longer allows it.',
          severity: 'normal',
        });
        return;
      case 'provisioned':
        await this.post([r.requester], [], r, {
          title: `${r.id}: your access to ${what} is active`,
          description: `Until ${r.expiresAt ? new Date(r.expiresAt).toUTCString() : 'the end of the session'}.`,
          severity: 'normal',
        });
        return;
      case 'ending-soon': {
        const left = r.expiresAt ? Math.max(0, Math.round((Date.parse(r.expiresAt) - Date.now()) / 60_000)) : 0;
        await this.post([r.requester], [], r, {
          title: `${r.id}: your access to ${what} ends in ${formatMinutes(left)}`,
          description: 'Request an extension from the request page if you need more time.',
          severity: 'normal',
        });
        return;
      }
      case 'provisioning-failed':
        await this.post([r.requester, ...this.deps.adminGroupRefs], [], r, {
          title: `${r.id}: Identity Center could not grant ${what}`,
          description: r.statusReason ?? 'Unknown error',
          severity: 'critical',
        });
        return;
      case 'ended-expired':
      case 'ended-revoked':
      case 'ended-early':
        await this.post([r.requester], [], r, {
          title: `${r.id}: your access to ${what} has ${endedWord(r)}`,
          description: 'The assignment was removed from Identity Center.',
          severity: 'low',
        });
        return;
      default:
        return;
    }
  }

  private async post(
    to: string[],
    exclude: string[],
    r: StoredRequest,
    p: { title: string; description: string; severity: 'critical' | 'high' | 'normal' | 'low' },
  ) {
    if (!to.length) return;
    await this.deps.notifications!.send({
      recipients: { type: 'entity', entityRef: [...new Set(to)], excludeEntityRef: exclude },
      payload: { ...p, link: link(r.id), topic: `jit-access:${r.id}`, scope: `jit-access:${r.id}` },
    });
  }
}

function endedWord(r: StoredRequest) {
  if (r.status === 'revoked') return 'been revoked';
  if (r.status === 'ended') return 'ended';
  return 'expired';
}
