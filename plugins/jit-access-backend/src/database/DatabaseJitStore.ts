import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { assertTransition } from '@jit-access/plugin-jit-access-common';
import type {
  ApprovalStep,
  ApprovalStepStatus,
  ApproverKind,
  BreakGlassReview,
  DurationCause,
  JitSettings,
  RequestEvent,
  RequestKind,
  RequestStatus,
} from '@jit-access/plugin-jit-access-common';
import { Knex } from 'knex';
import {
  DbAccountRow,
  DbBigInt,
  DbEventRow,
  DbPermissionSetRow,
  DbRequestRow,
  DbStepRow,
  pendingVersionSlot,
  REQUEST_ID_PATTERN,
  TABLE_ACCOUNTS,
  TABLE_ACCOUNT_PERMISSION_SETS,
  TABLE_CONFIG_CHANGES,
  TABLE_EVENTS,
  TABLE_LOCKS,
  TABLE_PENDING_VERSIONS,
  TABLE_PERMISSION_SETS,
  TABLE_REQUESTS,
  TABLE_SETTINGS,
  TABLE_STEPS,
  toBool,
  toIso,
  toMs,
} from './tables';
import {
  AccountActivityCounts,
  ConfigChange,
  ConfigChangeName,
  EndReason,
  JitStore,
  LoadedRequest,
  NewRequest,
  RequestListFilter,
  RequestIdTakenError,
  RequestPatch,
  StoredAccount,
  StoredPermissionSet,
  StoredRequest,
  Transition,
  TransitionResult,
} from './JitStore';

const DAY_MS = 86_400_000;
/** The constraints (PostgreSQL) or columns (SQLite) a taken request id violates. */
const TAKEN_ID = /jit_requests_pkey|jit_requests\.id\b|jit_approval_steps_pk|jit_approval_steps\.request_id/;

const migrationsDir = resolvePackagePath(
  '@jit-access/plugin-jit-access-backend',
  'migrations',
);

