/**
 * A permission set as Identity Center describes it.
 * @public
 */
export interface PermissionSetInfo {
  arn: string;
  name: string;
  description?: string;
  /** ISO-8601 duration, PT1H to PT12H. */
  sessionDuration: string;
  tags: Array<{ key: string; value: string }>;
}

/**
 * Who has an account assignment.
 * @public
 */
export interface AssignmentPrincipal {
  principalId: string;
  principalType: string;
}

/**
 * An account assignment: a user, an account and a permission set.
 * @public
 */
export interface AssignmentTarget {
  accountId: string;
  permissionSetArn: string;
  /** Identity Store user id (see `resolvePrincipalId`). */
  principalId: string;
}

/**
 * A permission set to create.
 * @public
 */
export interface NewPermissionSet {
  /** 1–32 characters of `[\w+=,.@-]`, unique in the instance. */
  name: string;
  description?: string;
  /** ISO-8601, PT1H to PT12H. */
  sessionDuration: string;
  tags: Record<string, string>;
}

/**
 * Per-call options of the asynchronous operations.
 * @public
 */
export interface OperationOptions {
  /**
   * Give up (with a transient `OperationTimeout` error) after this long,
   * retries and status polling included. Defaults to the gateway's
   * `operationTimeoutMs`.
   */
  timeoutMs?: number;
}

/**
 * What JIT Access does in AWS IAM Identity Center.
 *
 * Every method is safe to repeat, because the lifecycle engine calls them
 * again after crashes and transient failures. Failures are
 * `IdentityCenterError`s that say whether they are `transient`. Transient
 * failures (throttling, conflicts, 5xx, network errors, timeouts) have
 * already been retried with backoff, within limits. Permanent ones keep the
 * AWS message.
 * @public
 */
export interface IdentityCenterGateway {
  /**
   * The Identity Store user id of a Backstage user, found with `GetUserId`
   * on the configured attribute (`userName` by default, or `emails.value`)
   * and cached for a while. A missing user is an
   * `IdentityCenterUserNotFoundError`, which is a Backstage `NotFoundError`
   * and a permanent `IdentityCenterError`.
   */
  resolvePrincipalId(userName: string): Promise<string>;

  /** Every permission set of the instance, with session duration and tags. */
  listPermissionSets(): Promise<PermissionSetInfo[]>;

  /**
   * The permission sets tagged `key` = `value`, e.g. the temporary ones this
   * plugin made.
   */
  listPermissionSetsByTag(
    key: string,
    value: string,
  ): Promise<PermissionSetInfo[]>;

  /**
   * Who is assigned the permission set in the account. A permission set that
   * no longer exists is assigned to no one (Identity Center deletes a set
   * only once it has no assignments).
   */
  listAssignments(
    accountId: string,
    permissionSetArn: string,
  ): Promise<AssignmentPrincipal[]>;

  /**
   * Creates a user's account assignment and resolves only once Identity
   * Center reports it `SUCCEEDED`. If the operation ends `FAILED`, this
   * throws a permanent error carrying the FailureReason. Creating an
   * assignment that already exists succeeds and does not duplicate it.
   */
  createAssignment(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void>;

  /**
   * Deletes a user's account assignment and resolves once the deletion has
   * `SUCCEEDED`. An assignment that is already gone, or whose permission
   * set is, counts as deleted.
   */
  deleteAssignment(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void>;

  /**
   * Creates a permission set and returns its ARN. If a set with that name
   * already exists and carries all of `tags`, because an earlier attempt
   * whose answer was lost created it, its ARN is returned. If the set
   * belongs to someone else, this throws a permanent `PermissionSetNameTaken`
   * error.
   */
  createPermissionSet(permissionSet: NewPermissionSet): Promise<string>;

  /**
   * Sets the inline policy of a permission set. If the set is already
   * provisioned to accounts, this re-provisions it there and waits, so that
   * the new policy is what those accounts enforce.
   */
  putInlinePolicy(permissionSetArn: string, policy: string): Promise<void>;

  /**
   * Provisions the latest version of a permission set to an account, or to
   * every account where it is provisioned if `accountId` is omitted. It
   * resolves once the provisioning has `SUCCEEDED`.
   */
  provisionPermissionSet(
    permissionSetArn: string,
    accountId?: string,
    options?: OperationOptions,
  ): Promise<void>;

  /**
   * Deletes a permission set. A set that is already gone counts as deleted.
   * While assignments are still draining (`ConflictException`), this keeps
   * retrying until the operation timeout.
   */
  deletePermissionSet(
    permissionSetArn: string,
    options?: OperationOptions,
  ): Promise<void>;
}
