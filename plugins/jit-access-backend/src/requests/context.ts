import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JitSettings } from '@jit-access/plugin-jit-access-common';
import type { ConfigStore, RequestStore } from '../database';
import type { AccountDirectory } from '../service/AccountDirectory';
import type { ConfigCache } from '../service/ConfigCache';
import type { IdentityCenterUsers } from '../service/identityCenterUsers';
import type { JitAuthorizer } from '../service/JitAuthorizer';
import type { JitNotifier } from '../service/JitNotifier';
import type { PendingPages } from '../service/PendingPages';
import type { RequestRecheck } from '../service/RequestRecheck';
import type { RequestAccess } from './access';
import type { AccountListView } from './accountList';
import type { RequestPeople } from './people';

/** Called after a decision that may need Identity Center work right away. */
export type WorkTrigger = (requestId: string) => void;

export type { RequestView } from '@jit-access/plugin-jit-access-common';

/** What the request commands and queries are made with. */
export interface RequestsDeps {
  store: ConfigStore & RequestStore;
  notifier?: JitNotifier;
  directory: AccountDirectory;
  /** Whether requesters have an Identity Center user (the rule grants use). */
  identityCenterUsers: IdentityCenterUsers;
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
  /** Accounts come from the catalog (`jitAccess.catalogAccounts`): one no single entity claims takes no new requests. */
  accountsFromCatalog?: boolean;
}

/**
 * The parts every command and query shares: the dependencies, the clock,
 * and the cached views (config, accounts list, pending pages) with the
 * people and access rules built on them.
 */
export interface RequestsContext {
  deps: RequestsDeps;
  now(): number;
  config: ConfigCache;
  pendingPages: PendingPages;
  accounts: AccountListView;
  people: RequestPeople;
  access: RequestAccess;
}