/** Knex implementation of {@link JitStore}, on SQLite and PostgreSQL. */
export class DatabaseJitStore implements JitStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseJitStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseJitStore(client);
  }

  /** For tests: runs migrations on a plain knex client. */
  static async forTest(knex: Knex): Promise<DatabaseJitStore> {
    await knex.migrate.latest({ directory: migrationsDir });
    return new DatabaseJitStore(knex);
  }

  private constructor(private readonly db: Knex) {
    this.pg = db.client.dialect === 'postgresql';
  }

  /**
   * On PostgreSQL, a write that spans tables (a request with its steps and
   * event, a transition with its step changes and event) is one statement
   * with data-modifying CTEs: atomic like a transaction, in one round trip
   * instead of four or five (the API benchmark's pairs are bound by round
   * trips, docs/benchmarks.md). SQLite has no data-modifying CTEs; there a
   * transaction costs no round trips, being in-process.
   */
  private readonly pg: boolean;

  // ---------------------------------------------------------------- accounts

  async listAccounts(): Promise<StoredAccount[]> {
    const [rows, links] = await Promise.all([
      this.db<DbAccountRow>(TABLE_ACCOUNTS).select().orderBy('name'),
      this.db(TABLE_ACCOUNT_PERMISSION_SETS).select(),
    ]);
    const byAccount = new Map<string, string[]>();
    for (const l of links) {
      const list = byAccount.get(l.account_id) ?? [];
      list.push(l.permission_set_arn);
      byAccount.set(l.account_id, list);
    }
    return rows.map(r => mapAccount(r, byAccount.get(r.account_id) ?? []));
  }

  async getAccount(accountId: string): Promise<StoredAccount | undefined> {
    const row = await this.db<DbAccountRow>(TABLE_ACCOUNTS)
      .where({ account_id: accountId })
      .first();
    if (!row) return undefined;
    const links = await this.db(TABLE_ACCOUNT_PERMISSION_SETS)
      .where({ account_id: accountId })
      .select('permission_set_arn');
    return mapAccount(
      row,
      links.map(l => l.permission_set_arn),
    );
  }

  async upsertAccount(
    account: Omit<StoredAccount, 'enabledPermissionSetArns'> & {
      enabledPermissionSetArns?: string[];
    },
    options?: { onlyIfMissing?: boolean },
  ): Promise<void> {
    try {
      await this.upsertAccountIn(account, options);
    } catch (e) {
      // Replicas seed configured accounts when they start: when two insert
      // the same one at once, the database lets one win, and that is enough.
      if (options?.onlyIfMissing && isUniqueViolation(e)) return;
      throw e;
    }
  }

  private async upsertAccountIn(
    account: Omit<StoredAccount, 'enabledPermissionSetArns'> & {
      enabledPermissionSetArns?: string[];
    },
    options?: { onlyIfMissing?: boolean },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const existing = await tx(TABLE_ACCOUNTS)
        .where({ account_id: account.accountId })
        .first();
      if (existing && options?.onlyIfMissing) return;
      const row = {
        account_id: account.accountId,
        name: account.name,
        entity_ref: account.entityRef ?? null,
        onboarded: account.onboarded,
        custom_policy_allowed: account.customPolicyAllowed,
        break_glass_allowed: account.breakGlassAllowed,
        assigned_owners: JSON.stringify(account.assignedOwners),
        updated_at: Date.now(),
      };
      if (existing) {
        await tx(TABLE_ACCOUNTS)
          .where({ account_id: account.accountId })
          .update(row);
      } else {
        await tx(TABLE_ACCOUNTS).insert(row);
      }
      if (account.enabledPermissionSetArns) {
        await tx(TABLE_ACCOUNT_PERMISSION_SETS)
          .where({ account_id: account.accountId })
          .delete();
        if (account.enabledPermissionSetArns.length) {
          await tx(TABLE_ACCOUNT_PERMISSION_SETS).insert(
            [...new Set(account.enabledPermissionSetArns)].map(arn => ({
              account_id: account.accountId,
              permission_set_arn: arn,
            })),
          );
        }
      }
    });
  }

  async listPermissionSets(): Promise<StoredPermissionSet[]> {
    const rows = await this.db<DbPermissionSetRow>(TABLE_PERMISSION_SETS)
      .select()
      .orderBy('name');
    return rows.map(r => ({
      arn: r.arn,
      name: r.name,
      description: r.description ?? undefined,
      sessionDuration: r.session_duration,
      requiresTwoLevels: toBool(r.requires_two_levels),
      source: r.source as StoredPermissionSet['source'],
      syncedAt: toIso(r.synced_at),
    }));
  }

  async upsertPermissionSets(sets: StoredPermissionSet[]): Promise<void> {
    if (!sets.length) return;
    await this.db.transaction(async tx => {
      for (const s of sets) {
        const row = {
          arn: s.arn,
          name: s.name,
          description: s.description ?? null,
          session_duration: s.sessionDuration,
          source: s.source,
          synced_at: s.syncedAt ? Date.parse(s.syncedAt) : Date.now(),
        };
        // requires_two_levels is an admin decision: a sync never resets it.
        await tx(TABLE_PERMISSION_SETS)
          .insert({ ...row, requires_two_levels: s.requiresTwoLevels })
          .onConflict('arn')
          .merge(Object.keys(row));
      }
    });
  }

  async setPermissionSetRequiresTwoLevels(
    arn: string,
    value: boolean,
  ): Promise<boolean> {
    const n = await this.db(TABLE_PERMISSION_SETS)
      .where({ arn })
      .update({ requires_two_levels: value });
    return n > 0;
  }

  async getSettings(defaults: JitSettings): Promise<JitSettings> {
    const rows = await this.db(TABLE_SETTINGS).select();
    const stored: Record<string, unknown> = {};
    for (const r of rows) stored[r.key] = JSON.parse(r.value);
    return { ...defaults, ...(stored as Partial<JitSettings>) };
  }

  async putSettings(settings: JitSettings): Promise<void> {
    await this.db.transaction(async tx => {
      for (const [key, value] of Object.entries(settings)) {
        await tx(TABLE_SETTINGS)
          .insert({ key, value: JSON.stringify(value) })
          .onConflict('key')
          .merge(['value']);
      }
    });
  }

  async recordConfigChanges(changes: ConfigChange[], now: number): Promise<void> {
    if (!changes.length) return;
    await this.db(TABLE_CONFIG_CHANGES).insert(
      changes.map(c => ({
        at: now,
        actor: c.actor,
        account_id: c.accountId ?? null,
        permission_set_arn: c.permissionSetArn ?? null,
        change: c.change,
      })),
    );
  }

  async latestConfigChanges(args: {
    accountId: string;
    permissionSetArn?: string;
  }): Promise<Partial<Record<ConfigChangeName, { actor: string; at: number; seq: number }>>> {
    const rows: Array<{ id: DbBigInt; change: ConfigChangeName; actor: string; at: DbBigInt }> = await this.db(
      TABLE_CONFIG_CHANGES,
    )
      .select('id', 'change', 'actor', 'at')
      .where(q => {
        q.where({ account_id: args.accountId, permission_set_arn: null });
        if (args.permissionSetArn) {
          // The set on this account (disabled here), or the set as a whole (two levels).
          const arn = args.permissionSetArn;
          q.orWhere(w =>
            w.where({ permission_set_arn: arn }).andWhere(a => a.where({ account_id: args.accountId }).orWhereNull('account_id')),
          );
        }
      })
      .orderBy('id', 'desc')
      .limit(200);
    const latest: Partial<Record<ConfigChangeName, { actor: string; at: number; seq: number }>> = {};
    for (const r of rows) {
      latest[r.change] ??= { actor: r.actor, at: Number(r.at), seq: Number(r.id) };
    }
    return latest;
  }

  // ---------------------------------------------------------------- requests

  async createRequest(n: NewRequest): Promise<LoadedRequest> {
    try {
      return await this.insertRequest(n);
    } catch (e) {
      // A primary key refused the id: the request's, or that of the steps of
      // the request that has it (PostgreSQL runs the CTEs in no set order).
      // The statement or transaction wrote nothing.
      const e2 = e as { constraint?: string; message?: string };
      if (isUniqueViolation(e) && TAKEN_ID.test(`${e2.constraint ?? ''} ${e2.message ?? ''}`)) {
        throw new RequestIdTakenError(n.request.id);
      }
      throw e;
    }
  }

  private async insertRequest({ request: r, steps, actor, then }: NewRequest): Promise<LoadedRequest> {
    const now = Date.parse(r.createdAt);
    if (then && then.from !== r.status) {
      throw new Error(`Request ${r.id} is created ${r.status}, not ${then.from}`);
    }
    const row: Partial<DbRequestRow> = {
      id: r.id,
      requester: r.requester,
      account_id: r.accountId,
      account_name: r.accountName,
      account_entity_ref: r.accountEntityRef ?? null,
      kind: r.kind,
      permission_set_arn: r.permissionSetArn ?? null,
      permission_set_name: r.permissionSetName ?? null,
      custom_policy: r.customPolicy ?? null,
      extends_request_id: r.extendsRequestId ?? null,
      requested_minutes: r.requestedDurationMinutes,
      effective_minutes: r.effectiveDurationMinutes,
      duration_cause: r.durationCause,
      reason: r.reason,
      ticket: r.ticket ?? null,
      start_at: r.startAt ? Date.parse(r.startAt) : null,
      status: r.status,
      current_step: r.currentStep ?? null,
      required_steps: r.requiredSteps,
      status_reason: r.statusReason ?? null,
      break_glass: !!r.breakGlass,
      review_status: r.review?.status ?? null,
      attempts: 0,
      created_at: now,
      updated_at: now,
    };
    const stepRows = steps.map(s => ({
      request_id: r.id,
      step: s.step,
      approver_kind: s.approverKind,
      status: s.status,
    }));
    const created = {
      request_id: r.id,
      actor,
      at: now,
      type: 'created',
      from_status: null,
      to_status: r.status,
      comment: null,
    };
    const loaded = (stored: DbRequestRow, eventId: DbBigInt): LoadedRequest => ({
      request: mapRequest(stored),
      steps: stepRows.map(s => mapStep({ ...s, decided_by: null, decided_at: null, comment: null })),
      events: [mapEvent({ ...created, id: eventId })],
    });
    if (this.pg && !then) {
      let q = this.db
        .with('r', this.db(TABLE_REQUESTS).insert(row).returning('*'))
        .with('s', this.db(TABLE_STEPS).insert(stepRows))
        .with('e', this.db(TABLE_EVENTS).insert(created).returning('id'));
      if (r.status === 'pending') q = q.with('v', bumpPendingVersion(this.db, r.id, 'r'));
      const [stored] = await q
        .select('r.*', { event_id: 'e.id' })
        .from('r')
        .crossJoin('e' as any);
      return loaded(stored, stored.event_id);
    }
    return this.db.transaction(async tx => {
      const [stored] = await tx<DbRequestRow>(TABLE_REQUESTS).insert(row).returning('*');
      await tx<DbStepRow>(TABLE_STEPS).insert(stepRows);
      const [{ id: eventId }] = await tx<DbEventRow>(TABLE_EVENTS).insert(created).returning('id');
      const result = loaded(stored, eventId);
      if (!then) {
        if (r.status === 'pending') await bumpPendingVersion(tx, r.id);
        return result;
      }
      const t: Transition = { ...then, requestId: r.id, now };
      // (bumps the version if it takes the new request out of pending)
      const applied = await applyTransition(tx, t, false);
      if (!applied) {
        throw new Error(`Request ${r.id} was not ${then.from} right after its creation`);
      }
      return {
        request: applied.request,
        steps: stepsAfter(result.steps, t),
        events: [...result.events, applied.event],
      };
    });
  }

  async getRequest(id: string): Promise<StoredRequest | undefined> {
    const row = await this.db<DbRequestRow>(TABLE_REQUESTS)
      .where({ id })
      .first();
    return row ? mapRequest(row) : undefined;
  }

  async loadRequest(id: string): Promise<LoadedRequest | undefined> {
    if (!this.pg) {
      const [request, steps, events] = await Promise.all([
        this.getRequest(id),
        this.getSteps(id),
        this.getEvents(id),
      ]);
      return request ? { request, steps, events } : undefined;
    }
    // The steps and events as JSON arrays of their rows, beside the request's row.
    const row = await this.db<DbRequestRow>(`${TABLE_REQUESTS} as r`)
      .select(
        'r.*',
        this.db.raw(rowsAsJson(TABLE_STEPS, 'step', 'r.id', 'steps_json')),
        this.db.raw(rowsAsJson(TABLE_EVENTS, 'id', 'r.id', 'events_json')),
      )
      .where('r.id', id)
      .first();
    if (!row) return undefined;
    const { steps_json, events_json, ...request } = row as DbRequestRow & {
      steps_json: DbStepRow[];
      events_json: DbEventRow[];
    };
    return {
      request: mapRequest(request),
      steps: steps_json.map(mapStep),
      events: events_json.map(mapEvent),
    };
  }

  async getRequests(ids: string[]): Promise<StoredRequest[]> {
    if (!ids.length) return [];
    const rows = await this.db<DbRequestRow>(TABLE_REQUESTS).whereIn('id', ids);
    return rows.map(mapRequest);
  }

  async getSteps(id: string): Promise<ApprovalStep[]> {
    const rows = await this.db<DbStepRow>(TABLE_STEPS)
      .where({ request_id: id })
      .orderBy('step');
    return rows.map(mapStep);
  }

  async getStepsOf(ids: string[]): Promise<Map<string, ApprovalStep[]>> {
    const byRequest = new Map<string, ApprovalStep[]>(ids.map(id => [id, []]));
    if (!ids.length) return byRequest;
    const rows = await this.db<DbStepRow>(TABLE_STEPS)
      .whereIn('request_id', ids)
      .orderBy([{ column: 'request_id' }, { column: 'step' }]);
    for (const row of rows) byRequest.get(row.request_id)?.push(mapStep(row));
    return byRequest;
  }

  async getEvents(id: string): Promise<RequestEvent[]> {
    const rows = await this.db<DbEventRow>(TABLE_EVENTS)
      .where({ request_id: id })
      .orderBy('id');
    return rows.map(mapEvent);
  }

  async listRequests(
    filter: RequestListFilter,
  ): Promise<{ items: StoredRequest[]; nextCursor?: string; steps?: Map<string, ApprovalStep[]> }> {
    const q = this.db<DbRequestRow>(TABLE_REQUESTS).select(`${TABLE_REQUESTS}.*`);
    // PostgreSQL: the page's steps as a JSON array beside each row, computed
    // for the rows of the page only (after the sort and limit).
    const stepsInline = filter.withSteps && this.pg;
    if (stepsInline) {
      q.select(this.db.raw(rowsAsJson(TABLE_STEPS, 'step', `${TABLE_REQUESTS}.id`, 'steps_json')));
    }
    if (filter.requester) q.where('requester', filter.requester);
    if (filter.excludeRequester)
      q.whereNot('requester', filter.excludeRequester);
    if (filter.accountIds) q.whereIn('account_id', filter.accountIds);
    if (filter.statuses) q.whereIn('status', filter.statuses);
    if (filter.reviewStatus) q.where('review_status', filter.reviewStatus);
    if (filter.createdAfter !== undefined) q.where('created_at', '>=', filter.createdAfter);
    if (filter.createdBefore !== undefined) q.where('created_at', '<', filter.createdBefore);
    if (filter.cursor) {
      const c = decodeCursor(filter.cursor);
      // A row comparison, not `created_at < ? OR (created_at = ? AND id < ?)`:
      // the database reads the next page off (created_at, id) indexes
      // (migration 20261126110000_list_indexes) instead of filtering.
      q.whereRaw('(created_at, id) < (?, ?)', [c.createdAt, c.id]);
    }
    const rows = await q
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    const page = rows.slice(0, filter.limit);
    const items = page.map(mapRequest);
    const last = rows.length > filter.limit ? rows[filter.limit - 1] : undefined;
    let steps: Map<string, ApprovalStep[]> | undefined;
    if (stepsInline) {
      steps = new Map(
        page.map(r => [r.id, (r as unknown as { steps_json: DbStepRow[] }).steps_json.map(mapStep)]),
      );
    } else if (filter.withSteps) {
      steps = await this.getStepsOf(items.map(r => r.id));
    }
    return {
      items,
      steps,
      nextCursor: last
        ? encodeCursor({ createdAt: toMs(last.created_at)!, id: last.id })
        : undefined,
    };
  }

  async pendingVersion(): Promise<string> {
    const [{ version }] = await this.db(TABLE_PENDING_VERSIONS).sum({ version: 'version' });
    return String(version);
  }

  /**
   * Portable SQL for SQLite and PostgreSQL: times are epoch-ms integers, so
   * `activated_at / 86400000` is the UTC day in both (integer division), and
   * the median takes the middle one or two rows by `row_number()` over the
   * sorted durations, which both support.
   */
  async accountActivity(args: {
    accountId: string;
    from: number;
    topRequesters: number;
  }): Promise<AccountActivityCounts> {
    const { accountId, from } = args;
    const created = () =>
      this.db(TABLE_REQUESTS).where('account_id', accountId).andWhere('created_at', '>=', from);
    const [sessions, top, statuses, median] = await Promise.all([
      this.db(TABLE_REQUESTS)
        .select(this.db.raw(`activated_at / ${DAY_MS} as day`), 'permission_set_name')
        .count({ sessions: '*' })
        .where('account_id', accountId)
        .andWhere('activated_at', '>=', from)
        .groupByRaw(`activated_at / ${DAY_MS}, permission_set_name`),
      created()
        .select('requester')
        .count({ requests: '*' })
        .groupBy('requester')
        .orderBy([{ column: 'requests', order: 'desc' }, { column: 'requester' }])
        .limit(args.topRequesters),
      created().select('status').count({ requests: '*' }).groupBy('status'),
      this.db
        .select(this.db.raw('avg(ms) as median, max(n) as n'))
        .from(
          this.db(`${TABLE_REQUESTS} as r`)
            .join(`${TABLE_STEPS} as s`, b =>
              b.on('s.request_id', 'r.id').andOn('s.step', 'r.required_steps'),
            )
            .select(
              this.db.raw('s.decided_at - r.created_at as ms'),
              this.db.raw('row_number() over (order by s.decided_at - r.created_at) as rn'),
              this.db.raw('count(*) over () as n'),
            )
            .where('r.account_id', accountId)
            // Set in the same transition as the final step's decision: the
            // same time, and an index (account_id, decided_at) to find them by.
            .andWhere('r.decided_at', '>=', from)
            .andWhere('s.status', 'approved')
            .andWhereNot('s.approver_kind', 'break-glass')
            .andWhere('s.decided_at', '>=', from)
            .as('t'),
        )
        .whereRaw('rn in ((n + 1) / 2, (n + 2) / 2)'),
    ]);
    const m = median[0] as { median: DbBigInt | null; n: DbBigInt | null } | undefined;
    return {
      sessions: sessions.map((r: any) => ({
        day: Number(r.day),
        permissionSetName: r.permission_set_name ?? null,
        sessions: Number(r.sessions),
      })),
      topRequesters: top.map((r: any) => ({ requester: r.requester, requests: Number(r.requests) })),
      statuses: statuses.map((r: any) => ({ status: r.status as RequestStatus, requests: Number(r.requests) })),
      medianMsToApprove: m?.median === null || m?.median === undefined ? null : Number(m.median),
      approvedRequests: m?.n === null || m?.n === undefined ? 0 : Number(m.n),
    };
  }

  async transition(t: Transition): Promise<TransitionResult | undefined> {
    // A transition that rewrites the steps (rare: a config change) takes a
    // transaction on both databases; the others are one statement on PostgreSQL.
    if (this.pg && !t.setSteps) return applyTransition(this.db, t, true);
    return this.db.transaction(tx => applyTransition(tx, t, false));
  }

  async closeReview(args: {
    requestId: string;
    closedBy: string;
    comment: string;
    now: number;
  }): Promise<boolean> {
    return this.db.transaction(async tx => {
      const n = await tx(TABLE_REQUESTS)
        .where({ id: args.requestId, review_status: 'open' })
        .update({
          review_status: 'closed',
          review_closed_by: args.closedBy,
          review_closed_at: args.now,
          review_comment: args.comment,
          updated_at: args.now,
        });
      if (n < 1) return false;
      await tx<DbEventRow>(TABLE_EVENTS).insert({
        request_id: args.requestId,
        actor: args.closedBy,
        at: args.now,
        type: 'review-closed',
        from_status: null,
        to_status: null,
        comment: args.comment,
      });
      return true;
    });
  }

  async patchRequest(
    id: string,
    status: RequestStatus,
    patch: RequestPatch,
  ): Promise<boolean> {
    const update = (db: Knex) =>
      db(TABLE_REQUESTS)
        .where({ id, status })
        .update({ ...patchToRow(patch), updated_at: Date.now() });
    if (status !== 'pending') return (await update(this.db)) > 0;
    return this.db.transaction(async tx => {
      const n = await update(tx);
      if (n > 0) await bumpPendingVersion(tx, id);
      return n > 0;
    });
  }

  async appendEvent(
    requestId: string,
    event: { actor: string; type: string; comment?: string },
    now: number,
  ): Promise<void> {
    await this.db<DbEventRow>(TABLE_EVENTS).insert({
      request_id: requestId,
      actor: event.actor,
      at: now,
      type: event.type,
      from_status: null,
      to_status: null,
      comment: event.comment ?? null,
    });
  }

  async listExtensionsOf(sessionId: string, statuses: RequestStatus[]): Promise<StoredRequest[]> {
    const rows = await this.db<DbRequestRow>(TABLE_REQUESTS)
      .where({ extends_request_id: sessionId })
      .whereIn('status', statuses);
    return rows.map(mapRequest);
  }

  async listByStatus(
    statuses: RequestStatus[],
    options?: { endedAfter?: number; limit?: number; provisioned?: boolean },
  ): Promise<StoredRequest[]> {
    const q = this.db<DbRequestRow>(TABLE_REQUESTS).whereIn('status', statuses);
    if (options?.provisioned) q.whereNotNull('principal_id');
    if (options?.endedAfter !== undefined) q.where('ended_at', '>=', options.endedAfter);
    const rows = await q.orderBy('created_at').limit(options?.limit ?? 10_000);
    return rows.map(mapRequest);
  }

  async claimExpiryWarnings(before: number, now: number): Promise<StoredRequest[]> {
    const due = await this.db<DbRequestRow>(TABLE_REQUESTS)
      .where('status', 'active')
      .whereNull('warned_at')
      .where('expires_at', '<=', before)
      .limit(500);
    const claimed: StoredRequest[] = [];
    for (const row of due) {
      const n = await this.db(TABLE_REQUESTS)
        .where({ id: row.id, status: 'active' })
        .whereNull('warned_at')
        .update({ warned_at: now });
      if (n > 0) claimed.push(mapRequest(row));
    }
    return claimed;
  }

  // --------------------------------------------------------------- lifecycle

  async findDueRequests(
    now: number,
    limit: number,
    pendingCreatedBefore?: number,
  ): Promise<StoredRequest[]> {
    const rows = await this.db<DbRequestRow>(TABLE_REQUESTS)
      .where(b => {
        b.where(b2 =>
          b2
            .where('status', 'approved')
            .andWhere(b3 =>
              b3.whereNull('start_at').orWhere('start_at', '<=', now),
            ),
        )
          .orWhere(b2 =>
            b2
              .whereIn('status', ['provisioning', 'ending'])
              .andWhere(b3 =>
                b3
                  .whereNull('next_attempt_at')
                  .orWhere('next_attempt_at', '<=', now),
              ),
          )
          .orWhere(b2=>
            b2.where('status', 'active').andWhere('expires_at', '<=', now),
          );
        if (pendingCreatedBefore !== undefined) {
          b.orWhere(b2 =>
            b2
              .where('status', 'pending')
              .andWhere('created_at', '<', pendingCreatedBefore),
          );
        }
      })
      .andWhere(b => b.whereNull('lease_until').orWhere('lease_until', '<', now))
      .orderBy('updated_at')
      .limit(limit);
    return rows.map(mapRequest);
  }

  async acquireLease(
    id: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<StoredRequest | undefined> {
    const [row] = await this.db<DbRequestRow>(TABLE_REQUESTS)
      .where({ id })
      .andWhere(b => b.whereNull('lease_until').orWhere('lease_until', '<', now))
      .update({ lease_owner: owner, lease_until: now + leaseMs })
      .returning('*');
    return row ? mapRequest(row) : undefined;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.db(TABLE_REQUESTS)
      .where({ id, lease_owner: owner })
      .update({ lease_owner: null, lease_until: null });
  }

  async renewLease(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const n = await this.db(TABLE_REQUESTS)
      .where({ id, lease_owner: owner })
      .update({ lease_until: now + leaseMs });
    return n > 0;
  }

  async acquireLock(key: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    // One statement: insert the lock, or take it over when its lease has
    // expired. Of two workers at once the database lets one win; the loser
    // gets no row back.
    const rows = await this.db(TABLE_LOCKS)
      .insert({ key, owner, lease_until: now + leaseMs })
      .onConflict('key')
      .merge(['owner', 'lease_until'])
      .where(`${TABLE_LOCKS}.lease_until`, '<', now)
      .returning('owner');
    return rows.length > 0 && rows[0].owner === owner;
  }

  async renewLock(key: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const n = await this.db(TABLE_LOCKS)
      .where({ key, owner })
      .update({ lease_until: now + leaseMs });
    return n > 0;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    await this.db(TABLE_LOCKS).where({ key, owner }).delete();
  }

  async listGrantsOfAssignment(args: {
    excludeRequestId: string;
    principalId: string;
    accountId: string;
    permissionSetArn: string;
  }): Promise<StoredRequest[]> {
    const rows = await this.db<DbRequestRow>(TABLE_REQUESTS)
      .where({
        principal_id: args.principalId,
        account_id: args.accountId,
        permission_set_arn: args.permissionSetArn,
      })
      .whereIn('status', ['provisioning', 'active', 'ending'])
      .whereNot('id', args.excludeRequestId);
    return rows.map(mapRequest);
  }
}

