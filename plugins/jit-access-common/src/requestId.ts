/** Crockford base32: no I, L, O, U, so ids read aloud without confusion. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A short human request id, `JIT-` and 6 Crockford base32 characters (30
 * bits), from random bytes (at least 4).
 * @public
 */
export function formatRequestId(random: Uint8Array): string {
  if (random.length < 4) throw new Error('formatRequestId needs at least 4 random bytes');
  let n = 0n;
  for (const b of random.slice(0, 8)) n = (n << 8n) | BigInt(b);
  let s = '';
  for (let i = 0; i < 6; i++) {
    s += ALPHABET[Number(n & 31n)];
    n >>= 5n;
  }
  return `JIT-${s}`;
}

/** @public */
export function isRequestId(value: string): boolean {
  return /^JIT-[0-9A-HJKMNP-TV-Z]{6}$/.test(value);
}
