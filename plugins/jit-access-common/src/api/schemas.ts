import { z } from 'zod';
import { AWS_ACCOUNT_ID_PATTERN } from '../constants';
import { MAX_REQUEST_MINUTES, MIN_REQUEST_MINUTES } from '../durations';
import { REQUEST_STATUSES } from '../lifecycle';
import type { AccountConfigUpdate, CreateRequestBody, JitSettings, RequestStatus } from '../types';

/**
 * A schema of the API, typed by what it parses to: the types stay the
 * contract, and a schema that drifts from its type does not compile.
 * @public
 */
export type ApiSchema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/**
 * The HTTP API's inputs, once: the backend's router parses with these (a
 * failure is a 400 naming the field), the frontend's client and forms check
 * with them, and the tests build from them.
 */

/**
 * Ids the API accepts for requests: `JIT-` and 6 to 16 capitals or digits
 * (new requests get 6 Crockford characters, see formatRequestId; requests
 * loaded in bulk may carry longer ones).
 * @public
 */
export const REQUEST_ID_PATTERN = /^JIT-[0-9A-Z]{6,16}$/;

/** Most items one page of a list may hold; the default page is {@link DEFAULT_PAGE_LIMIT}. @public */
export const MAX_PAGE_LIMIT = 200;
/** @public */
export const DEFAULT_PAGE_LIMIT = 50;

/** Longest reason, comment or ticket reference (characters). @public */
export const MAX_REASON_LENGTH = 2000;
/** @public */
export const MAX_TICKET_LENGTH = 200;
/** Largest custom policy a request may carry (characters); AWS's own inline limit is smaller and checked by validatePolicy. @public */
export const MAX_CUSTOM_POLICY_LENGTH = 65_536;

/** A path or query parameter that is an AWS account id. @public */
export const accountIdSchema: ApiSchema<string> = z.string().regex(AWS_ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id');

/** @public */
export const requestIdSchema: ApiSchema<string> = z.string().regex(REQUEST_ID_PATTERN, 'is not a request id');

/** `POST /requests`. @public */
export const createRequestBodySchema: ApiSchema<CreateRequestBody> = z
  .object({
    accountId: accountIdSchema,
    permissionSetArn: z.string().min(1).max(2048).optional(),
    customPolicy: z.string().max(MAX_CUSTOM_POLICY_LENGTH).optional(),
    durationMinutes: z.number().int().min(MIN_REQUEST_MINUTES).max(MAX_REQUEST_MINUTES),
    reason: z.string().trim().min(1, 'is required').max(MAX_REASON_LENGTH),
    ticket: z.string().trim().max(MAX_TICKET_LENGTH).optional(),
    startAt: z.string().datetime({ offset: true }).optional(),
    extendsRequestId: requestIdSchema.optional(),
    /** Self-approved emergency access; the backend checks the account and the reason. */
    breakGlass: z.boolean().optional(),
  })
  .strict();

/** `POST /requests/:id/approve|reject|cancel` and `POST /sessions/:id/revoke`. @public */
export const decisionBodySchema: ApiSchema<{ comment?: string }> = z.object({ comment: z.string().max(MAX_REASON_LENGTH).optional() }).strict();

/** `POST /requests/:id/review`: closing a break-glass review needs a comment. @public */
export const reviewBodySchema: ApiSchema<{ comment: string }> = z
  .object({ comment: z.string().trim().min(1, 'is required to close a break-glass review').max(MAX_REASON_LENGTH) })
  .strict();

const cursorSchema = z.string().max(500).optional();
const limitSchema = z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT);

/** The request lists of `GET /requests`. @public */
export const REQUEST_VIEWS = ['mine', 'approvals', 'history', 'reviews'] as const;

/** The request lists of `GET /requests`. @public */
export type RequestView = (typeof REQUEST_VIEWS)[number];

/** `GET /requests` as the backend reads it: statuses split, times in epoch ms, the page limit defaulted. @public */
export interface RequestListQuery {
  view: RequestView;
  status?: RequestStatus[];
  accountId?: string;
  /** Created at or after this time (epoch ms). */
  createdAfter?: number;
  /** Created before this time (epoch ms). */
  createdBefore?: number;
  cursor?: string;
  limit: number;
}

