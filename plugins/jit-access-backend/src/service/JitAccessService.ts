import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  type AccessRequest,
  type AccountActivity,
  type AccountsResponse,
  type Approver,
  type ApprovalStep,
  type ApproverKind,
  type CallerInfo,
  type CreateRequestBody,
  type JitSettings,
  type Page,
  type PermissionSetSummary,
  type RequestAction,
  type RequestActionName,
  type RequestDetail,
  type RequestableAccount,
  type RequestStatus,
  type ActionVerdict,
  checkBreakGlass,
  decideApproval,
  decideCancel,
  decideEnd,
  decideExtend,
  decideRevoke,
  decideReviewClose,
  effectiveDuration,
  formatRequestId,
  jitAccessApproverFeaturesPermission,
  jitAccessConfigManagePermission,
  jitAccessRequestApproveFinalPermission,
  jitAccessRequestApprovePermission,
  jitAccessRequestCreatePermission,
  jitAccessRequestReadPermission,
  jitAccessSessionRevokePermission,
  nextStatus,
  parseIsoDuration,
  stepsFor,
  validatePolicy,
} from '@jit-access/plugin-jit-access-common';
import { randomBytes } from 'node:crypto';
import {
  RequestIdTakenError,
  stepsAfter,
  type ConfigStore,
  type LoadedRequest,
  type NewRequest,
  type RequestStore,
  type StoredAccount,
  type StoredPermissionSet,
  type StoredRequest,
  type Transition,
  type TransitionResult,
} from '../database';
import { AccountDirectory, DIRECTORY_CACHE_MS, Person, toApprover } from './AccountDirectory';
import { activityWindow, TOP_REQUESTERS, toAccountActivity } from './accountActivity';
import { ConfigCache, type ConfigSnapshot } from './ConfigCache';
import { PendingPages } from './PendingPages';
import type { RequestRecheck } from './RequestRecheck';
import { JitAuthorizer } from './JitAuthorizer';
import type { JitNotifier } from './JitNotifier';
import type { JitRequestResource } from '../permissions/rules';
import { Caller, ownsAccount, SYSTEM_ACTOR, SYSTEM_ACTOR_NAME } from './types';

/** The accounts list as anyone may see it (see JitAccessService.accountList). */
interface AccountList {
  /** For callers without and with the config permission. */
  responses: [AccountsResponse, AccountsResponse];
  /** By person: the accounts whose owners are that one person (nobody else can approve their requests there). */
  soleApproverOf: Map<string, Set<string>>;
  /** Owner refs of every account (catalog and assigned). */
  owners: Map<string, string[]>;
  /** Ids of the onboarded accounts, by name. */
  onboarded: string[];
}

/** Who the caller is to a request: owner of its account, and what the permission policy allows. */
interface ActorContext {
  owners: string[];
  isOwner: boolean;
  mayApprove: boolean;
  isAdmin: boolean;
  mayRevoke: boolean;
}

/** Called after a decision that may need Identity Center work right away. */
export type WorkTrigger = (requestId: string) => void;

export type RequestView = 'mine' | 'approvals' | 'history' | 'reviews';

/**
 * The domain rules of JIT Access: who may request what, who approves which
 * step, and what each caller may do with a request and why not. Every state
 * change is a guarded transition in the store, so concurrent decisions yield
 * one winner and one 409.
 */
export class JitAccessService {
  constructor(
    private readonly deps: {
      store: ConfigStore & RequestStore;
      notifier?: JitNotifier;
      directory: AccountDirectory;
      authorizer: JitAuthorizer;
      settingsDefaults: JitSettings;
      logger: LoggerService;
      triggerWork: WorkTrigger;
      now?: () => number;
      /** Shared with the ConfigService, which invalidates it on changes. */
      config?: ConfigCache;
      /** Draws a new request id; for tests. Default `formatRequestId` of random bytes. */
      newRequestId?: () => string;
      /** Holds approvals to the config of now, and ends the extensions of sessions that end. */
      recheck: RequestRecheck;
    },
  ) {
    this.config = deps.config ?? new ConfigCache(deps.store, deps.settingsDefaults);
    this.pendingPages = new PendingPages(deps.store);
  }

  private readonly config: ConfigCache;
  private readonly pendingPages: PendingPages;
  /**
   * The approvals response last made of a kept page of pending requests
   * (PendingPages), with the ids it shows: the next caller whose decisions
   * let them see the same requests gets the same object, which the router
   * sends as bytes already encoded (sendSharedJson).
   */
  readonly #approvalsOf = new WeakMap<object, { shown: string; response: Page<AccessRequest> }>();

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  settings(): Promise<JitSettings> {
    return this.config.settings();
  }

  // ------------------------------------------------------------------ caller

  async me(caller: Caller): Promise<CallerInfo> {
    const { authorizer } = this.deps;
    const [approverFeature, config, owned] = await Promise.all([
      authorizer.isAllowed(caller, jitAccessApproverFeaturesPermission),
      authorizer.isAllowed(caller, jitAccessConfigManagePermission),
      this.ownedAccountIds(caller),
    ]);
    const roles = authorizer.rolesOf(caller);
    if (owned.length && !roles.includes('approver')) roles.push('approver');
    const approver = approverFeature || owned.length > 0;
    const person = await this.deps.directory.user(caller.userEntityRef);
    return {
      userEntityRef: caller.userEntityRef,
      name: person?.name ?? caller.userEntityRef,
      roles,
      ownedAccountIds: owned,
      features: {
        pendingApprovals: approver,
        requestHistory: approver,
        manageSessions: approver,
        ownedAccounts: approver,
        config,
      },
      missingFeaturesHint: approver
        ? undefined
        : 'You have the Viewer role: you can request access and see your own requests. ' +
          'Pending approvals, Request history, Manage sessions and Owned accounts appear when you own an onboarded AWS account ' +
          '(you or your team is its catalog owner, or an admin assigned you in Manage owners) ' +
          `or belong to an approver group${this.deps.authorizer.roles.approverGroups.length ? ` (${this.deps.authorizer.roles.approverGroups.join(', ')})` : ''}. Ask a JIT Access admin.`,
    };
  }

