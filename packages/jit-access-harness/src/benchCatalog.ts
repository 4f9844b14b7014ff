/*
 * The API benchmark's organisation (bench/api.ts): 300 AWS accounts, 5,000
 * users, one owner group (`team-main`, 5 members) owning 50 accounts, 25
 * other teams owning 10 accounts each, and one Admin. Deterministic, so the
 * benchmark and its server process (apiBenchServer.ts) agree on it.
 */
import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { demoSeed, type EmulatorSeed } from '@jit-access/identity-center-emulator';

export const BENCH_ACCOUNTS = 300;
export const BENCH_USERS = 5000;
/** Accounts 0..49 belong to team-main. */
export const MAIN_TEAM_ACCOUNTS = 50;
const ACCOUNTS_PER_TEAM = 10;
const MEMBERS_PER_TEAM = 5;
const OTHER_TEAMS = (BENCH_ACCOUNTS - MAIN_TEAM_ACCOUNTS) / ACCOUNTS_PER_TEAM;

export const BENCH_ADMIN = 'user:default/admin';
/** First member of team-main: an owner of 50 accounts. */
export const MAIN_OWNER = 'user:default/user-0001';

export const accountIdOf = (i: number) => String(100_000_000_000 + i);
export const accountNameOf = (i: number) =>
  `acct-${String(i).padStart(3, '0')}`;
export const userRefOf = (n: number) =>
  `user:default/user-${String(n).padStart(4, '0')}`;

/** Team 0 is team-main; teams 1..25 own ten accounts each. */
export function teamOfAccount(i: number): number {
  return i < MAIN_TEAM_ACCOUNTS
    ? 0
    : Math.floor((i - MAIN_TEAM_ACCOUNTS) / ACCOUNTS_PER_TEAM) + 1;
}
const teamName = (t: number) =>
  t === 0 ? 'team-main' : `team-${String(t).padStart(2, '0')}`;
/** Users 1..5 are team-main, 6..10 team-01, and so on; the others are in no team. */
export const firstMemberOf = (t: number) => t * MEMBERS_PER_TEAM + 1;
/** Users that own nothing (request only). */
export const FIRST_PLAIN_USER = firstMemberOf(OTHER_TEAMS + 1);

function groupsOf(name: string): string[] {
  if (name === 'admin') return ['platform-admins'];
  const n = Number(name.slice('user-'.length));
  const t = Math.floor((n - 1) / MEMBERS_PER_TEAM);
  return t <= OTHER_TEAMS ? [teamName(t)] : [];
}

export function benchEntities(): Entity[] {
  const users: Entity[] = [];
  const names = [
    'admin',
    ...Array.from(
      { length: BENCH_USERS },
      (_, i) => userRefOf(i + 1).split('/')[1],
    ),
  ];
  for (const name of names) {
    const groups = groupsOf(name);
    users.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: {
        profile: { displayName: name, email: `${name}@example.com` },
        memberOf: groups,
      },
      relations: groups.map(g => ({
        type: 'memberOf',
        targetRef: `group:default/${g}`,
      })),
    });
  }
  const groups: Entity[] = [
    ...Array.from({ length: OTHER_TEAMS + 1 }, (_, t) => teamName(t)),
    'platform-admins',
  ].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  }));
  const accounts: Entity[] = Array.from({ length: BENCH_ACCOUNTS }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: accountNameOf(i),
      namespace: 'default',
      annotations: { 'amazonaws.com/account-id': accountIdOf(i) },
    },
    spec: { type: 'aws-account', owner: teamName(teamOfAccount(i)) },
    relations: [
      {
        type: 'ownedBy',
        targetRef: `group:default/${teamName(teamOfAccount(i))}`,
      },
    ],
  }));
  return [...users, ...groups, ...accounts];
}

/**
 * The Identity Center behind the benchmark: the demo's instance and
 * permission sets, with an Identity Store user for every catalog user (by
 * email, as the gateway resolves them) and the 300 accounts, so that an
 * approval is provisioned for real.
 */
export function benchEmulatorSeed(): EmulatorSeed {
  const seed = demoSeed();
  const names = ['admin', ...Array.from({ length: BENCH_USERS }, (_, i) => userRefOf(i + 1).split('/')[1])];
  return {
    ...seed,
    users: names.map((name, i) => ({
      userId: `9067a1b2c3-b000-4000-8000-${String(i).padStart(12, '0')}`,
      userName: `${name}@example.com`,
      displayName: name,
      emails: [`${name}@example.com`],
    })),
    accounts: [...seed.accounts, ...Array.from({ length: BENCH_ACCOUNTS }, (_, i) => accountIdOf(i))],
  };
}

/** Backstage's user info for the bench users: themselves and their groups. */
export const benchUserInfo: UserInfoService = {
  async getUserInfo(credentials: BackstageCredentials) {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type !== 'user' || !principal.userEntityRef)
      throw new Error('not a user');
    const name = principal.userEntityRef.split('/')[1];
    return {
      userEntityRef: principal.userEntityRef,
      ownershipEntityRefs: [
        principal.userEntityRef,
        ...groupsOf(name).map(g => `group:default/${g}`),
      ],
    };
  },
};

/**
 * Backstage's in-memory catalog mock, except that a lookup by ref is a map
 * lookup and a query's answer is kept (the entities never change here): the
 * mock rebuilds a map of every entity for each lookup and a search index of
 * every entity for each query, which with 5,300 entities would make the
 * benchmark measure the mock. (The catalog backend answers both from
 * indexed tables.)
 */
export function benchCatalogService(entities: Entity[]): CatalogService {
  const mock = catalogServiceMock({ entities });
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const answers = new Map<string, ReturnType<CatalogService['getEntities']>>();
  return new Proxy(mock, {
    get(target, prop, receiver) {
      if (prop === 'getEntityByRef') {
        return async (ref: string) =>
          byRef.get(stringifyEntityRef(parseEntityRef(ref)));
      }
      if (prop === 'getEntitiesByRefs') {
        return async (request: { entityRefs: string[] }) => ({
          items: request.entityRefs.map(ref =>
            byRef.get(stringifyEntityRef(parseEntityRef(ref))),
          ),
        });
      }
      if (prop === 'getEntities') {
        return (request: object, options: object) => {
          const key = JSON.stringify(request);
          if (!answers.has(key))
            answers.set(
              key,
              target.getEntities(request as any, options as any),
            );
          return answers.get(key);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