/**
 * PostgreSQL: a subquery giving the rows of `table` that belong to the
 * request `requestId` (a column of the outer query) as one JSON array,
 * ordered by `orderBy`, named `as`.
 */
function rowsAsJson(table: string, orderBy: string, requestId: string, as: string): string {
  return `(SELECT coalesce(json_agg(x ORDER BY x.${orderBy}), '[]') FROM ${table} x WHERE x.request_id = ${requestId}) AS ${as}`;
}

/** A primary key or unique constraint refused an insert (PostgreSQL, SQLite). */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

/**
 * The guarded update of a transition, its steps and its event: inside the
 * transaction `db` (SQLite, or a creation's transaction), or as one
 * statement with data-modifying CTEs (`oneStatement`, PostgreSQL), where the
 * step updates and the event insert happen only if the guarded update
 * matched (they read its RETURNING rows).
 */
async function applyTransition(
  db: Knex | Knex.Transaction,
  t: Transition,
  oneStatement: boolean,
): Promise<TransitionResult | undefined> {
  // The lifecycle table of -common is the only source of legal moves.
  assertTransition(t.from, t.to);
  const where: Record<string, unknown> = {
    id: t.requestId,
    status: t.from,
  };
  if (t.fromStep !== undefined) where.current_step = t.fromStep;
  const update = db<DbRequestRow>(TABLE_REQUESTS)
    .where(where)
    .update({
      status: t.to,
      updated_at: t.now,
      ...patchToRow(t.patch ?? {}),
    })
    .returning('*');
  const decide = t.decideStep && {
    status: t.decideStep.status,
    decided_by: t.decideStep.decidedBy,
    decided_at: t.now,
    comment: t.decideStep.comment ?? null,
  };
  const event = {
    request_id: t.requestId,
    actor: t.event.actor,
    at: t.now,
    type: t.event.type,
    from_status: t.from,
    to_status: t.to,
    comment: t.event.comment ?? null,
  };
  const result = (row: DbRequestRow, eventId: DbBigInt): TransitionResult => ({
    request: mapRequest(row),
    event: mapEvent({ ...event, id: eventId }),
  });
  const touchesPending = t.from === 'pending' || t.to === 'pending';

  if (oneStatement) {
    const matched = db.select(db.raw('1')).from('u');
    let q = db.with('u', update);
    if (t.decideStep) {
      q = q.with(
        'd',
        db(TABLE_STEPS)
          .where({ request_id: t.requestId, step: t.decideStep.step })
          .whereExists(matched)
          .update(decide!),
      );
    }
    if (t.openStep !== undefined) {
      q = q.with(
        'o',
        db(TABLE_STEPS)
          .where({ request_id: t.requestId, step: t.openStep })
          .whereExists(matched)
          .update({ status: 'pending' }),
      );
    }
    q = q.with(
      'e',
      db.raw(
        `INSERT INTO ${TABLE_EVENTS} (request_id, actor, at, type, from_status, to_status, comment) ` +
          'SELECT id, ?, ?, ?, ?, ?, ? FROM u RETURNING id',
        [event.actor, event.at, event.type, event.from_status, event.to_status, event.comment],
      ),
    );
    if (touchesPending) q = q.with('v', bumpPendingVersion(db, t.requestId, 'u'));
    const [row] = await q.select('u.*', { event_id: 'e.id' }).from('u').crossJoin('e' as any);
    return row ? result(row, row.event_id) : undefined;
  }

  const [row] = await update;
  if (!row) return undefined;
  if (t.decideStep) {
    await db(TABLE_STEPS)
      .where({ request_id: t.requestId, step: t.decideStep.step })
      .update(decide!);
  }
  for (const step of t.setSteps ?? []) {
    // Only undecided steps are rewritten; decided ones keep their decision.
    const n = await db(TABLE_STEPS)
      .where({ request_id: t.requestId, step: step.step })
      .whereIn('status', ['waiting', 'pending'])
      .update({ approver_kind: step.approverKind, status: step.status, added_reason: step.addedReason ?? null });
    const exists = n > 0 || (await db(TABLE_STEPS).where({ request_id: t.requestId, step: step.step }).first());
    if (!exists) {
      await db(TABLE_STEPS).insert({
        request_id: t.requestId,
        step: step.step,
        approver_kind: step.approverKind,
        status: step.status,
        added_reason: step.addedReason ?? null,
      });
    }
  }
  if (t.openStep !== undefined) {
    await db(TABLE_STEPS)
      .where({ request_id: t.requestId, step: t.openStep })
      .update({ status: 'pending' });
  }
  const [{ id: eventId }] = await db<DbEventRow>(TABLE_EVENTS).insert(event).returning('id');
  if (touchesPending) await bumpPendingVersion(db, t.requestId);
  return result(row, eventId);
}

