import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JitStore } from '../database';
import type { IdentityCenterGateway } from '../identity-center';
import type { AccountDirectory } from '../service/AccountDirectory';
import type { JitNotifier } from '../service/JitNotifier';
import type { RequestRecheck } from '../service/RequestRecheck';

/** What the lifecycle engine is made with. */
export interface EngineDeps {
  store: JitStore;
  notifier?: JitNotifier;
  gateway: IdentityCenterGateway;
  /** Finds the requester's email, for the Identity Store lookup. */
  directory: Pick<AccountDirectory, 'user'>;
  logger: LoggerService;
  pendingTimeoutMinutes: () => Promise<number>;
  /** Warn the requester this long before a session ends. Default 10. */
  expiryWarningMinutes?: number;
  workerId: string;
  /** See `jitAccess.endLiveSessions`. Default false. */
  endLiveSessions?: boolean;
  leaseMs?: number;
  /** Bounds of `trigger`: requests processed at once, ids that may wait. Defaults 25 and 10,000. */
  trigger?: { concurrency?: number; queue?: number };
  now?: () => number;
  /**
   * Holds each grant to the config of now (checked as provisioning starts
   * and again right before the assignment is created). Default: one on
   * the store and directory (the engine never rechecks a pending request,
   * so owners are not asked).
   */
  recheck?: RequestRecheck;
}

/** What each step of a request's lifecycle works with. */
export interface StepContext {
  deps: EngineDeps;
  now(): number;
  /** How long leases and assignment locks last unless renewed. */
  leaseMs: number;
  recheck: RequestRecheck;
  /** Does the work due for another request now (a session its extension took over). */
  process(id: string): Promise<void>;
}
