// Helpers shared by the end-to-end tests: demo tokens, API calls, polling.
export const BACKEND = process.env.JIT_E2E_BACKEND ?? 'http://localhost:7007';
// The browser tests load the app where users get it: the production build the
// backend serves (e2e/run.mjs builds it). The dev server runs beside it for the
// load-time comparison.
export const FRONTEND = process.env.JIT_E2E_FRONTEND ?? BACKEND;
export const DEV_SERVER = process.env.JIT_E2E_DEV_SERVER ?? 'http://localhost:3000';
export const EMULATOR = process.env.JIT_E2E_EMULATOR ?? 'http://127.0.0.1:7311';
export const API = `${BACKEND}/api/jit-access`;

const tokens = new Map();

/** A Backstage token for a demo user, the way the demo signs in. */
export async function tokenFor(user) {
  if (!tokens.has(user)) {
    const res = await fetch(`${BACKEND}/api/auth/demo/refresh?user=${user}`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (!res.ok) throw new Error(`demo sign-in as ${user}: ${res.status} ${await res.text()}`);
    const body = await res.json();
    tokens.set(user, body.backstageIdentity.token);
  }
  return tokens.get(user);
}

/** Calls the JIT API as a demo user; returns {status, body}. */
export async function api(user, method, path, body) {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${await tokenFor(user)}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

export async function waitFor(what, fn, { timeoutMs = 60_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

export async function emulatorState() {
  const res = await fetch(`${EMULATOR}/_emulator/state`);
  if (!res.ok) throw new Error(`emulator state: ${res.status}`);
  return res.json();
}
