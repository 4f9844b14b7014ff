/** A permission set as Identity Center describes it. @public */
export interface PermissionSetInfo {
  arn: string;
  name: string;
  description?: string;
  sessionDuration?: string;
  tags?: Array<{ key: string; value: string }>;
}

/** An account assignment target. @public */
export interface AssignmentTarget {
  accountId: string;
  permissionSetArn: string;
  principalId: string;
}

/**
 * What JIT Access does in Identity Center. Every method is safe to repeat:
 * the lifecycle engine calls them again after crashes and transient failures.
 * @public
 */
export interface IdentityCenterGateway {
  /** The Identity Store user id for a Backstage user's email (cached). */
  resolvePrincipalId(userName: string): Promise<string>;
  listPermissionSets(): Promise<PermissionSetInfo[]>;
  listPermissionSetsByTag(key: string, value: string): Promise<Array<{ arn: string; name: string }>>;
  listAssignments(accountId: string, permissionSetArn: string): Promise<Array<{ principalId: string; principalType: string }>>;
  /** Creates the assignment and resolves only once Identity Center reports SUCCEEDED. */
  createAssignment(a: AssignmentTarget): Promise<void>;
  /** Deletes the assignment and resolves once the deletion SUCCEEDED. */
  deleteAssignment(a: AssignmentTarget): Promise<void>;
  createPermissionSet(p: { name: string; description?: string; sessionDuration: string; tags: Record<string, string> }): Promise<string>;
  putInlinePolicy(permissionSetArn: string, policy: string): Promise<void>;
  /** Deletes a permission set; a missing one counts as deleted. */
  deletePermissionSet(permissionSetArn: string): Promise<void>;
}