/**
 * Adds 1 to the pending version's counter of this request (see migration
 * 20261202100000_pending_versions). In a transaction: call it as the
 * transaction's last write. As a CTE of a PostgreSQL statement
 * (`onlyIfRowsIn`: the CTE whose rows say the write happened): it reads
 * that CTE, so it runs after it, when the request's row is already locked,
 * and adds nothing when the write's guard did not match. Either way the
 * counter is the last lock a write takes: two writes never wait for each
 * other in a cycle through it.
 */
function bumpPendingVersion(db: Knex | Knex.Transaction, requestId: string, onlyIfRowsIn?: string) {
  const slot = pendingVersionSlot(requestId);
  if (onlyIfRowsIn === undefined) {
    return db(TABLE_PENDING_VERSIONS).where({ slot }).increment('version', 1);
  }
  return db.raw(
    `UPDATE ${TABLE_PENDING_VERSIONS} SET version = version + 1 WHERE slot = ? AND EXISTS (SELECT 1 FROM ${onlyIfRowsIn})`,
    [slot],
  );
}

/** The steps of a request after transition `t` was applied to them (as applyTransition writes them). */
export function stepsAfter(
  before: ApprovalStep[],
  t: Pick<Transition, 'decideStep' | 'openStep' | 'now' | 'setSteps'>,
): ApprovalStep[] {
  let steps = before;
  for (const set of t.setSteps ?? []) {
    const existing = steps.find(s => s.step === set.step);
    if (!existing) steps = [...steps, set];
    else if (existing.status === 'waiting' || existing.status === 'pending') {
      steps = steps.map(s => (s.step === set.step ? set : s));
    }
  }
  steps = [...steps].sort((a, b) => a.step - b.step);
  return steps.map(s => {
    if (t.decideStep && s.step === t.decideStep.step) {
      return {
        ...s,
        status: t.decideStep.status,
        decidedBy: t.decideStep.decidedBy,
        decidedAt: new Date(t.now).toISOString(),
        comment: t.decideStep.comment,
      };
    }
    if (t.openStep !== undefined && s.step === t.openStep) return { ...s, status: 'pending' };
    return s;
  });
}

