import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
} from '@aws-sdk/client-sso-admin';
import { IdentityCenterError, isNotFound } from './IdentityCenterError';
import {
  AssignmentPrincipal,
  AssignmentTarget,
  OperationOptions,
} from './IdentityCenterGateway';
import { IdentityCenterCalls } from './IdentityCenterCalls';

/** The members that name one user's assignment, as both commands take them. */
function assignmentOf(instanceArn: string, target: AssignmentTarget) {
  return {
    InstanceArn: instanceArn,
    TargetId: target.accountId,
    TargetType: 'AWS_ACCOUNT',
    PermissionSetArn: target.permissionSetArn,
    PrincipalType: 'USER',
    PrincipalId: target.principalId,
  } as const;
}

/**
 * Users' account assignments: who has a permission set in an account, and
 * creating and deleting one, each waited for until Identity Center reports
 * it terminal.
 */
export class AccountAssignments {
  readonly #calls: IdentityCenterCalls;

  constructor(calls: IdentityCenterCalls) {
    this.#calls = calls;
  }

  async list(
    accountId: string,
    permissionSetArn: string,
  ): Promise<AssignmentPrincipal[]> {
    const { instanceArn } = await this.#calls.instance();
    let assignments;
    try {
      assignments = await this.#calls.paginate(
        'ListAccountAssignments',
        NextToken =>
          this.#calls.sso.send(
            new ListAccountAssignmentsCommand({
              InstanceArn: instanceArn,
              AccountId: accountId,
              PermissionSetArn: permissionSetArn,
              NextToken,
            }),
          ),
        page => page.AccountAssignments,
      );
    } catch (e) {
      // A permission set that no longer exists is assigned to no one:
      // Identity Center refuses to delete a set while it has assignments.
      if (isNotFound(e)) return [];
      throw e;
    }
    return assignments.map(a => ({
      principalId: a.PrincipalId!,
      principalType: a.PrincipalType!,
    }));
  }

  async create(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void> {
    const { instanceArn } = await this.#calls.instance();
    const limit = this.#calls.deadline(options);
    // The slot is held from before the call until the operation is terminal:
    // that is what Identity Center's "10 in progress" quota counts.
    await this.#calls.withCreateSlot(
      'CreateAccountAssignment',
      limit,
      async () => {
        const started = await this.#calls.start(
          'CreateAccountAssignment',
          () =>
            this.#calls.sso.send(
              new CreateAccountAssignmentCommand(
                assignmentOf(instanceArn, target),
              ),
            ),
          limit,
        );
        await this.#calls.waitFor(
          'CreateAccountAssignment',
          started.AccountAssignmentCreationStatus,
          'DescribeAccountAssignmentCreationStatus',
          async requestId =>
            (
              await this.#calls.sso.send(
                new DescribeAccountAssignmentCreationStatusCommand({
                  InstanceArn: instanceArn,
                  AccountAssignmentCreationRequestId: requestId,
                }),
              )
            ).AccountAssignmentCreationStatus,
          limit,
        );
      },
    );
  }

  async delete(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void> {
    const { instanceArn } = await this.#calls.instance();
    const limit = this.#calls.deadline(options);
    let started;
    try {
      started = await this.#calls.start(
        'DeleteAccountAssignment',
        () =>
          this.#calls.sso.send(
            new DeleteAccountAssignmentCommand(
              assignmentOf(instanceArn, target),
            ),
          ),
        limit,
      );
    } catch (e) {
      // The permission set (or the user) is gone, so is the assignment.
      if (isNotFound(e)) return;
      throw e;
    }
    try {
      await this.#calls.waitFor(
        'DeleteAccountAssignment',
        started.AccountAssignmentDeletionStatus,
        'DescribeAccountAssignmentDeletionStatus',
        async requestId =>
          (
            await this.#calls.sso.send(
              new DescribeAccountAssignmentDeletionStatusCommand({
                InstanceArn: instanceArn,
                AccountAssignmentDeletionRequestId: requestId,
              }),
            )
          ).AccountAssignmentDeletionStatus,
        limit,
      );
    } catch (e) {
      // A deletion can fail because the assignment was already gone (removed
      // in the console, or by an earlier attempt): the end state holds.
      if (e instanceof IdentityCenterError && e.code === 'OperationFailed') {
        const still = await this.list(
          target.accountId,
          target.permissionSetArn,
        );
        if (!still.some(a => a.principalId === target.principalId)) return;
      }
      throw e;
    }
  }
}
