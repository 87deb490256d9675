/**
 * A touch that fails (refused, timed out, cancelled) may have spent or outlived the ceremony's
 * pinUvAuthToken (CTAP 2.1 §6.5.2.1): the retry takes a fresh token from the PIN entered in
 * this ceremony instead of sending the old one again (docs/KEYS.md "Troubleshooting").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualKey } from '../../../native/virtual-key/index';
import type { Ctap2, DeviceTarget } from '../../../native/index';
import { openAuthenticator } from '../../../native/index';
import { addPerson, makeStation, type TestStation } from '../../unit/station/helpers';

const PIN = '482915';

describe('security key flow: a retry after a failed touch', () => {
  let t: TestStation;
  let key: VirtualKey;
  const tokensIssued: string[] = [];
  const tokensSent: string[] = [];
  beforeEach(() => {
    tokensIssued.length = 0;
    tokensSent.length = 0;
    key = new VirtualKey({ touch: 'manual' });
    t = makeStation({
      mode: 'demo',
      securityKeys: {
        async open(device: DeviceTarget, opts: { signal?: AbortSignal }): Promise<Ctap2> {
          const ctap = await openAuthenticator(device, { signal: opts.signal });
          // Record each token the key issued and which one each makeCredential carried.
          const pin = ctap.clientPin;
          const getPinToken = pin.getPinToken.bind(pin);
          pin.getPinToken = async (...args) => {
            const token = await getPinToken(...args);
            tokensIssued.push(Buffer.from(token.token).toString('hex'));
            return token;
          };
          const makeCredential = ctap.makeCredential.bind(ctap);
          ctap.makeCredential = (params, options) => {
            tokensSent.push(tokensIssued[tokensIssued.length - 1] ?? 'none');
            return makeCredential(params, options);
          };
          return ctap;
        },
      },
    });
  });
  afterEach(() => {
    key.unplug();
    t.close();
  });

  it('refused touch, then try again: the second makeCredential carries a new token and succeeds', async () => {
    const p = addPerson(t.station);
    const s = t.station.enroll.securityKey;
    const info = await s.begin(p, key.connect());
    await s.setPin(info.enrollmentId, PIN, PIN);
    const refuse = () => key.deny();
    key.once('upneeded', refuse);
    await expect(s.register(info.enrollmentId)).rejects.toMatchObject({
      code: 'securityKey.cancelled',
    });
    key.once('upneeded', () => key.touch());
    const reg = await s.register(info.enrollmentId);
    expect(reg.attestationFormat).toBe('packed');
    expect(tokensSent).toHaveLength(2);
    expect(tokensIssued).toHaveLength(2);
    expect(tokensSent[1]).not.toBe(tokensSent[0]);
    expect(tokensSent[1]).toBe(tokensIssued[1]);
  });
});