function mapEvent(e: DbEventRow): RequestEvent {
  return {
    id: Number(e.id),
    requestId: e.request_id,
    actor: e.actor,
    at: toIso(e.at)!,
    type: e.type,
    fromStatus: (e.from_status as RequestStatus) ?? undefined,
    toStatus: (e.to_status as RequestStatus) ?? undefined,
    comment: e.comment ?? undefined,
  };
}

function mapStep(s: DbStepRow): ApprovalStep {
  return {
    step: s.step,
    approverKind: s.approver_kind as ApproverKind,
    status: s.status as ApprovalStepStatus,
    decidedBy: s.decided_by ?? undefined,
    decidedAt: toIso(s.decided_at),
    comment: s.comment ?? undefined,
    ...(s.added_reason ? { addedReason: s.added_reason } : {}),
  };
}

function mapAccount(r: DbAccountRow, arns: string[]): StoredAccount {
  return {
    accountId: r.account_id,
    name: r.name,
    entityRef: r.entity_ref ?? undefined,
    onboarded: toBool(r.onboarded),
    customPolicyAllowed: toBool(r.custom_policy_allowed),
    breakGlassAllowed: toBool(r.break_glass_allowed),
    assignedOwners: JSON.parse(r.assigned_owners),
    enabledPermissionSetArns: arns,
  };
}

