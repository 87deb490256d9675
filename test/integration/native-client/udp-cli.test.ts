/**
 * Interop over UDP: our client and CLI against B's `keystation-virtual-key` server (a separate
 * process, as a user would run it), and a full ceremony through the UDP backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError, openAuthenticator } from '../../../native';
import { sha256 } from '../../../native/ctap2/pinProtocol';
import { startUdpVirtualKey } from '../../../native/virtual-key';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${root}bin/keystation-key.mjs`;
const SERVER = `${root}bin/keystation-virtual-key.mjs`;

function cli(
  args: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    if (process.env.DEBUG_CLI) console.log('cli', args.join(' '));
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: root, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (process.env.DEBUG_CLI) console.log(stdout, stderr);
        resolve({ code: error ? ((error as { code?: number }).code ?? 99) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

describe('keystation-key CLI against keystation-virtual-key over UDP', () => {
  let server: ChildProcess;
  let device: string;

  beforeAll(async () => {
    server = spawn(process.execPath, [SERVER, '--port', '0', '--seed', 'cli-interop'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    device = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('virtual key did not start')), 20_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        const m = /udp:127\.0\.0\.1:\d+/.exec(chunk.toString());
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
    });
  }, 30_000);

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it('reset (within the power-up window), info --json, set-pin, make-credential, get-assertion, creds, config, change-pin', async () => {
    const d = ['--device', device];
    expect((await cli([...d, 'reset', '--yes'])).code).toBe(0);
    const info = await cli([...d, 'info', '--json']);
    expect(info.code).toBe(0);
    const json = JSON.parse(info.stdout) as {
      versions: string[];
      aaguid: string;
      options: Record<string, boolean>;
      pinUvAuthProtocols: number[];
      maxMsgSize: number;
    };
    expect(json.versions).toContain('FIDO_2_1');
    expect(json.aaguid).toBe('a8d6d8f2-5b9c-4e3a-9c71-4b657973744e');
    expect(json.pinUvAuthProtocols).toEqual([2, 1]);
    expect(json.maxMsgSize).toBeGreaterThan(0);
    expect(json.options.clientPin).toBe(false);

    expect((await cli([...d, 'set-pin'], '4321\n')).code).toBe(0);
    const wrong = await cli(
      [...d, 'make-credential', '--rp', 'example.com', '--user', 'anna', '--rk'],
      '0000\n',
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Wrong PIN\. 7 attempt/);
    const made = await cli(
      [...d, '--json', 'make-credential', '--rp', 'example.com', '--user', 'anna', '--rk'],
      '4321\n',
    );
    expect(made.code).toBe(0);
    const reg = JSON.parse(made.stdout) as { id: string; response: { attestationObject: string } };
    expect(reg.response.attestationObject.length).toBeGreaterThan(100);
    const got = await cli([...d, '--json', 'get-assertion', '--rp', 'example.com']);
    expect(got.code).toBe(0);
    expect((JSON.parse(got.stdout) as { id: string }).id).toBe(reg.id);

    const list = await cli([...d, '--json', 'creds', 'list'], '4321\n');
    expect(list.code).toBe(0);
    const creds = JSON.parse(list.stdout) as {
      existingResidentCredentialsCount: number;
      rps: { credentials: { credentialId: string }[] }[];
    };
    expect(creds.existingResidentCredentialsCount).toBe(1);
    expect(creds.rps[0].credentials[0].credentialId).toBe(reg.id);
    expect((await cli([...d, 'creds', 'delete', reg.id], '4321\n')).code).toBe(0);

    expect((await cli([...d, 'config', 'force-pin-change'], '4321\n')).code).toBe(0);
    const must = await cli([...d, 'creds', 'list'], '4321\n');
    expect(must.code).toBe(2);
    expect(must.stderr).toMatch(/requires a new PIN/);
    expect((await cli([...d, 'change-pin'], '4321\n123456\n')).code).toBe(0);
    expect((await cli([...d, 'config', 'min-pin-length', '6'], '123456\n')).code).toBe(0);
    const short = await cli([...d, 'change-pin'], '123456\n12345\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 6/);
    const retries = await cli([...d, 'retries', '--json']);
    expect(JSON.parse(retries.stdout)).toEqual({ retries: 8, powerCycleRequired: false });
    // ~17 CLI processes, each starting tsx: generous on a shared, loaded machine
  }, 240_000);

  it('never takes a PIN from argv; unreachable device is a plain transport error', async () => {
    const r = await cli(['--device', device, 'set-pin', '--pin', '1234']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/never taken from arguments/);
    const gone = await cli(['--device', 'udp:127.0.0.1:9', 'info']);
    expect(gone.code).toBe(3);
    expect(gone.stderr.split('\n')[0]).not.toMatch(/at .*\.ts/);
  });
});

describe('UDP backend in-process', () => {
  it('full ceremony over UDP; server gone → TransportError', async () => {
    const udp = await startUdpVirtualKey({ seed: 'udp-inproc' });
    const ctap = await openAuthenticator(udp.path);
    await ctap.clientPin.setPin('1234');
    const token = await ctap.clientPin.getPinToken('1234', {
      permissions: ['mc', 'ga'],
      rpId: 'example.com',
    });
    const cdh = sha256(Uint8Array.of(1));
    const made = await ctap.makeCredential({
      clientDataHash: cdh,
      rp: { id: 'example.com' },
      user: { id: Uint8Array.of(1) },
      residentKey: true,
      pinUvAuthToken: token,
    });
    // A token's mc/ga permissions are spent by one use (CTAP 2.1 §6.1.2: clearPinUvAuthTokenPermissionsExceptLbw).
    await expect(
      ctap.getAssertion({ rpId: 'example.com', clientDataHash: cdh, pinUvAuthToken: token }),
    ).rejects.toMatchObject({
      status: 'PIN_AUTH_INVALID',
    });
    const gaToken = await ctap.clientPin.getPinToken('1234', {
      permissions: ['ga'],
      rpId: 'example.com',
    });
    const a = await ctap.getAssertion({
      rpId: 'example.com',
      clientDataHash: cdh,
      pinUvAuthToken: gaToken,
    });
    expect(a.credential.id).toEqual(made.authenticatorData.attestedCredentialData!.credentialId);
    expect(a.authenticatorData.flags.uv).toBe(true);
    await udp.close();
    const e = await ctap.getInfo({ timeoutMs: 500 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TransportError);
    await ctap.close();
  });
});
