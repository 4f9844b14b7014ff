import type { z } from 'zod';
import type { AccountConfigUpdate, CreateRequestBody, JitSettings } from '../types';
import {
  accountConfigUpdateSchema,
  activityQuerySchema,
  createRequestBodySchema,
  requestListQuerySchema,
  settingsSchema,
} from './schemas';

// The interfaces the client sends and the schemas the router parses with
// are the same contract: each is assignable to the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contract: [
  Same<z.output<typeof createRequestBodySchema>, CreateRequestBody>,
  Same<z.output<typeof accountConfigUpdateSchema>, AccountConfigUpdate>,
  Same<z.output<typeof settingsSchema>, JitSettings>,
] = [true, true, true];

const body = {
  accountId: '111111111111',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
  durationMinutes: 60,
  reason: 'incident 42',
};

describe('API schemas', () => {
  it('match the request and config types', () => {
    expect(contract).toEqual([true, true, true]);
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
