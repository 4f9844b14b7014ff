/*
 * The emulator's HTTP side: the AWS JSON 1.1 protocol as the AWS SDK for
 * JavaScript v3 speaks it, the calls-per-second quota, fault injection, and
 * the `/_emulator/*` control endpoints.
 *
 * Wire format, as the installed SDK (@aws-sdk/core AwsJson1_1Protocol) sends
 * and reads it:
 * - request: `POST /`, `Content-Type: application/x-amz-json-1.1`,
 *   `X-Amz-Target: SWBExternalService.<Op>` (SSO Admin) or
 *   `AWSIdentityStore.<Op>` (Identity Store), body = the input members as
 *   JSON with their AWS names (`InstanceArn`, `NextToken`, `MaxResults`, ...);
 * - response: 200 with the output members as JSON; timestamps are epoch
 *   seconds (the SDK turns them into Dates);
 * - error: HTTP 400 (5xx for server faults) with
 *   `{"__type": "<Exception>", "Message": "..."}`; the SDK takes the error
 *   name from `__type` and the message from `Message`/`message`.
 * Request signatures are not checked: any credentials work.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoSeed } from './demoSeed';
import { AwsError, throttled } from './errors';
import { IdentityCenterModel } from './model';
import type {
  EmulatorFaults,
  EmulatorOptions,
  EmulatorQuotas,
  EmulatorState,
} from './types';

/**
 * A running emulator, returned by {@link startIdentityCenterEmulator}.
 * @public
 */
export interface IdentityCenterEmulator {
  /** Base URL, e.g. `http://127.0.0.1:7311`: the SDK clients' `endpoint`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** A copy of the whole state (what `GET /_emulator/state` returns). */
  getState(): EmulatorState;
  /**
   * Merges faults into the current ones (a `null` or `undefined` value
   * removes that fault) and returns the faults now in effect.
   */
  setFaults(faults: EmulatorFaults): EmulatorFaults;
  /** Removes every fault. */
  clearFaults(): void;
  /** Changes the quotas (merged) and returns the quotas now in effect. */
  setQuotas(quotas: EmulatorQuotas): Required<EmulatorQuotas>;
  /** Back to the seed, with the faults and quotas given at start; counters cleared. */
  reset(): void;
  /** Stops listening and drops open (including hung) connections. */
  close(): Promise<void>;
}

const AWS_JSON = 'application/x-amz-json-1.1';
const SERVICES = {
  SWBExternalService: 'ssoAdmin',
  AWSIdentityStore: 'identityStore',
} as const;

function checkFaults(faults: EmulatorFaults) {
  for (const key of ['errorRate', 'throttleRate', 'hangRate'] as const) {
    const v = faults[key];
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) {
      throw new TypeError(`${key} must be a number between 0 and 1`);
    }
  }
  for (const key of ['latencyMs', 'assignmentDelayMs'] as const) {
    const v = faults[key];
    if (v !== undefined && (typeof v !== 'number' || v < 0)) {
      throw new TypeError(`${key} must be a non-negative number`);
    }
  }
  for (const key of ['accessDenied', 'operations'] as const) {
    const v = faults[key];
    if (
      v !== undefined &&
      (!Array.isArray(v) || v.some(x => typeof x !== 'string'))
    ) {
      throw new TypeError(`${key} must be an array of operation names`);
    }
  }
}

/** Merges `patch` into `base`; null/undefined values remove a key. */
function mergeFaults(
  base: EmulatorFaults,
  patch: EmulatorFaults,
): EmulatorFaults {
  const next: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null || v === undefined) delete next[k];
    else next[k] = v;
  }
  checkFaults(next as EmulatorFaults);
  return next as EmulatorFaults;
}

function checkQuotas(q: Required<EmulatorQuotas>) {
  if (!(q.callsPerSecond > 0))
    throw new TypeError('callsPerSecond must be positive');
  if (!(q.maxCreatesInFlight >= 1))
    throw new TypeError('maxCreatesInFlight must be at least 1');
}

