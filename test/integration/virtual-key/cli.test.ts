/** The `keystation-virtual-key` binary: one ready line, answers CTAPHID INIT over UDP, clean exit. */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = resolve(__dirname, '../../../bin/keystation-virtual-key.mjs');

describe('keystation-virtual-key CLI', () => {
  it('prints one ready line, serves INIT on 127.0.0.1 and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0', '--touch', 'auto'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    const ready = new Promise<string>((res, rej) => {
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) res(out);
      });
      child.once('exit', (code) => rej(new Error(`exited early with ${code}`)));
    });
    const line = await ready;
    const m = /^keystation-virtual-key listening on udp:127\.0\.0\.1:(\d+)\n$/.exec(line);
    expect(m).not.toBeNull();
    const port = Number(m?.[1]);

    const sock = createSocket('udp4');
    const init = new Uint8Array(64);
    init.set([0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]);
    sock.send(init, port, '127.0.0.1');
    const [reply] = (await once(sock, 'message')) as [Buffer];
    sock.close();
    expect(reply.length).toBe(64);
    expect([...reply.subarray(0, 7)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 0x11]);
    expect([...reply.subarray(7, 15)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('rejects a missing --port with usage and exit code 2', async () => {
    const child = spawn(process.execPath, [bin], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
  });

  it('--profile u2f --count 2: two keys on their own ports, INIT without the CBOR capability', async () => {
    const child = spawn(
      process.execPath,
      [bin, '--port', '0', '--profile', 'u2f', '--count', '2', '--key-time-ms', '10'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.split('\n').length > 2) res();
      });
      child.once('exit', (code) => rej(new Error(`exited early with ${code}`)));
    });
    const ports = [...out.matchAll(/listening on udp:127\.0\.0\.1:(\d+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(ports).toHaveLength(2);
    expect(ports[0]).not.toBe(ports[1]);
    for (const port of ports) {
      const sock = createSocket('udp4');
      const init = new Uint8Array(64);
      init.set([0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]);
      sock.send(init, port, '127.0.0.1');
      const [reply] = (await once(sock, 'message')) as [Buffer];
      sock.close();
      expect(reply[7 + 16]).toBe(0x01); // WINK only: no CBOR, MSG (U2F) supported
    }
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses an unknown --profile with usage and exit code 2', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0', '--profile', 'ctap99'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
  });
});
