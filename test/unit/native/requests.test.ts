/**
 * Exact request bytes of every command, pinned against python-fido2 0.9.1 (an independent
 * client; see golden/make-*-golden.py) with the same inputs and the same random stream.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  encodeGetAssertionRequest,
  encodeGetNextAssertionRequest,
} from '../../../native/ctap2/assertion';
import {
  checkPinRules,
  encodeChangePinRequest,
  encodeGetKeyAgreementRequest,
  encodeGetPinTokenRequest,
  encodeGetRetriesRequest,
  encodeGetUvRetriesRequest,
  encodeSetPinRequest,
  padPin,
  type PinUvAuthToken,
} from '../../../native/ctap2/clientPin';
import { CtapCommand } from '../../../native/ctap2/commands';
import {
  ConfigSubCommand,
  encodeConfigRequest,
  encodeSetMinPinLengthParams,
} from '../../../native/ctap2/config';
import {
  CredMgmtSubCommand,
  CredMgmtSubParam,
  encodeCredMgmtRequest,
} from '../../../native/ctap2/credMgmt';
import { encodeMakeCredentialRequest } from '../../../native/ctap2/credential';
import { encodeGetInfoRequest } from '../../../native/ctap2/info';
import { pinProtocol, sha256 } from '../../../native/ctap2/pinProtocol';
import { encodeCommand, params } from '../../../native/ctap2/sendCbor';
import { encodeCredentialDescriptor } from '../../../native/ctap2/decode';
import { deterministicRandom, hex, loadPinGolden, toHex } from './helpers';

const pinGolden = loadPinGolden();
const golden = JSON.parse(
  readFileSync(fileURLToPath(new URL('./golden/command-golden.json', import.meta.url)), 'utf8'),
) as Record<string, string> & { inputs: Record<string, string> };
const TOKEN = hex(golden.inputs.token);
const CDH = hex(golden.inputs.clientDataHash);
const CRED = hex(golden.inputs.credentialId);
const USER_ID = hex(golden.inputs.userId);
const peerKey = new Map<number, number | Uint8Array>([
  [1, 2],
  [3, -25],
  [-1, 1],
  [-2, hex(pinGolden.authenticatorKeyAgreement.x)],
  [-3, hex(pinGolden.authenticatorKeyAgreement.y)],
]);
const token = (protocol: 1 | 2): PinUvAuthToken => ({ protocol, token: TOKEN, permissions: [] });

describe.each([1, 2] as const)('clientPIN requests, PIN/UV auth protocol %i', (v) => {
  const g = pinGolden[`p${v}`];
  const proto = pinProtocol(v);
  const cmd = (p: Map<number, unknown>) => toHex(encodeCommand(CtapCommand.clientPIN, p as never));

  it('getRetries, getKeyAgreement, getUVRetries', () => {
    expect(cmd(encodeGetRetriesRequest(v))).toBe(g.getRetries);
    expect(cmd(encodeGetKeyAgreementRequest(v))).toBe(g.getKeyAgreement);
    expect(cmd(encodeGetUvRetriesRequest(v))).toBe(`06a2010${v}0207`);
  });

  it('setPIN', () => {
    expect(cmd(encodeSetPinRequest(proto, peerKey, '1234', deterministicRandom()))).toBe(g.setPin);
  });

  it('changePIN', () => {
    expect(
      cmd(encodeChangePinRequest(proto, peerKey, '1234', 'ünïcødé-PIN', deterministicRandom())),
    ).toBe(g.changePin);
  });

  it('getPinToken (0x05) and getPinUvAuthTokenUsingPinWithPermissions (0x09, mc|ga, rpId)', () => {
    expect(
      cmd(
        encodeGetPinTokenRequest(proto, peerKey, '1234', {}, false, deterministicRandom()).request,
      ),
    ).toBe(g.getPinToken);
    expect(
      cmd(
        encodeGetPinTokenRequest(
          proto,
          peerKey,
          '1234',
          { permissions: ['mc', 'ga'], rpId: 'example.com' },
          true,
          deterministicRandom(),
        ).request,
      ),
    ).toBe(g.getPinUvAuthTokenUsingPinWithPermissions);
  });
});

describe.each([1, 2] as const)('token-authenticated commands, protocol %i', (v) => {
  it('makeCredential (rk, excludeList, credProtect, hmac-secret, pinUvAuthParam)', () => {
    const req = encodeMakeCredentialRequest({
      clientDataHash: CDH,
      rp: { id: 'example.com', name: 'Example' },
      user: { id: USER_ID, name: 'anna', displayName: 'Anna A' },
      excludeList: [{ type: 'public-key', id: CRED }],
      residentKey: true,
      pinUvAuthToken: token(v),
      extensions: { credProtect: 2, hmacSecret: true },
    });
    expect(toHex(encodeCommand(CtapCommand.makeCredential, req))).toBe(
      golden[`makeCredential_p${v}`],
    );
  });

  it('getAssertion (allowList, pinUvAuthParam)', () => {
    const req = encodeGetAssertionRequest({
      rpId: 'example.com',
      clientDataHash: CDH,
      allowList: [{ type: 'public-key', id: CRED }],
      pinUvAuthToken: token(v),
    });
    expect(toHex(encodeCommand(CtapCommand.getAssertion, req))).toBe(golden[`getAssertion_p${v}`]);
  });

  it('credentialManagement sub-commands', () => {
    const cm = (sub: number, p?: Map<number, never>) =>
      toHex(
        encodeCommand(CtapCommand.credentialManagement, encodeCredMgmtRequest(sub, p, token(v))),
      );
    expect(cm(CredMgmtSubCommand.getCredsMetadata)).toBe(golden[`credMgmt_metadata_p${v}`]);
    expect(cm(CredMgmtSubCommand.enumerateRPsBegin)).toBe(golden[`credMgmt_rpsBegin_p${v}`]);
    expect(
      cm(
        CredMgmtSubCommand.enumerateCredentialsBegin,
        params([
          [CredMgmtSubParam.rpIDHash, sha256(new TextEncoder().encode('example.com'))],
        ]) as never,
      ),
    ).toBe(golden[`credMgmt_credsBegin_p${v}`]);
    const credId = encodeCredentialDescriptor({ type: 'public-key', id: CRED });
    expect(
      cm(
        CredMgmtSubCommand.deleteCredential,
        params([[CredMgmtSubParam.credentialID, credId]]) as never,
      ),
    ).toBe(golden[`credMgmt_delete_p${v}`]);
    const user = new Map<string, string | Uint8Array>([
      ['id', USER_ID],
      ['name', 'anna2'],
      ['displayName', 'Anna B'],
    ]);
    expect(
      cm(
        CredMgmtSubCommand.updateUserInformation,
        params([
          [CredMgmtSubParam.credentialID, credId],
          [CredMgmtSubParam.user, user],
        ]) as never,
      ),
    ).toBe(golden[`credMgmt_updateUser_p${v}`]);
  });

  it('authenticatorConfig toggleAlwaysUv and setMinPINLength (minPinLengthRPIDs, forceChangePin)', () => {
    const cfg = (sub: number, p?: Map<number, never>) =>
      toHex(encodeCommand(CtapCommand.config, encodeConfigRequest(sub, token(v), p)));
    expect(cfg(ConfigSubCommand.toggleAlwaysUv)).toBe(golden[`config_toggleAlwaysUv_p${v}`]);
    const p = encodeSetMinPinLengthParams({
      newMinPinLength: 6,
      minPinLengthRpIds: ['example.com'],
      forceChangePin: true,
    });
    expect(cfg(ConfigSubCommand.setMinPINLength, p as never)).toBe(
      golden[`config_setMinPinLength_p${v}`],
    );
  });
});

describe('commands without parameters or auth', () => {
  it('getInfo, getNextAssertion, reset, selection', () => {
    expect(toHex(encodeGetInfoRequest())).toBe(golden.getInfo);
    expect(toHex(encodeGetNextAssertionRequest())).toBe(golden.getNextAssertion);
    expect(toHex(encodeCommand(CtapCommand.reset))).toBe(golden.reset);
    expect(toHex(encodeCommand(CtapCommand.selection))).toBe(golden.selection);
  });

  it('credMgmt GetNext sub-commands carry no auth; preview command 0x41', () => {
    expect(
      toHex(
        encodeCommand(
          CtapCommand.credentialManagement,
          encodeCredMgmtRequest(CredMgmtSubCommand.enumerateRPsGetNextRP),
        ),
      ),
    ).toBe(golden.credMgmt_rpsNext);
    expect(
      toHex(
        encodeCommand(
          CtapCommand.credentialManagement,
          encodeCredMgmtRequest(CredMgmtSubCommand.enumerateCredentialsGetNextCredential),
        ),
      ),
    ).toBe(golden.credMgmt_credsNext);
    expect(
      toHex(
        encodeCommand(
          CtapCommand.credentialManagementPreview,
          encodeCredMgmtRequest(CredMgmtSubCommand.getCredsMetadata, undefined, token(1)),
        ),
      ),
    ).toBe(golden.credMgmtPreview_metadata_p1);
  });

  it('getAssertion with up=false and no token', () => {
    expect(
      toHex(
        encodeCommand(
          CtapCommand.getAssertion,
          encodeGetAssertionRequest({
            rpId: 'example.com',
            clientDataHash: CDH,
            userPresence: false,
          }),
        ),
      ),
    ).toBe(golden.getAssertion_upFalse);
  });

  it('enterprise attestation is never sent unless asked', () => {
    const base = { clientDataHash: CDH, rp: { id: 'example.com' }, user: { id: USER_ID } };
    expect(encodeMakeCredentialRequest(base).has(0x0a)).toBe(false);
    expect(encodeMakeCredentialRequest({ ...base, enterpriseAttestation: 1 }).get(0x0a)).toBe(1);
  });
});

describe('PIN rules (§6.5.1)', () => {
  it('≥ 4 code points (or the key minimum), ≤ 63 bytes, padded to 64', () => {
    expect(checkPinRules('123')).toBe('too-short');
    expect(checkPinRules('1234')).toBeNull();
    expect(checkPinRules('😀😀😀😀')).toBeNull(); // 4 code points, 16 bytes
    expect(checkPinRules('12345', 6)).toBe('too-short');
    expect(checkPinRules('a'.repeat(63))).toBeNull();
    expect(checkPinRules('a'.repeat(64))).toBe('too-long');
    expect(checkPinRules('é'.repeat(32))).toBe('too-long'); // 64 bytes
    expect(checkPinRules('e\u0301e\u0301')).toBe('too-short'); // NFC → 2 code points
    const padded = padPin('1234');
    expect(padded.length).toBe(64);
    expect(toHex(padded.subarray(0, 5))).toBe('3132333400');
  });
});
