import {
  DescribeUserCommand,
  GetUserIdCommand,
  ListGroupMembershipsForMemberCommand,
  ListUsersCommand,
} from '@aws-sdk/client-identitystore';
import {
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from './emulator';
import { ALICE, errorOf, sdkClients, STORE } from './__testUtils__/sdk';

describe('Identity Store operations, driven by the real AWS SDK', () => {
  let emulator: IdentityCenterEmulator;
  let c: ReturnType<typeof sdkClients>;

  beforeEach(async () => {
    emulator = await startIdentityCenterEmulator({ maxPageSize: 4 });
    c = sdkClients(emulator.url);
  });
  afterEach(async () => {
    c.destroy();
    await emulator.close();
  });

  const getUserId = (AttributePath: string, AttributeValue: string) =>
    c.ids.send(
      new GetUserIdCommand({
        IdentityStoreId: STORE,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath, AttributeValue },
        },
      }),
    );

  it('GetUserId finds a user by userName and by emails.value, ignoring case', async () => {
    expect(await getUserId('userName', 'alice@example.com')).toMatchObject({
      UserId: ALICE,
      IdentityStoreId: STORE,
    });
    expect((await getUserId('emails.value', 'Alice@Example.com')).UserId).toBe(
      ALICE,
    );
  });

  it('GetUserId answers ResourceNotFoundException (ResourceType USER) for an unknown user', async () => {
    const err = await errorOf(getUserId('userName', 'mallory@example.com'));
    expect(err).toMatchObject({
      name: 'ResourceNotFoundException',
      ResourceType: 'USER',
    });
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('GetUserId refuses an attribute it cannot search and an unknown identity store', async () => {
    expect(await errorOf(getUserId('name.givenName', 'Alice'))).toMatchObject({
      name: 'ValidationException',
    });
    const err = await errorOf(
      c.ids.send(
        new GetUserIdCommand({
          IdentityStoreId: 'd-0000000000',
          AlternateIdentifier: {
            UniqueAttribute: {
              AttributePath: 'userName',
              AttributeValue: 'alice@example.com',
            },
          },
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('DescribeUser returns the user with emails', async () => {
    const out = await c.ids.send(
      new DescribeUserCommand({ IdentityStoreId: STORE, UserId: ALICE }),
    );
    expect(out).toMatchObject({
      UserId: ALICE,
      UserName: 'alice@example.com',
      DisplayName: 'Alice',
      Emails: [{ Value: 'alice@example.com', Primary: true, Type: 'work' }],
    });
  });

  it('ListUsers pages, and filters on UserName', async () => {
    const first = await c.ids.send(
      new ListUsersCommand({ IdentityStoreId: STORE }),
    );
    expect(first.Users).toHaveLength(4);
    const second = await c.ids.send(
      new ListUsersCommand({
        IdentityStoreId: STORE,
        NextToken: first.NextToken,
      }),
    );
    expect(second.Users!.map(u => u.UserName)).toEqual([
      'carol@example.com',
      'dave@example.com',
    ]);
    expect(second.NextToken).toBeUndefined();
    const filtered = await c.ids.send(
      new ListUsersCommand({
        IdentityStoreId: STORE,
        Filters: [
          { AttributePath: 'UserName', AttributeValue: 'bob@example.com' },
        ],
      }),
    );
    expect(filtered.Users!.map(u => u.UserName)).toEqual(['bob@example.com']);
  });

  it('ListGroupMembershipsForMember: groups are not emulated, so none', async () => {
    const out = await c.ids.send(
      new ListGroupMembershipsForMemberCommand({
        IdentityStoreId: STORE,
        MemberId: { UserId: ALICE },
      }),
    );
    expect(out.GroupMemberships).toEqual([]);
  });

  it('Identity Store calls are counted but not held to the SSO Admin rate', async () => {
    await getUserId('userName', 'alice@example.com');
    const state = emulator.getState();
    expect(state.calls.GetUserId).toBe(1);
    expect(state.stats.peakCallsPerSecond).toBe(0);
  });
});
