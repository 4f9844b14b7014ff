import { TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { fakeApi, pendingRequest } from '../../__testUtils__/fixtures';
import { RequestDetailCard, RequestDetailView } from './RequestDetailView';
import { renderInJitAccessApp } from '../../__testUtils__/render';

const POLICY = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';

/** A custom request whose step 1 bob approved; step 2 waits for the admins. */
function customAtStep2() {
  return pendingRequest({
    kind: 'custom',
    permissionSetArn: undefined,
    permissionSetName: undefined,
    customPolicy: POLICY,
    requiredSteps: 2,
    currentStep: 2,
    effectiveDurationMinutes: 120,
    requestedDurationMinutes: 240,
    durationCause: 'custom-cap',
    steps: [
      {
        step: 1,
        approverKind: 'owner',
        status: 'approved',
        decidedBy: 'user:default/bob',
        decidedByName: 'Bob Brown',
        decidedAt: '2026-11-24T10:05:00.000Z',
        comment: 'fine by team-alpha',
      },
      { step: 2, approverKind: 'admin', status: 'pending' },
    ],
    approvers: [
      { entityRef: 'user:default/carol', name: 'Carol Chen', via: 'Admin' },
      { entityRef: 'user:default/dave', name: 'Dave Diaz', via: 'SSO Admin' },
    ],
    events: [
      { id: 1, requestId: 'JIT-7K3F9Q', actor: 'user:default/alice', at: '2026-11-24T10:00:00.000Z', toStatus: 'pending', type: 'created' },
      { id: 2, requestId: 'JIT-7K3F9Q', actor: 'user:default/bob', at: '2026-11-24T10:05:00.000Z', fromStatus: 'pending', toStatus: 'pending', type: 'approve-step', comment: 'fine by team-alpha' },
    ],
  });
}

async function renderCard(request: ReturnType<typeof pendingRequest>) {
  await renderInJitAccessApp(
    <TestApiProvider apis={[[jitAccessApiRef, fakeApi({})]]}>
      <RequestDetailCard request={request} onChanged={() => {}} />
    </TestApiProvider>,
  );
}

describe('RequestDetailCard', () => {
  it('shows who approved step 1 and who can approve step 2, by name', async () => {
    await renderCard(customAtStep2());
    expect(screen.getByText('Step 1 of 2: an owner of sandbox')).toBeInTheDocument();
    expect(screen.getByText('Step 2 of 2: an Admin or SSO Admin')).toBeInTheDocument();
    expect(screen.getByText(/Approved by Bob Brown/)).toHaveTextContent('“fine by team-alpha”');
    expect(screen.getByTestId('current-approvers')).toHaveTextContent('Can approve: Carol Chen, Dave Diaz');
  });

  it('says why a step was added after the request was made', async () => {
    const r = customAtStep2();
    r.kind = 'standard';
    r.permissionSetName = 'AdministratorAccess';
    r.steps[1] = {
      ...r.steps[1],
      addedReason:
        'AdministratorAccess was marked as needing two approvals by Carol Chen at 2026-12-04 18:03 UTC: this request now needs an Admin or SSO Admin as well.',
    };
    await renderInJitAccessApp(<RequestDetailCard request={r} onChanged={() => {}} />);
    expect(screen.getByTestId('step-added-reason')).toHaveTextContent(
      'Added after the request was made: AdministratorAccess was marked as needing two approvals by Carol Chen at 2026-12-04 18:03 UTC: this request now needs an Admin or SSO Admin as well.',
    );
    expect(screen.getAllByTestId('step-added-reason')).toHaveLength(1);
  });

  it('says when nobody can approve the current step and what to do', async () => {
    await renderCard(pendingRequest({ approvers: [] }));
    expect(screen.getByTestId('current-approvers')).toHaveTextContent(
      'Nobody can approve this step. Ask a JIT Access admin to assign owners to the account.',
    );
  });

  it('explains the effective duration with its cause', async () => {
    await renderCard(customAtStep2());
    expect(
      screen.getByText("2 h (capped by the maximum for custom policies; requested 4 h)"),
    ).toBeInTheDocument();
    expect(screen.getByText(POLICY)).toBeInTheDocument();
  });

  it('shows the time left on an active session', async () => {
    const expiresAt = new Date(Date.now() + 42 * 60_000 + 20_000).toISOString();
    await renderCard(
      pendingRequest({
        status: 'active',
        activatedAt: new Date().toISOString(),
        expiresAt,
        steps: [{ step: 1, approverKind: 'owner-or-admin', status: 'approved', decidedBy: 'user:default/bob', decidedByName: 'Bob Brown' }],
      }),
    );
    expect(screen.getByTestId('time-left')).toHaveTextContent('42 min left');
  });

  it('shows the rejection with who rejected and the comment', async () => {
    await renderCard(
      pendingRequest({
        status: 'rejected',
        steps: [
          {
            step: 1,
            approverKind: 'owner-or-admin',
            status: 'rejected',
            decidedBy: 'user:default/bob',
            decidedByName: 'Bob Brown',
            comment: 'use ReadOnlyAccess on staging',
          },
        ],
      }),
    );
    expect(screen.getByText('Rejected by Bob Brown: “use ReadOnlyAccess on staging”')).toBeInTheDocument();
  });

  it("keeps Identity Center's message when a grant failed", async () => {
    await renderCard(
      pendingRequest({
        status: 'failed',
        statusReason: 'CreateAccountAssignment: AccessDeniedException: not authorized',
      }),
    );
    expect(
      screen.getByText('Identity Center could not grant access: CreateAccountAssignment: AccessDeniedException: not authorized'),
    ).toBeInTheDocument();
  });

  it('lists the timeline with actors, status changes and comments', async () => {
    await renderCard(customAtStep2());
    const items = [
      screen.getByText('Requested').closest('li'),
      screen.getByText('Step 1 approved').closest('li'),
    ].map(li => li?.textContent);
    expect(items[0]).toMatch(/^Requested.*· alice · now pending$/);
    expect(items[1]).toMatch(/^Step 1 approved.*· bob · “fine by team-alpha”$/);
  });

  it('names the actors of the timeline, JIT Access for its own steps', async () => {
    const r = customAtStep2();
    r.events = [
      { ...r.events[0], actorName: 'Alice Anders' },
      { ...r.events[1], actorName: 'Bob Brown' },
      { id: 3, requestId: r.id, actor: 'system:jit-access', actorName: 'JIT Access', at: '2026-11-24T10:06:00.000Z', fromStatus: 'approved', toStatus: 'provisioning', type: 'start-provisioning' },
    ];
    await renderCard(r);
    const line = (label: string) => screen.getByText(label).closest('li')?.textContent;
    expect(line('Requested')).toMatch(/^Requested.*· Alice Anders · now pending$/);
    expect(line('Step 1 approved')).toMatch(/^Step 1 approved.*· Bob Brown · “fine by team-alpha”$/);
    expect(line('Granting in Identity Center')).toMatch(/^Granting in Identity Center.*· JIT Access · now provisioning$/);
    expect(screen.queryByText(/user:default|system:jit-access/)).not.toBeInTheDocument();
  });
});

describe('RequestDetailView', () => {
  it('shows the error when the request cannot be loaded', async () => {
    const getRequest = jest.fn(async () => {
      throw new Error('Request JIT-NOPE not found');
    });
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ getRequest })]]}>
        <RequestDetailView id="JIT-NOPE" />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Error: Request JIT-NOPE not found', { selector: 'h6' })).toBeInTheDocument();
  });

  it('a 404 says the request may exist but not be visible, and who can see requests', async () => {
    const getRequest = jest.fn(async () => {
      throw Object.assign(new Error("Request 'JIT-HIDDEN' was not found, or it is not visible to you"), {
        name: 'ResponseError',
        statusCode: 404,
      });
    });
    await renderInJitAccessApp(
      <TestApiProvider apis={[[jitAccessApiRef, fakeApi({ getRequest })]]}>
        <RequestDetailView id="JIT-HIDDEN" />
      </TestApiProvider>,
    );
    const panel = await screen.findByTestId('request-not-visible');
    expect(panel).toHaveTextContent('This request was not found, or it is not visible to you.');
    expect(panel).toHaveTextContent(
      'A request is visible to its requester, the owners of its AWS account, approvers, and JIT Access admins.',
    );
  });
});