  /** Onboarded accounts the caller owns. */
  async ownedAccountIds(caller: Caller): Promise<string[]> {
    const { owners, onboarded } = await this.accountList();
    return onboarded.filter(accountId => ownsAccount(caller, owners.get(accountId)!));
  }

  // ---------------------------------------------------------------- accounts

  async requestableAccounts(caller: Caller): Promise<AccountsResponse> {
    const { authorizer } = this.deps;
    const [canManageConfig, canCreate] = await Promise.all([
      authorizer.isAllowed(caller, jitAccessConfigManagePermission),
      authorizer.isAllowed(caller, jitAccessRequestCreatePermission),
    ]);
    if (!canCreate) {
      return {
        items: [],
        reason: 'Your organisation\'s permission policy does not allow you to request JIT access.',
        canManageConfig,
      };
    }
    const list = await this.accountList();
    const shared = list.responses[canManageConfig ? 1 : 0];
    // Who cannot approve their own request: for the only possible approver
    // of an account, nobody is left to approve theirs.
    const noApprover = list.soleApproverOf.get(caller.userEntityRef);
    if (!noApprover) return shared;
    return {
      ...shared,
      items: shared.items.map(a => (noApprover.has(a.accountId) ? { ...a, hasApprover: false } : a)),
    };
  }