function mapRequest(r: DbRequestRow): StoredRequest {
  return {
    id: r.id,
    requester: r.requester,
    accountId: r.account_id,
    accountName: r.account_name,
    accountEntityRef: r.account_entity_ref ?? undefined,
    kind: r.kind as RequestKind,
    permissionSetArn: r.permission_set_arn ?? undefined,
    permissionSetName: r.permission_set_name ?? undefined,
    customPolicy: r.custom_policy ?? undefined,
    extendsRequestId: r.extends_request_id ?? undefined,
    ...(toBool(r.break_glass) ? { breakGlass: true, review: mapReview(r) } : {}),
    requestedDurationMinutes: r.requested_minutes,
    effectiveDurationMinutes: r.effective_minutes,
    durationCause: r.duration_cause as DurationCause,
    reason: r.reason,
    ticket: r.ticket ?? undefined,
    startAt: toIso(r.start_at),
    status: r.status as RequestStatus,
    currentStep: r.current_step ?? undefined,
    requiredSteps: r.required_steps,
    statusReason: r.status_reason ?? undefined,
    createdAt: toIso(r.created_at)!,
    updatedAt: toIso(r.updated_at)!,
    decidedAt: toIso(r.decided_at),
    activatedAt: toIso(r.activated_at),
    expiresAt: toIso(r.expires_at),
    endedAt: toIso(r.ended_at),
    endReason: (r.end_reason as EndReason) ?? undefined,
    principalId: r.principal_id ?? undefined,
    assignmentPreexisting:
      r.assignment_preexisting === null
        ? undefined
        : toBool(r.assignment_preexisting),
    tempPermissionSetArn: r.temp_permission_set_arn ?? undefined,
    attempts: r.attempts,
    nextAttemptAt: toMs(r.next_attempt_at),
    warnedAt: toMs(r.warned_at),
  };
}