/** `GET /sessions` as the backend reads it. @public */
export interface SessionListQuery {
  view: 'mine' | 'managed';
  accountId?: string;
  cursor?: string;
  limit: number;
}

/** `GET /requests` (and the CSV export, with the history view's filters). @public */
export const requestListQuerySchema: ApiSchema<RequestListQuery> = z.object({
  view: z.enum(REQUEST_VIEWS).default('mine'),
  /** Comma-separated statuses. */
  status: z
    .string()
    .transform(s => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(REQUEST_STATUSES)))
    .optional(),
  accountId: accountIdSchema.optional(),
  /** Created at or after / before these times (ISO 8601), e.g. the history's date range; parsed to epoch ms. */
  createdAfter: z.string().datetime({ offset: true }).transform(Date.parse).optional(),
  createdBefore: z.string().datetime({ offset: true }).transform(Date.parse).optional(),
  cursor: cursorSchema,
  limit: limitSchema,
});

/** `GET /sessions`. @public */
export const sessionListQuerySchema: ApiSchema<SessionListQuery> = z.object({
  view: z.enum(['mine', 'managed']).default('mine'),
  accountId: accountIdSchema.optional(),
  cursor: cursorSchema,
  limit: limitSchema,
});

/** Longest window of `GET /accounts/:accountId/activity` (days). @public */
export const MAX_ACTIVITY_DAYS = 90;

/** `GET /accounts/:accountId/activity?days=`. @public */
export const activityQuerySchema: ApiSchema<{ days: number }> = z.object({
  days: z
    .string()
    .regex(/^\d+$/, `must be a whole number of days from 1 to ${MAX_ACTIVITY_DAYS}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, `must be from 1 to ${MAX_ACTIVITY_DAYS}`)
        .max(MAX_ACTIVITY_DAYS, `must be from 1 to ${MAX_ACTIVITY_DAYS}`),
    )
    .default('30'),
});

/** `POST /policies/validate`. @public */
export const policyBodySchema: ApiSchema<{ policy: string }> = z.object({ policy: z.string().max(1_000_000) }).strict();

/** An owner as config assigns one: a user or group entity ref. @public */
export const OWNER_REF_PATTERN = /^(user|group):[\w.-]+\/[\w.@-]+$/;

/** `PUT /config/accounts/:accountId` and its impact preview. @public */
export const accountConfigUpdateSchema: ApiSchema<AccountConfigUpdate> = z
  .object({
    onboarded: z.boolean().optional(),
    enabledPermissionSetArns: z.array(z.string().min(1)).max(200).optional(),
    customPolicyAllowed: z.boolean().optional(),
    breakGlassAllowed: z.boolean().optional(),
    assignedOwners: z
      .array(z.string().regex(OWNER_REF_PATTERN, 'must be user:<ns>/<name> or group:<ns>/<name>'))
      .max(100)
      .optional(),
  })
  .strict();

/** `PUT /config/settings`. @public */
export const settingsSchema: ApiSchema<JitSettings> = z
  .object({
    requireRejectionComment: z.boolean(),
    /** From 5 minutes to 90 days. */
    pendingTimeoutMinutes: z.number().int().min(5).max(60 * 24 * 90),
    customMaxDurationMinutes: z.number().int().min(MIN_REQUEST_MINUTES).max(MAX_REQUEST_MINUTES),
    allowRequestsWithoutApprover: z.boolean(),
  })
  .strict();

/** A permission set ARN as a path parameter. @public */
export const permissionSetArnParamSchema: ApiSchema<{ arn: string }> = z.object({ arn: z.string().min(1).max(2048) });

/** `PUT /config/permission-sets/:arn` and its impact preview. @public */
export const permissionSetUpdateSchema: ApiSchema<{ requiresTwoLevels: boolean }> = z.object({ requiresTwoLevels: z.boolean() }).strict();

