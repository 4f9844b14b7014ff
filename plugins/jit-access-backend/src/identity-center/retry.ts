import { Clock, systemClock } from './RateLimiter';

/**
 * How one Identity Center call is retried.
 * @public
 */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles with each attempt. */
  baseDelayMs: number;
  /** Cap of the delay between two attempts. */
  maxDelayMs: number;
}

/** @public */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
};

/**
 * The delay before attempt `attempt + 1`: capped exponential backoff with
 * "equal jitter" (half of the step fixed, half random). The fixed half keeps
 * retries of a throttled caller from coming straight back; the random half
 * spreads callers that failed together so they don't retry together.
 * @public
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const step = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, attempt - 1),
  );
  return step / 2 + random() * (step / 2);
}

/**
 * Options of {@link withRetries}.
 * @public
 */
export interface WithRetriesOptions {
  policy: RetryPolicy;
  /** Whether a failure may be retried (within `policy.maxAttempts`). */
  isRetryable(error: unknown): boolean;
  /**
   * Retryable failures that are retried beyond `policy.maxAttempts`, until
   * the deadline: conditions known to pass with time, such as a
   * ConflictException while a permission set's assignments drain.
   */
  retryUntilDeadline?(error: unknown): boolean;
  /** Absolute time (clock ms) after which no further attempt starts. */
  deadline?: number;
  clock?: Clock;
  random?: () => number;
  /** Called before sleeping for a retry (for logging). */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
}

/**
 * Runs `fn` until it succeeds, fails with an error that is not retryable,
 * runs out of attempts (see `retryUntilDeadline`), or the next attempt would
 * start after the deadline; then the last error is thrown.
 * @public
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: WithRetriesOptions,
): Promise<T> {
  const clock = options.clock ?? systemClock;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const retry =
        options.isRetryable(error) &&
        (attempt < options.policy.maxAttempts ||
          (options.deadline !== undefined &&
            Boolean(options.retryUntilDeadline?.(error))));
      if (!retry) throw error;
      const delay = backoffDelay(attempt, options.policy, options.random);
      if (
        options.deadline !== undefined &&
        clock.now() + delay > options.deadline
      ) {
        throw error;
      }
      options.onRetry?.(error, attempt, delay);
      await clock.sleep(delay);
    }
  }
}
