// The adoption test's child processes: commands that run to completion
// (create-app, yarn, tsc) and long-running ones (the emulator, yarn start),
// each in its own process group with its output in a log file, all killed
// when the test exits.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const children = new Set();
process.on('exit', () => children.forEach(killTree));
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => process.exit(130));

export function tail(file, n = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

function killTree(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

/**
 * Runs a command to completion without blocking the event loop, so the two
 * apps can be created and installed at the same time. Its stdout and stderr
 * are appended to `log`; a failure rejects with the log's tail.
 */
export function runAsync(cmd, args, { cwd, env, input, log, label, root }) {
  console.log(
    `${label ? `[${label}] ` : ''}$ ${[cmd, ...args].join(' ')}${
      cwd !== root ? `   (in ${cwd})` : ''
    }`,
  );
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const fd = fs.openSync(log, 'a');
  fs.writeSync(fd, `\n$ ${[cmd, ...args].join(' ')}   (in ${cwd})\n`);
  const child = spawn(cmd, args, {
    cwd,
    env,
    stdio: [input === undefined ? 'ignore' : 'pipe', fd, fd],
    detached: true,
  });
  fs.closeSync(fd);
  children.add(child);
  if (input !== undefined) child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', e => {
      children.delete(child);
      reject(new Error(`${cmd} ${args.join(' ')} did not start: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (code === 0) return resolve();
      reject(
        new Error(
          `${cmd} ${args.join(' ')} failed (${
            signal ?? `exit ${code}`
          }); see ${log}:\n${tail(log)}`,
        ),
      );
    });
  });
}

/** A long-running process in its own process group, its output in a log file. */
export function start(name, cmd, args, { cwd, env, logDir }) {
  const log = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(cmd, args, {
    cwd,
    env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  fs.closeSync(fd);
  child.log = log;
  child.label = name;
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export function isRunning(child) {
  return children.has(child);
}

/**
 * Stops a long-running process and everything in its process group. The
 * group is killed even when its leader has already exited: `yarn start`
 * ends when the frontend fails, leaving the backend running.
 */
export async function stop(child) {
  if (children.has(child)) {
    const gone = new Promise(r => child.once('exit', r));
    killTree(child);
    await Promise.race([gone, new Promise(r => setTimeout(r, 10_000))]);
  } else {
    killTree(child);
    await new Promise(r => setTimeout(r, 2_000));
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port) {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Returns at once when the ports are free; otherwise waits until nothing has
 * listened on them for `quietMs` (another test run on this machine may hold
 * them, and restart its servers between its steps), and fails clearly if
 * they stay taken: an app started on a taken port would test whatever else
 * answers there.
 */
export async function waitForFreePorts(
  ports,
  { timeoutMs = 600_000, quietMs = 15_000 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let freeSince;
  let said = false;
  for (;;) {
    const taken = [];
    for (const port of ports) if (await listening(port)) taken.push(port);
    if (!taken.length && !said) return;
    if (taken.length) freeSince = undefined;
    else freeSince ??= Date.now();
    if (freeSince !== undefined && Date.now() - freeSince >= quietMs) return;
    if (taken.length && Date.now() > deadline) {
      throw new Error(
        `ports ${taken.join(', ')} are still taken after ${
          timeoutMs / 1000
        } s; stop what listens there (ss -ltnp)`,
      );
    }
    if (taken.length && !said) {
      console.log(
        `  ports ${taken.join(', ')} are taken by another process; waiting`,
      );
      said = true;
    }
    await new Promise(r => setTimeout(r, 1_000));
  }
}
