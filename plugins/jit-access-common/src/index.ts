/**
 * Types, permissions, policy validation, duration and approval rules shared
 * by the JIT Access frontend and backend plugins. Isomorphic: no Node or
 * browser APIs.
 *
 * @packageDocumentation
 */

export type {
  AccessRequest,
  AccountActivity,
  AccountConfig,
  AccountConfigUpdate,
  AccountsResponse,
  ApprovalStep,
  BreakGlassReview,
  ApprovalStepStatus,
  Approver,
  ApproverKind,
  CallerInfo,
  ConfigImpact,
  CreateRequestBody,
  DurationCause,
  IdentityCenterUserCheck,
  JitSettings,
  Page,
  PermissionSetConfig,
  PermissionSetSessions,
  PermissionSetSummary,
  PolicyValidationError,
  PolicyValidationResult,
  RequestAction,
  RequestActionName,
  RequestDetail,
  RequestEvent,
  RequestKind,
  RequestOutcome,
  RequestStatus,
  RequestableAccount,
  RoleMappings,
  UnavailableAccount,
} from './types';
export {
  JIT_ACCESS_REQUEST_RESOURCE_TYPE,
  jitAccessApproverFeaturesPermission,
  jitAccessConfigManagePermission,
  jitAccessPermissions,
  jitAccessRequestApproveFinalPermission,
  jitAccessRequestApprovePermission,
  jitAccessRequestCreatePermission,
  jitAccessRequestReadPermission,
  jitAccessSessionRevokePermission,
} from './permissions';
export {
  AWS_ACCOUNT_ENTITY_TYPES,
  AWS_ACCOUNT_ID_ANNOTATION,
  AWS_ACCOUNT_ID_PATTERN,
  DEFAULT_CUSTOM_MAX_DURATION_MINUTES,
  INLINE_POLICY_MAX_NON_WHITESPACE,
  INLINE_POLICY_MAX_TOTAL,
  JIT_ACCESS_PLUGIN_ID,
  JIT_MANAGED_TAG_KEY,
} from './constants';
export {
  MAX_REQUEST_MINUTES,
  MIN_REQUEST_MINUTES,
  SESSION_DURATION_LIMITS,
  effectiveDuration,
  formatMinutes,
  parseIsoDuration,
  toIsoDuration,
  validateRequestedDuration,
} from './durations';
export type { EffectiveDuration } from './durations';
export {
  IllegalTransitionError,
  REQUEST_STATUSES,
  REQUEST_TRANSITIONS,
  assertTransition,
  canTransition,
  isTerminal,
  nextStatus,
} from './lifecycle';
export type { RequestEventName, RequestEventType, RequestNoteName, RequestTransition } from './lifecycle';
export { approverKindLabel, decideApproval, describeStep, stepsFor } from './approval';
export { describeCatalogConflict, describeMissingCatalogAccount } from './catalogAccounts';
export type { CatalogConflict } from './catalogAccounts';
export { RECHECKED_STATUSES, recheckConfig } from './configRecheck';
export { decideCancel, decideEnd, decideExtend, decideRevoke } from './requestActions';
export type { ActionFacts, ActionVerdict } from './requestActions';
export type {
  ConfigChangeKind,
  ConfigChangeRecord,
  RecheckFacts,
  RecheckVerdict,
} from './configRecheck';
export type { ApprovalDenial, ApprovalFacts, ApprovalVerdict } from './approval';
export {
  BREAK_GLASS_MIN_REASON_LENGTH,
  checkBreakGlass,
  decideReviewClose,
} from './breakGlass';
export type {
  BreakGlassRefusal,
  BreakGlassRefusalCode,
  ReviewDenial,
  ReviewVerdict,
} from './breakGlass';
export { formatRequestId, isRequestId } from './requestId';
export { validatePolicy } from './policy/validatePolicy';
export type { PolicyRule } from './policy/validatePolicy';
export { JsonSyntaxError, MAX_JSON_DEPTH, parseJsonWithPositions, positionOf } from './policy/jsonWithPositions';
export type { JsonNode } from './policy/jsonWithPositions';
export { formatPolicyText, S3_READ_ONLY_POLICY_TEMPLATE } from './policy/policyText';
export {
  DEFAULT_PAGE_LIMIT,
  MAX_ACTIVITY_DAYS,
  MAX_CUSTOM_POLICY_LENGTH,
  MAX_PAGE_LIMIT,
  MAX_REASON_LENGTH,
  MAX_TICKET_LENGTH,
  OWNER_REF_PATTERN,
  REQUEST_ID_PATTERN,
  REQUEST_VIEWS,
  accountConfigUpdateSchema,
  accountIdSchema,
  activityQuerySchema,
  createRequestBodySchema,
  decisionBodySchema,
  permissionSetArnParamSchema,
  permissionSetUpdateSchema,
  policyBodySchema,
  requestIdSchema,
  requestListQuerySchema,
  reviewBodySchema,
  sessionListQuerySchema,
  settingsSchema,
} from './api/schemas';
export type { ApiSchema, RequestListQuery, RequestView, SessionListQuery } from './api/schemas';
