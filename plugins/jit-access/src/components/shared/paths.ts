/**
 * Where the JIT Access page is mounted. Both frontend systems mount it at
 * `/jit-access` by default; links from entity pages use this.
 */
export const JIT_ACCESS_PATH = '/jit-access';

export function requestPath(id: string) {
  return `${JIT_ACCESS_PATH}/requests/${encodeURIComponent(id)}`;
}

export const configPath = `${JIT_ACCESS_PATH}/config`;