function mapReview(r: DbRequestRow): BreakGlassReview {
  return {
    status: r.review_status === 'closed' ? 'closed' : 'open',
    closedBy: r.review_closed_by ?? undefined,
    closedAt: toIso(r.review_closed_at),
    comment: r.review_comment ?? undefined,
  };
}

function patchToRow(p: RequestPatch): Partial<DbRequestRow> {
  const row: Partial<DbRequestRow> = {};
  if ('currentStep' in p) row.current_step = p.currentStep ?? null;
  if ('statusReason' in p) row.status_reason = p.statusReason ?? null;
  if ('endReason' in p) row.end_reason = p.endReason ?? null;
  if ('principalId' in p) row.principal_id = p.principalId ?? null;
  if ('assignmentPreexisting' in p)
    row.assignment_preexisting = p.assignmentPreexisting ?? null;
  if ('tempPermissionSetArn' in p)
    row.temp_permission_set_arn = p.tempPermissionSetArn ?? null;
  if ('attempts' in p) row.attempts = p.attempts ?? 0;
  if (p.requiredSteps !== undefined) row.required_steps = p.requiredSteps;
  if ('nextAttemptAt' in p) row.next_attempt_at = p.nextAttemptAt ?? null;
  if (p.decidedAt !== undefined) row.decided_at = p.decidedAt;
  if (p.activatedAt !== undefined) row.activated_at = p.activatedAt;
  if (p.expiresAt !== undefined) row.expires_at = p.expiresAt;
  if (p.endedAt !== undefined) row.ended_at = p.endedAt;
  return row;
}

function encodeCursor(c: { createdAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    if (
      !Number.isSafeInteger(createdAt) ||
      createdAt < 0 ||
      typeof id !== 'string' ||
      !REQUEST_ID_PATTERN.test(id)
    ) {
      throw new Error('bad shape');
    }
    return { createdAt, id };
  } catch {
    throw new InputError('cursor: is not a cursor returned by this API');
  }
}