  /**
   * The accounts list as anyone sees it, built once for as long as the
   * config and catalog reads it comes from are unchanged (ConfigCache: 5 s
   * or a local config change; AccountDirectory: 15 s) rather than on every
   * page load: with hundreds of accounts, building and serialising it was
   * most of the cost of GET /accounts (docs/benchmarks.md). The responses
   * are shared objects: never modify them.
   */
  private async accountList(): Promise<AccountList> {
    const [snapshot, entities] = await Promise.all([this.config.snapshot(), this.deps.directory.accountEntities()]);
    const last = this.#accountList;
    if (
      last?.snapshot === snapshot &&
      last.entities === entities &&
      Date.now() - last.at < DIRECTORY_CACHE_MS
    ) {
      return last.value;
    }
    const value = this.buildAccountList(snapshot);
    const entry = { snapshot, entities, at: Date.now(), value };
    this.#accountList = entry;
    value.catch(() => {
      if (this.#accountList === entry) this.#accountList = undefined;
    });
    return value;
  }

  #accountList?: { snapshot: ConfigSnapshot; entities: Map<string, unknown>; at: number; value: Promise<AccountList> };

  private async buildAccountList({ accounts, permissionSets, settings }: ConfigSnapshot): Promise<AccountList> {
    const { directory } = this.deps;
    const summaries = new Map(permissionSets.map(s => [s.arn, toSummary(s)]));
    const onboarded = accounts.filter(a => a.onboarded);
    const ownersOf = await directory.ownersByAccount(accounts);
    // Accounts share owners (a team owns many): resolve each owner set once.
    const peopleOf = new Map<string, Promise<Person[]>>();
    const people = (owners: string[]) => {
      const key = owners.join('\n');
      if (!peopleOf.has(key)) peopleOf.set(key, directory.peopleOf(owners));
      return peopleOf.get(key)!;
    };
    const items: RequestableAccount[] = [];
    const soleApproverOf = new Map<string, Set<string>>();
    const admins = await people(this.deps.authorizer.adminGroupRefs());
    for (const a of onboarded) {
      const sets = a.enabledPermissionSetArns
        .map(arn => summaries.get(arn))
        .filter((s): s is PermissionSetSummary => !!s);
      if (!sets.length && !a.customPolicyAllowed) continue;
      const owners = ownersOf.get(a.accountId)!;
      const ownerPeople = await people(owners);
      // A standard request is approved by an owner or an Admin/SSO Admin.
      const approvers = new Set([...ownerPeople, ...admins].map(p => p.entityRef));
      if (approvers.size === 1) {
        const [ref] = approvers;
        soleApproverOf.set(ref, (soleApproverOf.get(ref) ?? new Set()).add(a.accountId));
      }
      items.push({
        accountId: a.accountId,
        name: a.name,
        entityRef: a.entityRef,
        permissionSets: sets,
        customPolicyAllowed: a.customPolicyAllowed,
        customMaxDurationMinutes: settings.customMaxDurationMinutes,
        owners,
        hasApprover: approvers.size > 0,
        ...(ownerPeople.length ? {} : { ownerless: { adminNames: admins.map(p => p.name) } }),
        breakGlassAllowed: a.breakGlassAllowed,
      });
    }
    let reason: string | undefined;
    if (!items.length) {
      if (!accounts.length || !onboarded.length) {
        reason =
          'No AWS accounts are onboarded to JIT Access yet. An admin onboards accounts on the JIT Access config page.';
      } else {
        reason = `${onboarded.length} account(s) are onboarded, but none has a permission set enabled or custom policies allowed. An admin enables permission sets per account on the JIT Access config page.`;
      }
    }
    return {
      responses: [
        { items, reason, canManageConfig: false },
        { items, reason, canManageConfig: true },
      ],
      soleApproverOf,
      owners: ownersOf,
      onboarded: onboarded.map(a => a.accountId),
    };
  }

  /**
   * Sessions, requesters, time to approve and outcomes of one account over
   * the last `days` UTC days. For the account's owners and for whoever may
   * manage the JIT config (Admins and SSO Admins by default).
   */
  async accountActivity(caller: Caller, accountId: string, days: number): Promise<AccountActivity> {
    const { store, directory, authorizer } = this.deps;
    const account = await store.getAccount(accountId);
    if (!account) throw new NotFoundError(`AWS account '${accountId}' is not known to JIT Access`);
    const owners = await directory.ownersOf(account);
    if (!ownsAccount(caller, owners) && !(await authorizer.isAllowed(caller, jitAccessConfigManagePermission))) {
      const ownedBy = owners.length ? `its owners (${owners.join(', ')})` : 'its owners (it has none)';
      throw new NotAllowedError(
        `The activity of account ${account.name} (${accountId}) is shown to ${ownedBy} and to Admins and SSO Admins; you are neither`,
      );
    }
    const now = this.now();
    const counts = await store.accountActivity({
      accountId,
      from: activityWindow(now, days).from,
      topRequesters: TOP_REQUESTERS,
    });
    const names = await this.namesOf(counts.topRequesters.map(r => r.requester));
    return toAccountActivity({ account, days, now, counts, names });
  }

  private async requireAccount(accountId: string): Promise<StoredAccount> {
    const account = await this.config.account(accountId);
    if (!account || !account.onboarded) {
      throw new InputError(
        `accountId: AWS account '${accountId}' is not onboarded to JIT Access`,
      );
    }
    return account;
  }

  // ---------------------------------------------------------------- requests

  async createRequest(caller: Caller, input: CreateRequestBody): Promise<RequestDetail> {
    let body = input;
    const { store, authorizer } = this.deps;
    if (!(await authorizer.isAllowed(caller, jitAccessRequestCreatePermission))) {
      throw new NotAllowedError('You are not allowed to request JIT access');
    }
    const account = await this.requireAccount(body.accountId);
    if (body.breakGlass) {
      const refusal = checkBreakGlass({
        account,
        kind: body.customPolicy !== undefined ? 'custom' : 'standard',
        reason: body.reason,
        extendsRequestId: body.extendsRequestId,
        startAt: body.startAt,
      });
      if (refusal?.code === 'not-allowed') {
        throw new NotAllowedError(`${refusal.field}: ${refusal.message}`);
      }
      if (refusal) throw new InputError(`${refusal.field}: ${refusal.message}`);
    }
    const settings = await this.settings();
    if (body.extendsRequestId) {
      const original = await store.getRequest(body.extendsRequestId);
      if (!original || original.requester !== caller.userEntityRef) {
        throw new InputError(`extendsRequestId: '${body.extendsRequestId}' is not a session of yours`);
      }
      const extend = decideExtend({ request: original, actor: { userEntityRef: caller.userEntityRef } });
      if (!extend.allowed) throw new InputError(`extendsRequestId: ${original.id}: ${extend.reason}`);
      if (original.accountId !== body.accountId) {
        throw new InputError(`accountId: an extension of ${original.id} must be for account ${original.accountId}`);
      }
      if (body.permissionSetArn && body.permissionSetArn !== original.permissionSetArn) {
        throw new InputError(`permissionSetArn: an extension of ${original.id} must be for ${original.permissionSetName}`);
      }
      body = { ...body, permissionSetArn: original.permissionSetArn, customPolicy: undefined };
    }

    let permissionSet: StoredPermissionSet | undefined;
    if (body.permissionSetArn && body.customPolicy) {
      throw new InputError(
        'permissionSetArn, customPolicy: give either a permission set or a custom policy, not both',
      );
    }
    if (body.permissionSetArn) {
      if (!account.enabledPermissionSetArns.includes(body.permissionSetArn)) {
        throw new InputError(
          `permissionSetArn: permission set '${body.permissionSetArn}' is not enabled for account ${account.name} (${account.accountId})`,
        );
      }
      permissionSet = (await this.config.permissionSets()).find(
        s => s.arn === body.permissionSetArn,
      );
      if (!permissionSet) {
        throw new InputError(
          `permissionSetArn: permission set '${body.permissionSetArn}' is unknown`,
        );
      }
    } else if (body.customPolicy !== undefined) {
      if (!account.customPolicyAllowed) {
        throw new InputError(
          `customPolicy: custom policies are not allowed for account ${account.name} (${account.accountId})`,
        );
      }
      const validation = validatePolicy(body.customPolicy);
      if (!validation.valid) {
        const first = validation.errors[0];
        const where = first.line ? ` (line ${first.line}, column ${first.column})` : '';
        const more =
          validation.errors.length > 1 ? ` and ${validation.errors.length - 1} more error(s)` : '';
        throw new InputError(`customPolicy: ${first.message}${where}${more}`);
      }
    } else {
      throw new InputError('permissionSetArn: a permission set or a custom policy is required');
    }
    if (body.startAt && Date.parse(body.startAt) < this.now() - 60_000) {
      throw new InputError('startAt: the start time is in the past');
    }

    const kind = permissionSet ? 'standard' : 'custom';
    const duration = effectiveDuration({
      kind,
      requestedMinutes: body.durationMinutes,
      sessionDurationMinutes: permissionSet
        ? parseIsoDuration(permissionSet.sessionDuration)
        : undefined,
      customCapMinutes: settings.customMaxDurationMinutes,
    });
    const breakGlass = !!body.breakGlass;
    const approverKinds = stepsFor({
      kind,
      permissionSetRequiresTwoLevels: permissionSet?.requiresTwoLevels ?? false,
      breakGlass,
    });

    const warning = breakGlass ? undefined : await this.whoCanApprove(caller, account, approverKinds, settings);

    const now = this.now();
    const request: StoredRequest = {
      id: this.newRequestId(),
      requester: caller.userEntityRef,
      accountId: account.accountId,
      accountName: account.name,
      accountEntityRef: account.entityRef,
      kind,
      permissionSetArn: permissionSet?.arn,
      permissionSetName: permissionSet?.name,
      customPolicy: kind === 'custom' ? body.customPolicy : undefined,
      extendsRequestId: body.extendsRequestId,
      ...(breakGlass ? { breakGlass, review: { status: 'open' as const } } : {}),
      requestedDurationMinutes: body.durationMinutes,
      effectiveDurationMinutes: duration.minutes,
      durationCause: duration.cause,
      reason: body.reason,
      ticket: body.ticket,
      startAt: body.startAt ? new Date(Date.parse(body.startAt)).toISOString() : undefined,
      status: 'pending',
      currentStep: 1,
      requiredSteps: approverKinds.length,
      statusReason: warning,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      attempts: 0,
    };
    const steps: ApprovalStep[] = approverKinds.map((approverKind, i) => ({
      step: i + 1,
      approverKind,
      status: i === 0 ? 'pending' : 'waiting',
    }));
    if (breakGlass) {
      return this.detail(caller, await this.createBreakGlass(caller, request, steps, now));
    }
    const created = await this.insertRequest({ request, steps, actor: caller.userEntityRef });
    const { id } = created.request;
    this.deps.notifier?.notify(id, 'created', created);
    this.deps.logger.info(
      `Request ${id} by ${request.requester} for ${request.accountId} (${request.permissionSetName ?? 'custom policy'})`,
    );
    // The requester sees their own request, as stored: no need to check or read it again.
    return this.detail(caller, created);
  }

  /**
   * Refuses a request nobody could approve (unless config allows it, with a
   * warning), and returns the notice of a standard request on an account
   * without owners: an owner OR an Admin/SSO Admin approves a standard
   * request, so there the Admins decide; an owner step (custom policies and
   * two-level permission sets) needs a person who owns the account.
   * Nobody approves their own request, and one person not both steps.
   */
  private async whoCanApprove(
    caller: Caller,
    account: StoredAccount,
    kinds: ApproverKind[],
    settings: JitSettings,
  ): Promise<string | undefined> {
    const { directory, authorizer } = this.deps;
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
    } else if (!adminPeople.length || (adminPeople.length === 1 && ownerPeople.length === 1 && adminPeople[0].entityRef === ownerPeople[0].entityRef)) {
      nobody = 'step 2 needs an Admin or SSO Admin other than the person who approves step 1, and there is none';
    }
    if (nobody) {
      const message = `Nobody can approve this request for account ${account.name} (${account.accountId}): ${nobody}. Ask a JIT Access admin to assign owners (config page → Manage owners).`;
      if (!settings.allowRequestsWithoutApprover) throw new InputError(`accountId: ${message}`);
      return message;
    }
    if (kinds[0] === 'owner-or-admin' && !ownerPeople.length) {
      return `${account.name} has no owner who can approve (${why}), so this request goes to the Admins and SSO Admins: ${adminPeople
        .map(p => p.name)
        .join(', ')}. Ask a JIT Access admin to assign owners (config page → Manage owners).`;
    }
    return undefined;
  }

