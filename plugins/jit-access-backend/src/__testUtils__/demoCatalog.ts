/** The demo catalog (users, groups, AWS account entities), for tests. */
import type { BackstageCredentials, UserInfoService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

export const MEMBERSHIPS: Record<string, string[]> = {
  alice: [],
  bob: ['team-alpha'],
  frank: ['team-beta'],
  erin: ['approvers'],
  carol: ['platform-admins'],
  dave: ['sso-admins'],
};

function user(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: { displayName: name[0].toUpperCase() + name.slice(1), email: `${name}@example.com` }, memberOf: MEMBERSHIPS[name] },
    relations: MEMBERSHIPS[name].map(g => ({ type: 'memberOf', targetRef: `group:default/${g}` })),
  };
}

function account(name: string, id: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations: { 'amazonaws.com/account-id': id } },
    spec: { type: 'aws-account', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

function group(name: string): Entity {
  const members = Object.keys(MEMBERSHIPS).filter(u => MEMBERSHIPS[u].includes(name));
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: members.map(u => ({ type: 'hasMember', targetRef: `user:default/${u}` })),
  };
}

/**
 * Users without an Identity Center user: guest has no email in the catalog,
 * mallory's email is not in the emulator's identity store.
 */
export const USERS_WITHOUT_IDENTITY_CENTER_USER: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest', namespace: 'default' },
    spec: { profile: { displayName: 'Guest' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'mallory', namespace: 'default' },
    spec: { profile: { displayName: 'Mallory', email: 'mallory@example.com' }, memberOf: [] },
  },
];

export const GROUPS = ['team-alpha', 'team-beta', 'approvers', 'platform-admins', 'sso-admins', 'legacy'];

export const ENTITIES: Entity[] = [
  ...Object.keys(MEMBERSHIPS).map(user),
  ...USERS_WITHOUT_IDENTITY_CENTER_USER,
  ...GROUPS.map(group),
  account('sandbox', '111111111111', 'team-alpha'),
  account('production', '222222222222', 'team-beta'),
  account('orphan', '333333333333', 'legacy'),
];

/** Backstage's user info for the demo users: themselves and their groups. */
export const demoUserInfo: UserInfoService = {
  async getUserInfo(credentials: BackstageCredentials) {
    const principal = credentials.principal as { type: string; userEntityRef?: string };
    if (principal.type !== 'user' || !principal.userEntityRef) throw new Error('not a user');
    const name = principal.userEntityRef.split('/')[1];
    return {
      userEntityRef: principal.userEntityRef,
      ownershipEntityRefs: [principal.userEntityRef, ...(MEMBERSHIPS[name] ?? []).map(g => `group:default/${g}`)],
    };
  },
};
