import {
  type ApprovalStep,
  type ConfigChangeKind,
  type ConfigChangeRecord,
  type ConfigImpact,
  type RecheckVerdict,
  type RequestStatus,
  recheckConfig,
} from '@jit-access/plugin-jit-access-common';
import type {
  ConfigChangeName,
  ConfigStore,
  LoadedRequest,
  RequestStore,
  StoredAccount,
  StoredPermissionSet,
  StoredRequest,
  Transition,
  TransitionResult,
} from '../database';
import { AccountDirectory } from './AccountDirectory';
import type { JitNotifier } from './JitNotifier';
import { SYSTEM_ACTOR } from './types';

/** A request and its steps, as the recheck reads them. */
type Subject = Pick<LoadedRequest, 'request' | 'steps'>;

/** The config a recheck reads: as stored now, or a change an admin is about to save. */
export interface ConfigView {
  account(accountId: string): Promise<StoredAccount | undefined>;
  permissionSet(arn: string): Promise<StoredPermissionSet | undefined>;
}

/** The change that undoes each change a recheck names. */
const UNDONE_BY: Record<ConfigChangeKind, ConfigChangeName | undefined> = {
  offboarded: 'onboarded',
  'permission-set-disabled': 'permission-set-enabled',
  'custom-policies-disallowed': 'custom-policies-allowed',
  'two-levels-required': 'two-levels-dropped',
  'owners-changed': undefined,
};

/** Open requests a config change acts on here; provisioning ones are the engine's (it holds their lease). */
const OPEN: RequestStatus[] = ['pending', 'approved'];

/**
 * Applies `recheckConfig` (the rule, in -common) to stored requests: reads
 * the config of now from the store (never a cache: decisions follow the
 * config of the moment on every replica), names the change and its author,
 * and writes the outcome as a guarded transition: the request ends
 * (`withdraw`, nothing granted) or gains the step the config now requires
 * (`add-step`). Used by every approval, by the engine right before it
 * grants, by config changes for the open requests they touch, and when a
 * session ends, for its extensions.
 */
