import {
  ListInstancesCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  IdentityCenterError,
  isTransientFailureReason,
  toIdentityCenterError,
} from './IdentityCenterError';
import { OperationOptions } from './IdentityCenterGateway';
import {
  chooseInstance,
  discoveryFailed,
  IdentityCenterInstance,
} from './instanceDiscovery';
import { RateLimiter } from './RateLimiter';
import { RetryPolicy, withRetries } from './retry';

/** Per-call retry tuning. */
export interface CallOptions {
  /** No attempt starts after this (epoch ms). */
  deadline?: number;
  /** Retry ConflictException beyond maxAttempts until the deadline. */
  retryConflictsUntilDeadline?: boolean;
  /** Reclassify a failure (true: transient, false: permanent, undefined: keep). */
  classify?: (error: IdentityCenterError) => boolean | undefined;
  /**
   * The API the call goes to: the SSO Admin API (default) or the Identity
   * Store API, which AWS throttles apart and which is paced by its own
   * limiter, so user lookups never wait behind grants and revocations, nor
   * delay them.
   */
  api?: 'sso-admin' | 'identity-store';
}

/** The status of an asynchronous Identity Center operation. */
export type OperationStatus = {
  Status?: string;
  RequestId?: string;
  FailureReason?: string;
};

/**
 * How Identity Center reports the progress of one kind of asynchronous
 * operation: its Describe…Status call, the member that call takes the
 * request id in, and the member of the start and status answers that holds
 * the status.
 */
export interface StatusCall<K extends string, S extends string> {
  operation: string;
  Command: new (input: { InstanceArn: string } & Record<K, string>) => object;
  requestId: K;
  status: S;
}

/** An asynchronous operation's time limit: the moment it ends, and its length. */
export interface OperationDeadline {
  deadline: number;
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** A copy of `e` with another transient flag. */
function reclassified(
  e: IdentityCenterError,
  transient: boolean,
): IdentityCenterError {
  if (e.transient === transient) return e;
  return new IdentityCenterError(e.message, {
    transient,
    code: e.code,
    operation: e.operation,
    awsMessage: e.awsMessage,
    httpStatus: e.httpStatus,
    cause: e.cause,
  });
}

/**
 * The SDK clients of one gateway and the way every call to them is made:
 * through the rate limiter, retried while the failure is transient, and, for
 * asynchronous operations, polled until the operation is terminal.
 */
export class IdentityCenterCalls {
  readonly sso: SSOAdminClient;
  readonly ids: IdentitystoreClient;
  readonly limiter: RateLimiter;
  readonly identityStoreLimiter: RateLimiter;
  readonly #configured: Partial<IdentityCenterInstance>;
  #instance?: Promise<IdentityCenterInstance>;
  readonly #retry: RetryPolicy;
  readonly #timing: {
    pollIntervalMs?: number;
    maxPollIntervalMs?: number;
    operationTimeoutMs?: number;
  };
  readonly #logger?: LoggerService;

