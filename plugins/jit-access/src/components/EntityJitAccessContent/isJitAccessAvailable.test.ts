import type { Entity } from '@backstage/catalog-model';
import { isJitAccessAvailable } from './isJitAccessAvailable';

describe('isJitAccessAvailable', () => {
  const entity = (over: Partial<Entity> & { type?: string; annotations?: Record<string, string> }): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: over.kind ?? 'Resource',
    metadata: { name: 'sandbox', annotations: over.annotations },
    spec: { type: over.type ?? 'aws-account' },
  });

  it('is true for AWS account resources with the account id annotation only', () => {
    const annotations = { 'amazonaws.com/account-id': '111111111111' };
    expect(isJitAccessAvailable(entity({ annotations }))).toBe(true);
    expect(isJitAccessAvailable(entity({ annotations, type: 'cloud-account' }))).toBe(true);
    expect(isJitAccessAvailable(entity({}))).toBe(false);
    expect(isJitAccessAvailable(entity({ annotations, type: 'database' }))).toBe(false);
    expect(isJitAccessAvailable(entity({ annotations, kind: 'Component' }))).toBe(false);
  });
});
