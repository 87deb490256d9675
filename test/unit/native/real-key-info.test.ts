/**
 * `keystation-key info --json` on the recorded real YubiKey (test/fixtures/real-key-wiredata.json,
 * replies recorded by libfido2), replayed behind node-hid's own API (the backend seam): the
 * model name from its AAGUID, firmware written the way Yubico writes it and the key's PIN
 * rules (docs/KEYS.md "Key manager").
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../native/cli/main';
import { PinInput } from '../../../native/cli/pinInput';
import type { NodeHidBackend, NodeHidDevice } from '../../../native/hid/nodeHid';
import { FIDO_USAGE_PAGE } from '../../../native/hid/connection';
import { loadWireData } from './helpers';

const wire = loadWireData().captures;
const reports = (name: string) => wire[name].map((h) => Buffer.from(h, 'hex'));

/** A node-hid device that answers each request with the recorded reply for its command. */
class ReplayedYubiKey extends EventEmitter implements NodeHidDevice {
  readonly requests: number[] = [];
  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  async write(data: Buffer | number[]): Promise<number> {
    const report = Buffer.from(data).subarray(1); // report ID 0x00 first
    const cmd = report[4];
    if ((cmd & 0x80) === 0) return data.length; // continuation of a request we already answered
    let reply: Buffer[];
    if (cmd === 0x86) {
      // INIT: the recorded reply, carrying this request's nonce.
      reply = reports('ctap_init');
      reply[0] = Buffer.from(reply[0]);
      report.copy(reply[0], 7, 7, 15);
    } else if (cmd === 0x90) {
      const ctapCommand = report[7];
      this.requests.push(ctapCommand);
      if (ctapCommand === 0x04) reply = reports('ctap_cbor_info');
      else if (ctapCommand === 0x06) reply = reports('ctap_cbor_retries');
      else throw new Error(`no recording for CTAP command 0x${ctapCommand.toString(16)}`);
    } else throw new Error(`no recording for CTAPHID command 0x${cmd.toString(16)}`);
    queueMicrotask(() => {
      for (const r of reply) this.emit('data', r);
    });
    return data.length;
  }
  async close(): Promise<void> {
    this.removeAllListeners();
  }
}

describe('keystation-key info on the recorded real key', () => {
  it('shows the model, 5.x.y firmware and the PIN rules (JSON keeps the raw firmware)', async () => {
    const device = new ReplayedYubiKey();
    const nodeHid: NodeHidBackend = {
      devicesAsync: async () => [
        {
          vendorId: 0x1050,
          productId: 0x0407,
          path: '/dev/hidraw7',
          usagePage: FIDO_USAGE_PAGE,
          product: 'YubiKey OTP+FIDO+CCID',
        },
      ],
      HIDAsync: { open: async () => device },
    };
    const out: string[] = [];
    const err: string[] = [];
    const input = new PassThrough();
    input.end('');
    const code = await main(['--json', 'info'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      pins: new PinInput(input as unknown as NodeJS.ReadStream),
      nodeHid,
    });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const info = JSON.parse(out.join('\n')) as Record<string, unknown>;
    expect(info).toMatchObject({
      aaguid: 'f8a011f3-8c0a-4d15-8006-17111f9edc7d',
      model: 'Security Key by Yubico',
      modelKnown: true,
      vendor: 'Yubico',
      // getInfo says firmwareVersion 1; the CTAPHID INIT device version is the real one, as ykman shows.
      firmware: { display: '5.2.1', raw: 1, source: 'ctaphid' },
      pinRules: {
        minLength: 4,
        maxLength: 63,
        complexityPolicy: true,
        complexityPolicyUrl: 'https://example.com',
      },
      resetNeedsLongTouch: true,
    });
    expect(device.requests[0]).toBe(0x04);
  });
});
