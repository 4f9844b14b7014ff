import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
} from '@aws-sdk/client-sso-admin';
import { IdentityCenterError, unlessGone } from './IdentityCenterError';
import {
  AssignmentPrincipal,
  AssignmentTarget,
  OperationOptions,
} from './IdentityCenterGateway';
import { IdentityCenterCalls, StatusCall } from './IdentityCenterCalls';

const CREATION_STATUS: StatusCall<
  'AccountAssignmentCreationRequestId',
  'AccountAssignmentCreationStatus'
> = {
  operation: 'DescribeAccountAssignmentCreationStatus',
  Command: DescribeAccountAssignmentCreationStatusCommand,
  requestId: 'AccountAssignmentCreationRequestId',
  status: 'AccountAssignmentCreationStatus',
};

const DELETION_STATUS: StatusCall<
  'AccountAssignmentDeletionRequestId',
  'AccountAssignmentDeletionStatus'
> = {
  operation: 'DescribeAccountAssignmentDeletionStatus',
  Command: DescribeAccountAssignmentDeletionStatusCommand,
  requestId: 'AccountAssignmentDeletionRequestId',
  status: 'AccountAssignmentDeletionStatus',
};

/** The members that name one user's assignment, as both commands take them. */
function assignmentOf(InstanceArn: string, target: AssignmentTarget) {
  return {
    InstanceArn,
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
    // A permission set that no longer exists is assigned to no one:
    // Identity Center refuses to delete a set while it has assignments.
    const assignments = await unlessGone(() =>
      this.#calls.paginate(
        'ListAccountAssignments',
        request =>
          this.#calls.sso.send(
            new ListAccountAssignmentsCommand({
              ...request,
              AccountId: accountId,
              PermissionSetArn: permissionSetArn,
            }),
          ),
        page => page.AccountAssignments,
      ),
    );
    return (assignments ?? []).map(a => ({
      principalId: a.PrincipalId!,
      principalType: a.PrincipalType!,
    }));
  }

  async create(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void> {
    const limit = this.#calls.deadline(options);
    // The slot is held from before the call until the operation is terminal:
    // that is what Identity Center's "10 in progress" quota counts.
    await this.#calls.withCreateSlot(
      'CreateAccountAssignment',
      limit,
      async () => {
        const started = await this.#calls.start(
          'CreateAccountAssignment',
          InstanceArn =>
            this.#calls.sso.send(
              new CreateAccountAssignmentCommand(
                assignmentOf(InstanceArn, target),
              ),
            ),
          limit,
        );
        await this.#calls.waitFor(
          'CreateAccountAssignment',
          started,
          CREATION_STATUS,
          limit,
        );
      },
    );
  }

  async delete(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void> {
    const limit = this.#calls.deadline(options);
    const started = await unlessGone(() =>
      this.#calls.start(
        'DeleteAccountAssignment',
        InstanceArn =>
          this.#calls.sso.send(
            new DeleteAccountAssignmentCommand(
              assignmentOf(InstanceArn, target),
            ),
          ),
        limit,
      ),
    );
    // The permission set (or the user) is gone, so is the assignment.
    if (!started) return;
    try {
      await this.#calls.waitFor(
        'DeleteAccountAssignment',
        started,
        DELETION_STATUS,
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
