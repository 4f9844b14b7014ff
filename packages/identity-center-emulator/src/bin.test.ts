import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { raw } from './__testUtils__/sdk';

const BIN = path.resolve(__dirname, '../bin/identity-center-emulator');

jest.setTimeout(30_000);

describe('bin/identity-center-emulator', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
  });

  it('starts from the TypeScript sources, prints its URL and serves the demo data', async () => {
    child = spawn(
      process.execPath,
      [BIN, '--port', '0', '--assignment-delay-ms', '10'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', d => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child!.stderr!.on('data', d => {
        out += d;
      });
      child!.on('exit', code =>
        reject(new Error(`exited with ${code}: ${out}`)),
      );
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await raw(`${url}/_emulator/health`);
    expect(health.body).toMatchObject({
      status: 'ok',
      identityStoreId: 'd-9067a1b2c3',
    });
  });

  it('refuses unknown options', async () => {
    child = spawn(process.execPath, [BIN, '--prot', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', d => {
      err += d;
    });
    const code = await new Promise(resolve => child!.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('Unknown option --prot');
  });
});
