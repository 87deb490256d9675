import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError, main, parseArgs } from '../../../native/cli/main';
import { PinInput } from '../../../native/cli/pinInput';
import { VirtualKey } from '../../../native/virtual-key';
import { startUdpVirtualKey } from '../../../native/virtual-key';

function io(stdin = '') {
  const input = new PassThrough();
  input.end(stdin);
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      pins: new PinInput(input as unknown as NodeJS.ReadStream),
      listDevices: async () => [],
    },
  };
}

describe('keystation-key argument parsing', () => {
  it('parses options and positionals', () => {
    const a = parseArgs([
      '--device',
      'udp:127.0.0.1:1',
      '--json',
      'config',
      'min-pin-length',
      '6',
      '--rp',
      'a',
      '--rp',
      'b',
    ]);
    expect(a).toMatchObject({
      device: 'udp:127.0.0.1:1',
      json: true,
      positional: ['config', 'min-pin-length', '6'],
      rp: ['a', 'b'],
    });
  });
  it('refuses PINs in argv and unknown options', () => {
    expect(() => parseArgs(['set-pin', '--pin', '1234'])).toThrow(UsageError);
    expect(() => parseArgs(['set-pin', '--pin=1234'])).toThrow(/never taken from arguments/);
    expect(() => parseArgs(['--frobnicate'])).toThrow(UsageError);
    expect(() => parseArgs(['--device'])).toThrow(UsageError);
  });
});

describe('keystation-key main()', () => {
  it('usage errors exit 1; no key found exits 1 with a plain message', async () => {
    const t = io();
    expect(await main([], t.io)).toBe(1);
    expect(await main(['bogus'], t.io)).toBe(1);
    const t2 = io();
    expect(await main(['info'], t2.io)).toBe(1);
    expect(t2.err.join('\n')).toMatch(/No security key found/);
  });

  it('set-pin from stdin, wrong PIN → exit 2 with retries, JSON error object', async () => {
    const udp = await startUdpVirtualKey({ key: new VirtualKey({ seed: 'cli-unit' }) });
    try {
      const d = ['--device', udp.path];
      expect(await main([...d, 'set-pin'], io('1234\n').io)).toBe(0);
      const short = io('12\n');
      expect(await main([...d, 'change-pin'], short.io)).toBe(1);
      const wrong = io('9999\n');
      expect(await main([...d, '--json', 'creds', 'list'], wrong.io)).toBe(2);
      expect(JSON.parse(wrong.out[0])).toMatchObject({ error: { status: 'PIN_INVALID' } });
      expect(wrong.err[0]).toMatch(/Wrong PIN\. 7/);
      const noInput = io('');
      expect(await main([...d, 'creds', 'list'], noInput.io)).toBe(1);
      const info = io();
      expect(await main([...d, 'retries'], info.io)).toBe(0);
      expect(info.out[0]).toMatch(/PIN retries left: 7/);
    } finally {
      await udp.close();
    }
  });
});