export class RequestRecheck {
  constructor(
    private readonly deps: {
      store: ConfigStore & RequestStore;
      directory: Pick<AccountDirectory, 'ownersOf' | 'peopleOf' | 'user'>;
      notifier?: JitNotifier;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  /** The config as stored now. */
  readonly stored: ConfigView = {
    account: id => this.deps.store.getAccount(id),
    permissionSet: async arn => (await this.deps.store.listPermissionSets()).find(s => s.arn === arn),
  };

  /** What the config (of now, or `config`) makes of a request that is not granted yet. */
  async verdict(subject: Subject, config: ConfigView = this.stored): Promise<RecheckVerdict> {
    const { request: r, steps } = subject;
    const { store, directory } = this.deps;
    const [account, permissionSet, session] = await Promise.all([
      config.account(r.accountId),
      r.permissionSetArn ? config.permissionSet(r.permissionSetArn) : undefined,
      r.extendsRequestId ? store.getRequest(r.extendsRequestId) : undefined,
    ]);
    let hasOwnerApprover = true;
    if (r.status === 'pending' && account) {
      const people = await directory.peopleOf(await directory.ownersOf(account));
      hasOwnerApprover = people.some(p => p.entityRef !== r.requester);
    }
    const facts = {
      request: r,
      steps,
      account,
      permissionSet,
      hasOwnerApprover,
      extendedSession: r.extendsRequestId
        ? { id: r.extendsRequestId, status: session?.status ?? ('ended' as const) }
        : undefined,
    };
    const first = recheckConfig(facts);
    if (first.outcome === 'allowed') return first;
    // Not allowed as it is: say which change, by whom.
    return recheckConfig({ ...facts, changes: await this.changesOf(r) });
  }

  private async changesOf(r: StoredRequest): Promise<Partial<Record<ConfigChangeKind, ConfigChangeRecord>>> {
    const latest = await this.deps.store.latestConfigChanges({
      accountId: r.accountId,
      permissionSetArn: r.permissionSetArn,
    });
    const out: Partial<Record<ConfigChangeKind, ConfigChangeRecord>> = {};
    for (const kind of Object.keys(UNDONE_BY) as ConfigChangeKind[]) {
      const c = latest[kind];
      if (!c) continue;
      // Undone since (e.g. onboarded again): that change is not why; say no name rather than a wrong one.
      const undo = UNDONE_BY[kind] && latest[UNDONE_BY[kind]!];
      if (undo && undo.seq > c.seq) continue;
      const person = await this.deps.directory.user(c.actor);
      out[kind] = { actorName: person?.name ?? c.actor, at: new Date(c.at).toISOString() };
    }
    return out;
  }

  /**
   * Writes a verdict that is not `allowed`: a guarded transition from the
   * status the request had when it was judged. Undefined when the request
   * moved on meanwhile (nothing written) or the verdict allows it.
   * `effects`: the engine may already have acted in Identity Center for
   * this request (a provisioning retry); such a request is withdrawn rather
   * than sent back for another step, so its leftovers are cleaned up.
   */
  async apply(
    subject: Subject,
    verdict: RecheckVerdict,
    options: { effects?: boolean } = {},
  ): Promise<{ result: TransitionResult; transition: Transition } | undefined> {
    const { request: r } = subject;
    const now = this.now();
    if (verdict.outcome === 'allowed') return undefined;
    if (verdict.outcome === 'add-step' && !options.effects) {
      const next = verdict.steps.find(s => s.status !== 'approved')!;
      const undecided = verdict.steps.filter(s => s.status === 'waiting' || s.status === 'pending');
      const transition: Transition = {
        requestId: r.id,
        from: r.status,
        ...(r.status === 'pending' ? { fromStep: r.currentStep } : {}),
        patch: { requiredSteps: verdict.steps.length, currentStep: next.step },
        setSteps: undecided,
        openStep: r.status === 'pending' ? undefined : next.step,
        event: { name: 'add-step', actor: SYSTEM_ACTOR, comment: verdict.reason },
        now,
      };
      const result = await this.deps.store.transition(transition);
      if (result) this.deps.notifier?.notify(r.id, 'add-step');
      return result && { result, transition };
    }
    const reason = verdict.outcome === 'withdraw' ? verdict.reason : `${verdict.reason} Its grant had started; it ends instead.`;
    return this.withdraw(r, reason, now);
  }

  private async withdraw(r: StoredRequest, reason: string, now: number) {
    const transition: Transition = {
      requestId: r.id,
      from: r.status,
      patch: { currentStep: undefined, endedAt: now, statusReason: reason, nextAttemptAt: undefined },
      event: { name: 'withdraw', actor: SYSTEM_ACTOR, comment: reason },
      now,
    };
    const result = await this.deps.store.transition(transition);
    if (result) this.deps.notifier?.notify(r.id, 'withdraw');
    return result && { result, transition };
  }

  /** Judges and writes in one go; the verdict and what was written. */
  async enforce(subject: Subject, options: { effects?: boolean } = {}) {
    const verdict = await this.verdict(subject);
    const applied = verdict.outcome === 'allowed' ? undefined : await this.apply(subject, verdict, options);
    return { verdict, applied };
  }

  /**
   * A session stopped being active (revoked, ended early, expired, taken
   * over): its extensions that are not granted yet end with that reason.
   */
  async endExtensionsOf(session: Pick<StoredRequest, 'id'>, what: string): Promise<string[]> {
    const ended: string[] = [];
    for (const ext of await this.deps.store.listExtensionsOf(session.id, ['pending', 'approved', 'provisioning'])) {
      const reason = `The session it extends, ${session.id}, ${what}: an extension needs an active session; nothing was granted.`;
      if (await this.withdraw(ext, reason, this.now())) ended.push(ext.id);
    }
    return ended;
  }

  /**
   * The open requests (pending, approved and waiting for their start) on
   * `accountId`, or of `permissionSetArn` on any account, that `config`
   * would end or give a step; written when `apply` is set (after the change
   * was saved), counted otherwise (before: the config page's warning).
   */
  async openRequestsUnder(
    scope: { accountId?: string; permissionSetArn?: string },
    config: ConfigView,
    apply: boolean,
  ): Promise<ConfigImpact> {
    const { store } = this.deps;
    const impact: ConfigImpact = { withdrawn: [], stepAdded: [] };
    // Every request here is judged against the same config: read each account and set once.
    const view = once(config);
    let cursor: string | undefined;
    do {
      const page = await store.listRequests({
        accountIds: scope.accountId ? [scope.accountId] : undefined,
        statuses: OPEN,
        limit: 200,
        cursor,
        withSteps: true,
      });
      for (const request of page.items) {
        if (scope.permissionSetArn && request.permissionSetArn !== scope.permissionSetArn) continue;
        const steps: ApprovalStep[] = page.steps?.get(request.id) ?? (await store.getSteps(request.id));
        const subject = { request, steps };
        const verdict = await this.verdict(subject, view);
        if (verdict.outcome === 'allowed') continue;
        if (apply && !(await this.apply(subject, verdict))) continue;
        (verdict.outcome === 'withdraw' ? impact.withdrawn : impact.stepAdded).push(request.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    impact.message = describeImpact(impact, apply);
    return impact;
  }
}

/** A config view that reads each account and permission set once. */
function once(config: ConfigView): ConfigView {
  const accounts = new Map<string, ReturnType<ConfigView['account']>>();
  const sets = new Map<string, ReturnType<ConfigView['permissionSet']>>();
  return {
    account: id => {
      if (!accounts.has(id)) accounts.set(id, config.account(id));
      return accounts.get(id)!;
    },
    permissionSet: arn => {
      if (!sets.has(arn)) sets.set(arn, config.permissionSet(arn));
      return sets.get(arn)!;
    },
  };
}

/** "Ends 2 open requests (JIT-…, JIT-…) and adds an approval step to 1 (JIT-…)." */
export function describeImpact(impact: ConfigImpact, done: boolean): string | undefined {
  const list = (ids: string[]) => `${ids.length} open request${ids.length === 1 ? '' : 's'} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`;
  const parts: string[] = [];
  if (impact.withdrawn.length) parts.push(`${done ? 'Ended' : 'Ends'} ${list(impact.withdrawn)}: the config no longer allows them`);
  if (impact.stepAdded.length) parts.push(`${done ? 'Added' : 'Adds'} an approval step to ${list(impact.stepAdded)}`);
  return parts.length ? `${parts.join('; ')}.` : undefined;
}
