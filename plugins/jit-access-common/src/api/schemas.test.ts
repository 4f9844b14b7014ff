import type { CreateRequestBody } from '../types';
import {
  accountConfigUpdateSchema,
  activityQuerySchema,
  createRequestBodySchema,
  requestListQuerySchema,
  settingsSchema,
} from './schemas';

// Each schema is typed by what it parses to (ApiSchema<CreateRequestBody>,
// …), so a schema that yields something else does not compile; these check
// the other way: everything the types allow, the schemas accept.
const fullBody: Required<CreateRequestBody> = {
  accountId: '111111111111',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
  customPolicy: '{}',
  durationMinutes: 60,
  reason: 'incident 42',
  ticket: 'OPS-1',
  startAt: '2026-12-05T10:00:00Z',
  extendsRequestId: 'JIT-ABCDEF',
  breakGlass: true,
};

const body = {
  accountId: '111111111111',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
  durationMinutes: 60,
  reason: 'incident 42',
};

describe('API schemas', () => {
  it('accept every field the request and config types have', () => {
    expect(createRequestBodySchema.parse(fullBody)).toEqual(fullBody);
    const update = {
      onboarded: true,
      enabledPermissionSetArns: ['arn:1'],
      customPolicyAllowed: true,
      breakGlassAllowed: false,
      assignedOwners: ['group:default/team-alpha'],
    };
    expect(accountConfigUpdateSchema.parse(update)).toEqual(update);
    const settings = {
      requireRejectionComment: true,
      pendingTimeoutMinutes: 60,
      customMaxDurationMinutes: 120,
      allowRequestsWithoutApprover: false,
    };
    expect(settingsSchema.parse(settings)).toEqual(settings);
  });

  it.each([
    [{ ...body, accountId: '1234' }, 'accountId: must be a 12-digit AWS account id'],
    [{ ...body, durationMinutes: 5 }, 'durationMinutes: Number must be greater than or equal to 15'],
    [{ ...body, durationMinutes: 60 * 24 * 400 }, 'durationMinutes: Number must be less than or equal to'],
    [{ ...body, reason: '   ' }, 'reason: is required'],
    [{ ...body, extendsRequestId: 'REQ-1' }, 'extendsRequestId: is not a request id'],
    [{ ...body, colour: 'red' }, "Unrecognized key(s) in object: 'colour'"],
  ])('refuse a bad request body, naming the field (%#)', (input, message) => {
    const result = createRequestBodySchema.safeParse(input);
    expect(result.success).toBe(false);
    const said = result.success ? '' : result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ');
    expect(said.replace(/^: /, '')).toContain(message);
  });

  it('trim the reason and accept a valid body', () => {
    expect(createRequestBodySchema.parse({ ...body, reason: '  incident 42 ' }).reason).toBe('incident 42');
  });

  it('read a list query: statuses split, times to epoch ms, the page limit defaulted and capped', () => {
    expect(
      requestListQuerySchema.parse({ view: 'history', status: 'active,expired', createdAfter: '2026-12-01T00:00:00Z' }),
    ).toEqual({ view: 'history', status: ['active', 'expired'], createdAfter: Date.parse('2026-12-01T00:00:00Z'), limit: 50 });
    expect(requestListQuerySchema.safeParse({ status: 'active,nope' }).success).toBe(false);
    expect(requestListQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
  });

  it('read the activity window in days, 1 to 90, 30 by default', () => {
    expect(activityQuerySchema.parse({})).toEqual({ days: 30 });
    expect(activityQuerySchema.parse({ days: '7' })).toEqual({ days: 7 });
    expect(activityQuerySchema.safeParse({ days: '91' }).success).toBe(false);
    expect(activityQuerySchema.safeParse({ days: '1.5' }).success).toBe(false);
  });
});