  constructor(options: {
    sso: SSOAdminClient;
    ids: IdentitystoreClient;
    limiter: RateLimiter;
    /** Paces Identity Store calls; without it they share `limiter`. */
    identityStoreLimiter?: RateLimiter;
    retry: RetryPolicy;
    /** The configured instance; what is missing is found with ListInstances. */
    instanceArn?: string;
    identityStoreId?: string;
    pollIntervalMs?: number;
    maxPollIntervalMs?: number;
    operationTimeoutMs?: number;
    logger?: LoggerService;
  }) {
    this.sso = options.sso;
    this.ids = options.ids;
    this.limiter = options.limiter;
    this.identityStoreLimiter = options.identityStoreLimiter ?? options.limiter;
    this.#configured = {
      instanceArn: options.instanceArn,
      identityStoreId: options.identityStoreId,
    };
    this.#retry = options.retry;
    this.#timing = options;
    this.#logger = options.logger;
  }

  /** When an asynchronous operation started now must be over. */
  deadline(options?: OperationOptions): OperationDeadline {
    const timeoutMs =
      options?.timeoutMs ?? this.#timing.operationTimeoutMs ?? 5 * 60_000;
    return { deadline: Date.now() + timeoutMs, timeoutMs };
  }

  /**
   * The instance (and its identity store) every call addresses: the
   * configured one, or else the one ListInstances finds, looked up once. A
   * failed lookup is not kept, so the next call looks again.
   */
  instance(): Promise<IdentityCenterInstance> {
    this.#instance ??= this.#findInstance().catch(e => {
      this.#instance = undefined;
      throw e;
    });
    return this.#instance;
  }

  async #findInstance(): Promise<IdentityCenterInstance> {
    const { instanceArn, identityStoreId } = this.#configured;
    if (instanceArn && identityStoreId) return { instanceArn, identityStoreId };
    let listed;
    try {
      listed = await this.pages(
        'ListInstances',
        NextToken => this.sso.send(new ListInstancesCommand({ NextToken })),
        page => page.Instances,
      );
    } catch (e) {
      throw discoveryFailed(e);
    }
    return chooseInstance(listed, this.#configured);
  }

  /**
   * One API call on the instance: `send` is given its ARN. See
   * {@link IdentityCenterCalls.request}.
   */
  async call<T>(
    operation: string,
    send: (InstanceArn: string) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    const { instanceArn } = await this.instance();
    return this.request(operation, () => send(instanceArn), options);
  }

  /**
   * One API call through the limiter, retried while the failure is transient
   * (and, for conflicts, optionally until the deadline).
   */
  async request<T>(
    operation: string,
    send: () => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    return withRetries(
      async () => {
        await (options.api === 'identity-store'
          ? this.identityStoreLimiter
          : this.limiter
        ).acquire();
        try {
          return await send();
        } catch (e) {
          const err = toIdentityCenterError(e, operation);
          const transient = options.classify?.(err);
          throw transient === undefined ? err : reclassified(err, transient);
        }
      },
      {
        policy: this.#retry,
        deadline: options.deadline,
        isRetryable: e => e instanceof IdentityCenterError && e.transient,
        retryUntilDeadline: e =>
          Boolean(options.retryConflictsUntilDeadline) &&
          e instanceof IdentityCenterError &&
          e.code === 'ConflictException',
        onRetry: (e, attempt, delay) =>
          this.#logger?.debug(
            `${operation}: attempt ${attempt} failed (${
              (e as IdentityCenterError).code
            }); retrying in ${Math.round(delay)} ms`,
          ),
      },
    );
  }

  /**
   * Starts an asynchronous operation. A ConflictException (another operation
   * on the same resource is in progress) passes, so it is retried until the
   * deadline.
   */
  start<T>(
    operation: string,
    send: (InstanceArn: string) => Promise<T>,
    { deadline }: OperationDeadline,
  ): Promise<T> {
    return this.call(operation, send, {
      deadline,
      retryConflictsUntilDeadline: true,
    });
  }

  /**
   * Follows NextToken through every page. `fetchPage` is given the members
   * every page request has: the instance ARN and the page's token.
   */
  async paginate<P extends { NextToken?: string }, T>(
    operation: string,
    fetchPage: (request: {
      InstanceArn: string;
      NextToken?: string;
    }) => Promise<P>,
    items: (page: P) => T[] | undefined,
  ): Promise<T[]> {
    const { instanceArn } = await this.instance();
    return this.pages(
      operation,
      NextToken => fetchPage({ InstanceArn: instanceArn, NextToken }),
      items,
    );
  }

  /** Follows NextToken through every page of a request. */
  async pages<P extends { NextToken?: string }, T>(
    operation: string,
    fetchPage: (NextToken?: string) => Promise<P>,
    items: (page: P) => T[] | undefined,
  ): Promise<T[]> {
    const all: T[] = [];
    let token: string | undefined;
    do {
      const cursor = token;
      const page = await this.request(operation, () => fetchPage(cursor));
      all.push(...(items(page) ?? []));
      token = page.NextToken;
    } while (token);
    return all;
  }

  /**
   * Runs `fn` holding one of the limiter's creation slots, waiting for a
   * free one until the deadline (then a transient OperationTimeout).
   */
  async withCreateSlot(
    operation: string,
    { deadline, timeoutMs }: OperationDeadline,
    fn: () => Promise<void>,
  ) {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new IdentityCenterError(
            `${operation}: no creation slot became free within ${timeoutMs} ms`,
            { transient: true, code: 'OperationTimeout', operation },
          ),
        ),
      Math.max(0, deadline - Date.now()),
    );
    try {
      await this.limiter.withCreateSlot(
        async () => {
          clearTimeout(timer);
          await fn();
        },
        { signal: controller.signal },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Polls an asynchronous operation, with growing intervals, until it is
   * SUCCEEDED (resolve) or FAILED (throw, with the FailureReason), or the
   * deadline passes (throw a transient OperationTimeout: the operation may
   * still finish, and repeating the gateway call is safe). `started` is the
   * answer that started it. A just-issued RequestId may not be readable yet
   * (eventual consistency), so a status read's not-found is retried.
   */
  async waitFor<K extends string, S extends string>(
    operation: string,
    started: Partial<Record<S, OperationStatus>>,
    statusCall: StatusCall<K, S>,
    { deadline, timeoutMs }: OperationDeadline,
  ): Promise<void> {
    const initial = started[statusCall.status];
    const requestId = initial?.RequestId;
    if (!requestId) {
      throw new IdentityCenterError(
        `${operation}: the answer has no RequestId`,
        { transient: true, code: 'MalformedResponse', operation },
      );
    }
    const describe = async (InstanceArn: string) => {
      const input = {
        InstanceArn,
        [statusCall.requestId]: requestId,
      } as { InstanceArn: string } & Record<K, string>;
      // The command class and its input are checked against each other
      // where the StatusCall is declared; send() cannot infer the answer
      // type of a class it is given as a value.
      const answer = (await this.sso.send(
        new statusCall.Command(input) as never,
      )) as Partial<Record<S, OperationStatus>>;
      return answer[statusCall.status];
    };
    let status: OperationStatus | undefined = initial;
    let interval = this.#timing.pollIntervalMs ?? 500;
    const maxInterval = this.#timing.maxPollIntervalMs ?? 5_000;
    while (!status?.Status || status.Status === 'IN_PROGRESS') {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new IdentityCenterError(
          `${operation} ${requestId} was still in progress after ${timeoutMs} ms`,
          { transient: true, code: 'OperationTimeout', operation },
        );
      }
      await sleep(Math.min(interval, remaining));
      interval = Math.min(maxInterval, interval * 1.5);
      status = await this.call(statusCall.operation, describe, {
        deadline,
        classify: e =>
          e.code === 'ResourceNotFoundException' ? true : undefined,
      });
    }
    if (status.Status === 'FAILED') {
      const reason = status.FailureReason ?? 'no reason given';
      throw new IdentityCenterError(`${operation} failed: ${reason}`, {
        transient: isTransientFailureReason(reason),
        code: 'OperationFailed',
        operation,
        awsMessage: reason,
      });
    }
  }
}
