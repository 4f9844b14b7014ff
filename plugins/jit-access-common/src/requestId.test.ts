import { formatRequestId, isRequestId } from './requestId';

describe('request ids', () => {
  it('are JIT- and six Crockford base32 characters', () => {
    const id = formatRequestId(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(id).toMatch(/^JIT-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(isRequestId(id)).toBe(true);
    expect(isRequestId('JIT-IIIIII')).toBe(false);
  });
  it('differ for different random bytes', () => {
    expect(formatRequestId(new Uint8Array([0, 0, 0, 1]))).not.toBe(formatRequestId(new Uint8Array([0, 0, 0, 2])));
  });
});
