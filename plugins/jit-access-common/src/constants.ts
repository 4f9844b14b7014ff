/** Plugin id of JIT Access, frontend and backend. @public */
export const JIT_ACCESS_PLUGIN_ID = 'jit-access';

/** A 12-digit AWS account id, the only form the API accepts. @public */
export const AWS_ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** Annotation carrying the 12-digit AWS account id of a catalog entity. @public */
export const AWS_ACCOUNT_ID_ANNOTATION = 'amazonaws.com/account-id';

/** `spec.type` values of Resource entities that are AWS accounts. @public */
export const AWS_ACCOUNT_ENTITY_TYPES: readonly string[] = ['aws-account', 'cloud-account'];

/** Default cap of custom permission set requests, in minutes (PT2H). @public */
export const DEFAULT_CUSTOM_MAX_DURATION_MINUTES = 120;

/** Identity Center inline policy limit: non-whitespace characters. @public */
export const INLINE_POLICY_MAX_NON_WHITESPACE = 10_240;

/** Identity Center inline policy limit: characters in total. @public */
export const INLINE_POLICY_MAX_TOTAL = 32_768;

/** Tag key that marks the permission sets this plugin created. @public */
export const JIT_MANAGED_TAG_KEY = 'jit-access:managed';