  /**
   * Break-glass: the request is created and approved by its requester in one
   * transaction, announced at once to every owner and admin, provisioned at
   * once like any final approval, and waits for its review.
   */
  private async createBreakGlass(
    caller: Caller,
    request: StoredRequest,
    steps: ApprovalStep[],
    now: number,
  ): Promise<LoadedRequest> {
    const created = await this.insertRequest({
      request,
      steps,
      actor: caller.userEntityRef,
      then: {
        from: 'pending',
        fromStep: 1,
        to: nextStatus('pending', 'break-glass'),
        patch: { decidedAt: now, currentStep: undefined },
        decideStep: { step: 1, status: 'approved', decidedBy: caller.userEntityRef },
        event: { actor: caller.userEntityRef, type: 'break-glass', comment: request.reason },
      },
    });
    const { id } = created.request;
    this.deps.notifier?.notify(id, 'break-glass');
    this.deps.logger.warn(
      `Break-glass request ${id} by ${request.requester} for ${request.accountId} (${request.permissionSetName}): ${request.reason}`,
    );
    this.deps.triggerWork(id);
    return created;
  }

  private newRequestId(): string {
    return this.deps.newRequestId?.() ?? formatRequestId(randomBytes(8));
  }

  /**
   * Stores a new request; when its random id is taken (RequestIdTakenError,
   * rarer than one in a thousand below a million requests), another is
   * drawn, up to 5 ids in all.
   */
  private async insertRequest(first: NewRequest): Promise<LoadedRequest> {
    let n = first;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.store.createRequest(n);
      } catch (e) {
        if (!(e instanceof RequestIdTakenError) || attempt >= 5) throw e;
        n = { ...n, request: { ...n.request, id: this.newRequestId() } };
      }
    }
  }

  /**
   * Loads a request the caller may see, with its steps and events; 404
   * otherwise. A request the caller may not see is "not found" exactly like
   * one that does not exist, so the answer tells nothing about it; the
   * message says who can see requests.
   */
  private async visibleRequest(caller: Caller, id: string): Promise<LoadedRequest> {
    const loaded = await this.deps.store.loadRequest(id);
    if (!loaded) throw new NotFoundError(notVisible(id));
    const { request } = loaded;
    if (request.requester === caller.userEntityRef) return loaded;
    const d = await this.deps.authorizer.forRequest(caller, await this.asResource(request), [
      jitAccessRequestReadPermission,
    ]);
    if (!d.get(jitAccessRequestReadPermission.name)) {
      throw new NotFoundError(notVisible(id));
    }
    return loaded;
  }

  async getRequest(caller: Caller, id: string): Promise<RequestDetail> {
    return this.detail(caller, await this.visibleRequest(caller, id));
  }

  /** What a request is after `result`, a transition of `before` with `t`'s step changes. */
  private static after(before: LoadedRequest, t: Transition, result: TransitionResult): LoadedRequest {
    return {
      request: result.request,
      steps: stepsAfter(before.steps, t),
      events: [...before.events, result.event],
    };
  }

  /**
   * The detail of a request the caller may see, from the request, steps and
   * events in hand (loaded, or as a write left them). After a decision,
   * `given` is the context the decision established (ownership and
   * permissions do not change with the request's state).
   */
  private async detail(
    caller: Caller,
    { request, steps, events }: LoadedRequest,
    given?: ActorContext,
  ): Promise<RequestDetail> {
    const [context, names] = await Promise.all([
      given ?? this.actorContext(caller, request),
      this.namesOf([
        ...peopleNamedIn(request),
        ...steps.map(s => s.decidedBy).filter((x): x is string => !!x),
        ...events.map(e => e.actor),
      ]),
    ]);
    return {
      ...withNamesFrom(request, names),
      steps: steps.map(s => ({
        ...s,
        decidedByName: s.decidedBy ? names.get(s.decidedBy) : undefined,
      })),
      approvers: await this.approversOf(request, steps, context.owners),
      actions: this.actionsFor(caller, request, steps, context),
      events: events.map(e => {
        const actorName = names.get(e.actor);
        return actorName ? { ...e, actorName } : e;
      }),
    };
  }

  /**
   * Display names of people by entity ref, in one directory call for all
   * of them (one catalog read for those not cached); the system actor is
   * "JIT Access"; people not in the catalog are left out.
   */
  private async namesOf(refs: string[]): Promise<Map<string, string>> {
    const users = [...new Set(refs)].filter(r => r !== SYSTEM_ACTOR);
    const people = users.length ? await this.deps.directory.users(users) : new Map<string, Person>();
    const names = new Map([...people].map(([ref, p]) => [ref, p.name]));
    if (refs.includes(SYSTEM_ACTOR)) names.set(SYSTEM_ACTOR, SYSTEM_ACTOR_NAME);
    return names;
  }

  /** Who can decide the current step, by name (never the requester, never the step-1 approver). */
  private async approversOf(
    request: StoredRequest,
    steps: ApprovalStep[],
    owners: string[],
  ): Promise<Approver[]> {
    if (request.status !== 'pending') return [];
    const step = steps.find(s => s.step === request.currentStep);
    if (!step) return [];
    const { directory, authorizer } = this.deps;
    const excluded = new Set([
      request.requester,
      ...steps.filter(s => s.status === 'approved').map(s => s.decidedBy),
    ]);
    const result = new Map<string, Approver>();
    if (step.approverKind !== 'admin') {
      for (const owner of owners) {
        for (const p of await directory.peopleOf([owner])) {
          if (!excluded.has(p.entityRef) && !result.has(p.entityRef)) {
            result.set(p.entityRef, toApprover(p, `owner through ${owner}`));
          }
        }
      }
    }
    if (step.approverKind !== 'owner') {
      for (const group of authorizer.adminGroupRefs()) {
        for (const p of await directory.peopleOf([group])) {
          if (!excluded.has(p.entityRef) && !result.has(p.entityRef)) {
            result.set(p.entityRef, toApprover(p, `admin through ${group}`));
          }
        }
      }
    }
    return [...result.values()];
  }

  private async actorContext(caller: Caller, request: StoredRequest): Promise<ActorContext> {
    const resource = await this.asResource(request);
    const owners = resource.accountOwners;
    const decisions = await this.deps.authorizer.forRequest(caller, resource, [
      jitAccessRequestApprovePermission,
      jitAccessRequestApproveFinalPermission,
      jitAccessSessionRevokePermission,
    ]);
    return {
      owners,
      isOwner: ownsAccount(caller, owners),
      mayApprove: decisions.get(jitAccessRequestApprovePermission.name)!,
      isAdmin: decisions.get(jitAccessRequestApproveFinalPermission.name)!,
      mayRevoke: decisions.get(jitAccessSessionRevokePermission.name)!,
    };
  }

  private actionsFor(
    caller: Caller,
    request: StoredRequest,
    steps: ApprovalStep[],
    ctx: { isOwner: boolean; isAdmin: boolean; mayApprove: boolean; mayRevoke: boolean },
  ): RequestAction[] {
    const decision = (action: 'approve' | 'reject') => this.decisionAction(caller, request, steps, ctx, action);
    const facts = { request, actor: { userEntityRef: caller.userEntityRef, ...ctx } };
    const shown = (action: RequestActionName, v: ActionVerdict): RequestAction =>
      v.allowed ? { action, allowed: true } : { action, allowed: false, reason: v.reason };
    const cancel = shown('cancel', decideCancel(facts));
    const revoke = shown('revoke', decideRevoke(facts));
    const end = shown('end', decideEnd(facts));
    const extend = shown('extend', decideExtend(facts));
    return [decision('approve'), decision('reject'), cancel, revoke, end, extend, this.reviewAction(caller, request, ctx)];
  }

  /** Whether the caller may approve or reject the request's current step, and why not. */
  private decisionAction(
    caller: Caller,
    request: StoredRequest,
    steps: ApprovalStep[],
    ctx: { isOwner: boolean; isAdmin: boolean; mayApprove: boolean },
    action: 'approve' | 'reject',
  ): RequestAction {
    const forbidden = policyForbidsDeciding(caller, request, ctx, request.status === 'pending');
    if (forbidden) return { action, allowed: false, reason: forbidden };
    const d = decideApproval({
      request: { ...request, steps },
      actor: {
        userEntityRef: caller.userEntityRef,
        isOwner: ctx.isOwner,
        isAdmin: ctx.isAdmin,
      },
      action,
    });
    return d.allowed ? { action, allowed: true } : { action, allowed: false, reason: d.reason };
  }

  private reviewAction(
    caller: Caller,
    request: StoredRequest,
    ctx: { isOwner: boolean; isAdmin: boolean; mayApprove: boolean },
  ): RequestAction {
    const action = 'closeReview';
    const forbidden = policyForbidsDeciding(caller, request, ctx, request.review?.status === 'open');
    if (forbidden) return { action, allowed: false, reason: forbidden };
    const d = decideReviewClose({
      request,
      actor: { userEntityRef: caller.userEntityRef, isOwner: ctx.isOwner, isAdmin: ctx.isAdmin },
    });
    return d.allowed ? { action, allowed: true } : { action, allowed: false, reason: d.reason };
  }

  async listRequests(
    caller: Caller,
    q: {
      view: RequestView;
      status?: RequestStatus[];
      accountId?: string;
      /** Date range on the creation time (epoch ms). */
      createdAfter?: number;
      createdBefore?: number;
      cursor?: string;
      limit: number;
    },
  ): Promise<Page<AccessRequest>> {
    const { store } = this.deps;
    const range = { createdAfter: q.createdAfter, createdBefore: q.createdBefore };
    if (q.view === 'mine') {
      const page = await store.listRequests({
        ...range,
        requester: caller.userEntityRef,
        statuses: q.status,
        accountIds: q.accountId ? [q.accountId] : undefined,
        cursor: q.cursor,
        limit: q.limit,
      });
      return { items: await this.withNames(page.items), nextCursor: page.nextCursor };
    }
    const scope = await this.approverScope(caller);
    if (!scope) {
      throw new NotAllowedError(
        'Pending approvals and Request history need the Approver role or ownership of an onboarded account',
      );
    }
    let accountIds = scope.all ? undefined : scope.accountIds;
    if (q.accountId) {
      if (accountIds && !accountIds.includes(q.accountId)) {
        return { items: [] };
      }
      accountIds = [q.accountId];
    }
    if (q.view === 'history') {
      const page = await store.listRequests({
        ...range,
        accountIds,
        statuses: q.status,
        cursor: q.cursor,
        limit: q.limit,
      });
      return { items: await this.withNames(page.items), nextCursor: page.nextCursor };
    }
    // approvals: pending requests whose current step the caller may decide;
    // reviews: break-glass requests with an open review the caller may close.
    const reviews = q.view === 'reviews';
    const page = await this.pendingPages.list({
      ...range,
      accountIds,
      statuses: reviews ? q.status : ['pending'],
      reviewStatus: reviews ? 'open' : undefined,
      excludeRequester: caller.userEntityRef,
      cursor: q.cursor,
      limit: q.limit,
      withSteps: true,
    });
    // The page's steps come with it, and one permission call decides for
    // the whole page, not a round of each per request.
    const resources = await this.asResources(page.items);
    const steps = page.steps!;
    const decisions = await this.deps.authorizer.forRequestList(caller, resources, [
      jitAccessRequestApprovePermission,
      jitAccessRequestApproveFinalPermission,
    ]);
    const shown: StoredRequest[] = [];
    for (const [i, r] of page.items.entries()) {
      const d = decisions.get(r.id)!;
      const ctx = {
        isOwner: ownsAccount(caller, resources[i].accountOwners),
        mayApprove: d.get(jitAccessRequestApprovePermission.name)!,
        isAdmin: d.get(jitAccessRequestApproveFinalPermission.name)!,
      };
      const verdict = reviews
        ? this.reviewAction(caller, r, ctx)
        : this.decisionAction(caller, r, steps.get(r.id)!, ctx, 'approve');
      if (verdict.allowed) shown.push(r);
    }
    // The names of the shown requests' people, in one directory call (its
    // reads are cached, so an unchanged page costs no catalog call).
    const names = await this.namesOf(shown.flatMap(peopleNamedIn));
    if (reviews) return { items: shown.map(r => withNamesFrom(r, names)), nextCursor: page.nextCursor };
    // Decided for this caller now; what the shown requests look like is the
    // page's and their people's names, so the same requests shown with the
    // same names make the same response (a name changed in the catalog makes
    // a new one).
    const shownKey = shown.map(r => `${r.id}\t${names.get(r.requester) ?? ''}`).join('\n');
    const last = this.#approvalsOf.get(page);
    if (last?.shown === shownKey) return last.response;
    const response = { items: shown.map(r => withNamesFrom(r, names)), nextCursor: page.nextCursor };
    this.#approvalsOf.set(page, { shown: shownKey, response });
    return response;
  }

  /** A page's requests as the API shows them, with their people's names resolved in one batch. */
  private async withNames(requests: StoredRequest[]): Promise<AccessRequest[]> {
    const names = await this.namesOf(requests.flatMap(peopleNamedIn));
    return requests.map(r => withNamesFrom(r, names));
  }

  /** Requests as permission rules see them, with their accounts' owners. */
  private async asResources(requests: StoredRequest[]): Promise<JitRequestResource[]> {
    const { owners } = await this.accountList();
    return requests.map(r => ({
      id: r.id,
      requester: r.requester,
      accountId: r.accountId,
      accountOwners: owners.get(r.accountId) ?? [],
    }));
  }

  private async asResource(r: StoredRequest): Promise<JitRequestResource> {
    return (await this.asResources([r]))[0];
  }

  /**
   * What the permission backend's apply-conditions call gets for a batch of
   * request ids (the plugin's `getResources`): loaded in one query, in the
   * order asked, undefined for an unknown id.
   */
  async permissionResources(ids: string[]): Promise<Array<JitRequestResource | undefined>> {
    const loaded = await this.deps.store.getRequests([...new Set(ids)]);
    const byId = new Map((await this.asResources(loaded)).map(r => [r.id, r]));
    return ids.map(id => byId.get(id));
  }

  /** Which accounts' requests an approver sees: all for admins and approvers. */
  async approverScope(caller: Caller): Promise<{ all: true } | { all: false; accountIds: string[] } | undefined> {
    if (await this.deps.authorizer.isAllowed(caller, jitAccessApproverFeaturesPermission)) return { all: true };
    const owned = await this.ownedAccountIds(caller);
    if (owned.length) return { all: false, accountIds: owned };
    return undefined;
  }

  async listSessions(
    caller: Caller,
    q: { view: 'mine' | 'managed'; accountId?: string; cursor?: string; limit: number },
  ): Promise<Page<AccessRequest>> {
    return this.listRequests(caller, {
      view: q.view === 'mine' ? 'mine' : 'history',
      status: ['active'],
      accountId: q.accountId,
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  // --------------------------------------------------------------- decisions

  async decide(
    caller: Caller,
    id: string,
    action: 'approve' | 'reject',
    comment?: string,
  ): Promise<RequestDetail> {
    let loaded = await this.visibleRequest(caller, id);
    const ctx = await this.actorContext(caller, loaded.request);
    if (action === 'approve' && loaded.request.status === 'pending') {
      loaded = await this.followConfigOfNow(caller, loaded, ctx);
    }
    const { request, steps } = loaded;
    const verdict = this.decisionAction(caller, request, steps, ctx, action);
    if (!verdict.allowed) {
      if (request.status !== 'pending') {
        // Withdrawn or timed out: say why it ended, not only that it did.
        const why = ['cancelled', 'timed_out'].includes(request.status) && request.statusReason;
        throw new ConflictError(why ? `${verdict.reason} ${why}` : verdict.reason);
      }
      throw new NotAllowedError(verdict.reason);
    }
    if (action === 'reject' && !comment?.trim() && (await this.settings()).requireRejectionComment) {
      throw new InputError('comment: a rejection comment is required');
    }
    const step = request.currentStep!;
    const now = this.now();
    const last = step >= request.requiredSteps;
    let event: 'reject' | 'approve-final' | 'approve-step' = 'approve-step';
    if (action === 'reject') event = 'reject';
    else if (last) event = 'approve-final';
    const finished = event !== 'approve-step';
    const trimmed = comment?.trim() || undefined;
    const transition: Transition = {
      requestId: id,
      from: 'pending',
      fromStep: step,
      to: nextStatus('pending', event),
      patch: finished
        ? {
            decidedAt: now,
            currentStep: undefined,
            statusReason: action === 'reject' ? trimmed : undefined,
          }
        : { currentStep: step + 1 },
      decideStep: {
        step,
        status: action === 'approve' ? 'approved' : 'rejected',
        decidedBy: caller.userEntityRef,
        comment: trimmed,
      },
      openStep: finished ? undefined : step + 1,
      event: {
        actor: caller.userEntityRef,
        type: action === 'reject' ? 'rejected' : `approved-step-${step}`,
        comment: trimmed,
      },
      now,
    };
    const result = await this.deps.store.transition(transition);
    if (!result) {
      throw new ConflictError(
        `Request '${id}' changed while you decided it; reload to see its current state`,
      );
    }
    // A final approval tells nobody yet: the requester hears when access is active.
    if (!(action === 'approve' && last)) {
      this.deps.notifier?.notify(id, action === 'reject' ? 'rejected' : `approved-step-${step}`);
    }
    if (action === 'approve' && last) this.deps.triggerWork(id);
    return this.detail(caller, JitAccessService.after(loaded, transition, result), ctx);
  }

  /**
   * Before an approval: the config of now (not the config when the request
   * was made) decides whether the request may go on. A request it no longer
   * allows ends here (409, saying why); one that now needs another step
   * gains it, and the approval goes on if the caller may still decide the
   * current step.
   */
  private async followConfigOfNow(caller: Caller, loaded: LoadedRequest, ctx: ActorContext): Promise<LoadedRequest> {
    const { verdict, applied } = await this.deps.recheck.enforce(loaded);
    if (verdict.outcome === 'allowed') return loaded;
    if (!applied) {
      throw new ConflictError(`Request '${loaded.request.id}' changed while you decided it; reload to see its current state`);
    }
    const after = JitAccessService.after(loaded, applied.transition, applied.result);
    if (verdict.outcome === 'withdraw') {
      throw new ConflictError(`${loaded.request.id} can no longer be approved and has ended: ${verdict.reason}`);
    }
    const still = this.decisionAction(caller, after.request, after.steps, ctx, 'approve');
    if (!still.allowed) throw new ConflictError(`${verdict.reason} ${still.reason}`);
    return after;
  }

  /** Closes the open review of a break-glass request, with a comment. */
  async closeReview(caller: Caller, id: string, comment: string): Promise<RequestDetail> {
    const { request } = await this.visibleRequest(caller, id);
    const ctx = await this.actorContext(caller, request);
    const verdict = this.reviewAction(caller, request, ctx);
    if (!verdict.allowed) {
      if (request.review?.status === 'closed') throw new ConflictError(verdict.reason);
      throw new NotAllowedError(verdict.reason);
    }
    const trimmed = comment.trim();
    if (!trimmed) throw new InputError('comment: a comment is required to close a break-glass review');
    const ok = await this.deps.store.closeReview({
      requestId: id,
      closedBy: caller.userEntityRef,
      comment: trimmed,
      now: this.now(),
    });
    if (!ok) {
      throw new ConflictError(`The break-glass review of '${id}' was closed while you reviewed it; reload to see who closed it`);
    }
    this.deps.notifier?.notify(id, 'review-closed');
    return this.getRequest(caller, id);
  }

  async cancel(caller: Caller, id: string, comment?: string): Promise<RequestDetail> {
    const loaded = await this.visibleRequest(caller, id);
    const { request } = loaded;
    enforce(decideCancel({ request, actor: { userEntityRef: caller.userEntityRef } }));
    const transition: Transition = {
      requestId: id,
      from: request.status,
      to: 'cancelled',
      patch: { currentStep: undefined, endedAt: this.now() },
      event: { actor: caller.userEntityRef, type: 'cancelled', comment },
      now: this.now(),
    };
    const result = await this.deps.store.transition(transition);
    if (!result) throw new ConflictError(`Request '${id}' changed while you cancelled it`);
    return this.detail(caller, JitAccessService.after(loaded, transition, result));
  }

  /** Revoke (owner/admin) or end early (requester) an active session. */
  async revoke(caller: Caller, id: string, comment?: string): Promise<RequestDetail> {
    const loaded = await this.visibleRequest(caller, id);
    const { request } = loaded;
    const ctx = await this.actorContext(caller, request);
    const mine = request.requester === caller.userEntityRef;
    const facts = { request, actor: { userEntityRef: caller.userEntityRef, ...ctx } };
    enforce(mine ? decideEnd(facts) : decideRevoke(facts));
    const transition: Transition = {
      requestId: id,
      from: 'active',
      to: 'ending',
      patch: { endReason: mine ? 'end-early' : 'revoke', nextAttemptAt: this.now(), attempts: 0 },
      event: { actor: caller.userEntityRef, type: mine ? 'end-early' : 'revoked', comment },
      now: this.now(),
    };
    const result = await this.deps.store.transition(transition);
    if (!result) throw new ConflictError(`Request '${id}' changed while you revoked it`);
    const by = (await this.deps.directory.user(caller.userEntityRef))?.name ?? caller.userEntityRef;
    await this.deps.recheck.endExtensionsOf(request, mine ? `was ended early by ${by}` : `was revoked by ${by}`);
    this.deps.triggerWork(id);
    return this.detail(caller, JitAccessService.after(loaded, transition, result), ctx);
  }
}

/**
 * An action verdict as the API enforces it: a denial because of the request's
 * state is a 409, one because of who the caller is a 403.
 */
function enforce(v: ActionVerdict): void {
  if (v.allowed) return;
  throw v.conflict ? new ConflictError(v.reason) : new NotAllowedError(v.reason);
}

/**
 * Why the caller may not decide (approve, reject, close a review) at all,
 * whatever the approval rules say: the organisation's permission policy
 * grants neither approve nor approve-final. Only said of something still open
 * to a decision, and never to its requester (whose own reason comes first).
 */
function policyForbidsDeciding(
  caller: Caller,
  request: StoredRequest,
  ctx: { mayApprove: boolean; isAdmin: boolean },
  open: boolean,
): string | undefined {
  if (!open || ctx.mayApprove || ctx.isAdmin || request.requester === caller.userEntityRef) return undefined;
  return "Your organisation's permission policy does not allow you to decide JIT requests.";
}

/** The 404 of a request that does not exist or that the caller may not see: the same words for both. */
export function notVisible(id: string): string {
  return (
    `Request '${id}' was not found, or it is not visible to you: a request is visible to its requester, ` +
    "the owners of its account, approvers, and JIT Access admins. If you followed a link, ask the requester or an owner of the account."
  );
}

export function toSummary(s: StoredPermissionSet): PermissionSetSummary {
  return {
    arn: s.arn,
    name: s.name,
    description: s.description,
    sessionDuration: s.sessionDuration,
    sessionDurationMinutes: parseIsoDuration(s.sessionDuration),
    requiresTwoLevels: s.requiresTwoLevels,
  };
}

/** The people a request shows by name in a list: its requester and who closed its review. */
function peopleNamedIn(r: StoredRequest): string[] {
  return r.review?.closedBy ? [r.requester, r.review.closedBy] : [r.requester];
}

/** A request as the API shows it, with the names of its people (those found in `names`). */
function withNamesFrom(r: StoredRequest, names: Map<string, string>): AccessRequest {
  const out: AccessRequest = { ...toPublic(r), requesterName: names.get(r.requester) };
  if (r.review) {
    out.review = {
      ...r.review,
      closedByName: r.review.closedBy ? names.get(r.review.closedBy) : undefined,
    };
  }
  return out;
}

/** Drops the engine's bookkeeping from a stored request. */
export function toPublic(r: StoredRequest): AccessRequest {
  const {
    endReason: _e,
    principalId: _p,
    assignmentPreexisting: _a,
    tempPermissionSetArn: _t,
    attempts: _n,
    nextAttemptAt: _x,
    ...rest
  } = r;
  return rest;
}