/** The host part of the URL clients use (a wildcard address is reached on loopback). */
function urlHostFor(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts a local AWS IAM Identity Center emulator (SSO Admin and Identity
 * Store over the AWS JSON 1.1 protocol) on loopback. Point the real AWS SDK
 * clients at `url` through their `endpoint` option, with any credentials and
 * region.
 *
 * @example
 * ```ts
 * const emulator = await startIdentityCenterEmulator({ seed: demoSeed() });
 * const sso = new SSOAdminClient({
 *   endpoint: emulator.url,
 *   region: 'us-east-1',
 *   credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
 * });
 * ```
 * @public
 */
export async function startIdentityCenterEmulator(
  options: EmulatorOptions = {},
): Promise<IdentityCenterEmulator> {
  const initialQuotas: Required<EmulatorQuotas> = {
    callsPerSecond: options.quotas?.callsPerSecond ?? 20,
    maxCreatesInFlight: options.quotas?.maxCreatesInFlight ?? 10,
  };
  checkQuotas(initialQuotas);
  const initialFaults = mergeFaults({}, options.faults ?? {});
  const random = options.random ?? Math.random;
  const log = options.log;

  let quotas = { ...initialQuotas };
  let faults = { ...initialFaults };
  // `faults.assignmentDelayMs` overrides the start-time timing while set.
  const assignmentDelayMs = () =>
    faults.assignmentDelayMs ?? options.timing?.assignmentDelayMs ?? 300;

  const model = new IdentityCenterModel(options.seed ?? demoSeed(), {
    maxCreatesInFlight: () => quotas.maxCreatesInFlight,
    assignmentDelayMs,
    provisioningDelayMs: () =>
      options.timing?.provisioningDelayMs ?? assignmentDelayMs(),
    maxPageSize: options.maxPageSize ?? 100,
  });

  // The calls-per-second quota: a token bucket over all SSO Admin calls,
  // holding at most one second's worth, as AWS's account-level rate limit.
  let tokens = quotas.callsPerSecond;
  let refilledAt = Date.now();
  const takeToken = (now: number) => {
    tokens = Math.min(
      quotas.callsPerSecond,
      tokens + ((now - refilledAt) / 1000) * quotas.callsPerSecond,
    );
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  // Arrival times of the last second, for the peak calls-per-second statistic.
  let arrivals: number[] = [];
  const recordArrival = (now: number) => {
    arrivals.push(now);
    while (arrivals.length && arrivals[0] <= now - 1000) arrivals.shift();
    model.stats.peakCallsPerSecond = Math.max(
      model.stats.peakCallsPerSecond,
      arrivals.length,
    );
  };

  const state = (): EmulatorState => {
    const inFlight = model.inFlight();
    const stats = { ...model.stats };
    return JSON.parse(
      JSON.stringify({
        instanceArn: model.instanceArn,
        identityStoreId: model.identityStoreId,
        users: model.users,
        permissionSets: model.publicPermissionSets(),
        accounts: [...model.accounts],
        assignments: model.assignments,
        provisioned: model.provisionings(),
        operations: [...model.operations.values()],
        inFlight: {
          creates: inFlight.filter(o => o.kind === 'CreateAccountAssignment')
            .length,
          deletes: inFlight.filter(o => o.kind === 'DeleteAccountAssignment')
            .length,
          provisionings: inFlight.filter(
            o => o.kind === 'ProvisionPermissionSet',
          ).length,
        },
        calls: model.calls,
        throttled:
          stats.throttledByRate +
          stats.throttledByCreatesInFlight +
          stats.throttledInjected,
        stats,
        quotas,
        faults,
      } satisfies EmulatorState),
    );
  };

  const reset = () => {
    model.reset();
    faults = { ...initialFaults };
    quotas = { ...initialQuotas };
    tokens = quotas.callsPerSecond;
    refilledAt = Date.now();
    arrivals = [];
  };

  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    contentType = AWS_JSON,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      'Content-Type': contentType,
      'x-amzn-RequestId': randomUUID(),
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const sendError = (res: http.ServerResponse, e: AwsError) =>
    send(res, e.status, e.body(), AWS_JSON, { 'x-amzn-ErrorType': e.type });

  async function control(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
  ) {
    const json = (status: number, body: unknown) =>
      send(res, status, body, 'application/json');
    const body = req.method === 'POST' ? await readBody(req) : '';
    let input: any = {};
    try {
      input = body ? JSON.parse(body) : {};
    } catch {
      return json(400, { error: 'The body is not JSON' });
    }
    try {
      switch (`${req.method} ${path}`) {
        case 'GET /_emulator/health':
          return json(200, {
            status: 'ok',
            instanceArn: model.instanceArn,
            identityStoreId: model.identityStoreId,
          });
        case 'GET /_emulator/state':
          return json(200, state());
        case 'GET /_emulator/faults':
          return json(200, faults);
        case 'POST /_emulator/faults':
          faults = mergeFaults(faults, input);
          return json(200, faults);
        case 'POST /_emulator/quotas': {
          const next = { ...quotas, ...input };
          checkQuotas(next);
          quotas = next;
          return json(200, quotas);
        }
        case 'POST /_emulator/reset':
          reset();
          return json(200, { status: 'reset' });
        default:
          return json(404, {
            error: `No control endpoint ${req.method} ${path}; see GET /_emulator/health, GET /_emulator/state, GET|POST /_emulator/faults, POST /_emulator/quotas, POST /_emulator/reset`,
          });
      }
    } catch (e) {
      return json(400, { error: (e as Error).message });
    }
  }

  async function aws(req: http.IncomingMessage, res: http.ServerResponse) {
    const raw = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, op = ''] = target.split('.');
    const service = SERVICES[prefix as keyof typeof SERVICES];
    if (req.method !== 'POST' || !service || !op) {
      return sendError(
        res,
        new AwsError(
          'UnknownOperationException',
          'Expected POST / with X-Amz-Target: SWBExternalService.<Operation> or AWSIdentityStore.<Operation>',
        ),
      );
    }
    const now = Date.now();
    model.stats.requests++;
    model.calls[op] = (model.calls[op] ?? 0) + 1;
    const finish = (status: number, error?: string) =>
      log?.(`${target} ${status}${error ? ` ${error}` : ''}`);

    if (service === 'ssoAdmin') {
      recordArrival(now);
      if (!takeToken(now)) {
        model.stats.throttledByRate++;
        finish(400, 'ThrottlingException (rate)');
        return sendError(res, throttled('Rate exceeded'));
      }
    }

    const f = faults;
    const faulty = !f.operations || f.operations.includes(op);
    if (faulty && f.hangRate && random() < f.hangRate) {
      // Never answered: the client's request timeout has to end it. close()
      // drops the connection.
      model.stats.hung++;
      finish(0, 'hung');
      return undefined;
    }
    if (faulty && f.latencyMs)
      await new Promise(r => setTimeout(r, f.latencyMs));
    if (f.accessDenied?.includes(op)) {
      finish(400, 'AccessDeniedException');
      return sendError(
        res,
        new AwsError(
          'AccessDeniedException',
          `User: arn:aws:sts::000000000000:assumed-role/emulator is not authorized to perform: ${target} (injected)`,
        ),
      );
    }
    if (faulty && f.throttleRate && random() < f.throttleRate) {
      model.stats.throttledInjected++;
      finish(400, 'ThrottlingException (injected)');
      return sendError(res, throttled('Rate exceeded'));
    }
    if (faulty && f.errorRate && random() < f.errorRate) {
      model.stats.errorsInjected++;
      finish(500, 'InternalServerException (injected)');
      return sendError(
        res,
        new AwsError(
          'InternalServerException',
          'An internal error occurred (injected)',
          500,
        ),
      );
    }

    let input: any;
    try {
      input = raw ? JSON.parse(raw) : {};
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        throw new Error();
    } catch {
      finish(400, 'SerializationException');
      return sendError(
        res,
        new AwsError(
          'SerializationException',
          'The request body is not a JSON object',
        ),
      );
    }
    const output =
      service === 'ssoAdmin'
        ? model.ssoAdmin(op, input)
        : model.identityStore(op, input);
    finish(200);
    return send(res, 200, output);
  }

  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path.startsWith('/_emulator/')) return await control(req, res, path);
      return await aws(req, res);
    } catch (e) {
      if (e instanceof AwsError) {
        log?.(`${req.headers['x-amz-target']} ${e.status} ${e.type}`);
        return sendError(res, e);
      }
      return sendError(
        res,
        new AwsError('InternalServerException', String(e), 500),
      );
    }
  });
  server.keepAliveTimeout = 5_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = urlHostFor(host);

  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    getState: state,
    setFaults: patch => {
      faults = mergeFaults(faults, patch);
      return { ...faults };
    },
    clearFaults: () => {
      faults = {};
    },
    setQuotas: patch => {
      const next = { ...quotas, ...patch };
      checkQuotas(next);
      quotas = next;
      return { ...quotas };
    },
    reset,
    close: () =>
      new Promise<void>(resolve => {
        model.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
