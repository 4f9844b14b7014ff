/*
 * Lifecycle replicas as child processes (engineWorker.ts), and databases
 * they can share with the test: a SQLite file and, when the PostgreSQL of
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is configured, a fresh
 * PostgreSQL database.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import type { WorkerConfig } from './engineWorker';

export interface EngineWorker {
  readonly process: ChildProcess;
  /** Resolves when the worker ticks; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** kill -9, and wait until it is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait. */
  stop(): Promise<void>;
}

export function startEngineWorker(config: WorkerConfig): EngineWorker {
  return startTsProcess('engineWorker.ts', {
    JIT_ENGINE_WORKER: JSON.stringify(config),
  });
}

/**
 * Runs a TypeScript file of this folder in a child process (with the CLI's
 * transform, as jest would); `ready` resolves with the first stdout line
 * that starts with "ready".
 */
export function startTsProcess(
  file: string,
  env: Record<string, string>,
): EngineWorker & { readonly readyLine: Promise<string> } {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      join(__dirname, file),
    ],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', d => {
    err = `${err}${d}`.slice(-20_000);
  });
  const exited = new Promise<number | null>(resolve =>
    child.on('exit', code => resolve(code)),
  );
  const readyLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', d => {
      out += String(d);
      // complete lines only: a chunk may end in the middle of one
      const line = out
        .split('\n')
        .slice(0, -1)
        .find(l => l.startsWith('ready'));
      if (line !== undefined) resolve(line);
    });
    exited.then(code =>
      reject(
        new Error(`${file} exited (${code}) before it was ready: ${err}`),
      ),
    );
  });
  readyLine.catch(() => undefined);
  const ready = readyLine.then(() => undefined);
  ready.catch(() => undefined);
  return {
    process: child,
    ready,
    readyLine,
    exited,
    stderr: () => err,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface SharedDatabase {
  /** The test's own client. */
  knex: Knex;
  /** What a worker connects with. */
  config: Knex.Config;
  destroy(): Promise<void>;
}

export interface SharedDatabaseKind {
  name: string;
  create(): Promise<SharedDatabase>;
}

const pgUrl = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

const sqliteFile: SharedDatabaseKind = {
  name: 'SQLite file',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'jit-engine-'));
    const config: Knex.Config = {
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'jit.sqlite') },
      useNullAsDefault: true,
    };
    const knex = knexFactory(config);
    return {
      knex,
      config,
      async destroy() {
        await knex.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: SharedDatabaseKind = {
  name: 'PostgreSQL',
  async create() {
    const admin = knexFactory({ client: 'pg', connection: pgUrl });
    const database = `jit_engine_${Date.now()}_${Math.floor(
      Math.random() * 1e6,
    )}`;
    await admin.raw(`CREATE DATABASE ${database}`);
    const url = new URL(pgUrl!);
    url.pathname = `/${database}`;
    const config: Knex.Config = {
      client: 'pg',
      connection: url.toString(),
      pool: { min: 0, max: 10 },
    };
    const knex = knexFactory(config);
    return {
      knex,
      config,
      async destroy() {
        await knex.destroy();
        await admin.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.destroy();
      },
    };
  },
};

/** The databases shared with worker processes: SQLite always, PostgreSQL when configured. */
export function sharedDatabaseKinds(
  options: { postgresOnly?: boolean } = {},
): SharedDatabaseKind[] {
  const kinds = pgUrl ? [sqliteFile, postgres] : [sqliteFile];
  return options.postgresOnly ? kinds.filter(k => k === postgres) : kinds;
}
