import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical, type CborValue } from '../../../native/cbor';
import { assembleReports } from '../../../native/ctaphid/framing';
import { decodeGetAssertionResponse } from '../../../native/ctap2/assertion';
import {
  decodeKeyAgreementResponse,
  decodePinTokenResponse,
  decodeRetriesResponse,
  decodeUvRetriesResponse,
} from '../../../native/ctap2/clientPin';
import {
  decodeCredentialResponse,
  decodeMetadataResponse,
  decodeRpResponse,
} from '../../../native/ctap2/credMgmt';
import { decodeMakeCredentialResponse } from '../../../native/ctap2/credential';
import { authenticatorInfoToJson, decodeGetInfoResponse } from '../../../native/ctap2/info';
import { pinProtocolOne, pinProtocolTwo } from '../../../native/ctap2/pinProtocol';
import { decodeResponse } from '../../../native/ctap2/sendCbor';
import { CtapError } from '../../../native/ctap2/status';
import { TransportError } from '../../../native/errors';
import { parseAttestationObject } from '../../../native/webauthn/attestation';
import { parseAuthenticatorData } from '../../../native/webauthn/authData';
import { coseKeyToJwk } from '../../../native/webauthn/cose';
import { captureMessages, loadWireData } from './helpers';

const wire = loadWireData();

/** CTAP reply bodies (status ‖ CBOR) of a capture, one per message. */
function replies(name: string): Uint8Array[] {
  return captureMessages(wire.captures[name]).map((reports) => {
    const cid = new DataView(reports[0].buffer).getUint32(0);
    return assembleReports(cid, reports).payload;
  });
}

describe('recorded real-key replies (libfido2 wiredata, YubiKey 5.2.1)', () => {
  it('getInfo: FIDO_2_3, unknown keys up to 0x1F kept, defaults filled', () => {
    const [reply] = replies('ctap_cbor_info');
    const info = decodeGetInfoResponse(decodeResponse(reply, 0x04));
    expect(info.versions).toContain('FIDO_2_3');
    expect(info.versions).toContain('FIDO_2_1_PRE');
    expect(info.aaguid).toBe('f8a011f3-8c0a-4d15-8006-17111f9edc7d');
    expect(info.extensions).toContain('hmac-secret');
    expect(info.options.clientPin).toBe(false);
    expect(info.options.credMgmt).toBe(true);
    expect(info.maxMsgSize).toBe(1536);
    expect(info.pinUvAuthProtocols).toEqual([2, 1]);
    // CTAP 2.2 members: the key's own PIN rules and reset gesture
    expect(info.pinComplexityPolicy).toBe(true);
    expect(info.pinComplexityPolicyUrl).toBe('https://example.com');
    expect(info.maxPinLength).toBe(63);
    expect(info.longTouchForReset).toBe(true);
    expect(info.transportsForReset).toEqual(['usb', 'smart-card']);
    expect(info.authenticatorConfigCommands).toEqual([1, 2, 3]);
    // opaque members are kept raw
    const unknownKeys = Object.keys(info.unknown).map(Number);
    expect(unknownKeys.sort((a, b) => a - b)).toEqual([0x19, 0x1e]);
    expect(JSON.parse(JSON.stringify(authenticatorInfoToJson(info))).aaguid).toBe(info.aaguid);
  });

  it('getKeyAgreement: an EC2 P-256 COSE key', () => {
    const [reply] = replies('ctap_cbor_authkey');
    const key = decodeKeyAgreementResponse(decodeResponse(reply));
    expect(key.get(1)).toBe(2);
    expect(key.get(-1)).toBe(1);
    expect((key.get(-2) as Uint8Array).length).toBe(32);
  });

  it('getPinToken: the encrypted token has the protocol-1 shape (key unknown)', () => {
    const [reply] = replies('ctap_cbor_pintoken');
    const body = decodeResponse(reply) as Map<number, Uint8Array>;
    expect(body.get(2)).toBeInstanceOf(Uint8Array);
    expect(body.get(2)!.length % 16).toBe(0);
    // decrypting with a wrong shared secret still yields a 16/32-byte token or a typed error
    const token = decodePinTokenResponse(body, pinProtocolOne, new Uint8Array(32));
    expect([16, 32]).toContain(token.length);
  });

  it('status-only reply and getRetries', () => {
    expect(decodeResponse(replies('ctap_cbor_status')[0])).toBeUndefined();
    expect(decodeRetriesResponse(decodeResponse(replies('ctap_cbor_retries')[0]))).toEqual({
      retries: 8,
      powerCycleRequired: false,
    });
  });

  it('getAssertion', () => {
    const [reply] = replies('ctap_cbor_assert');
    const a = decodeGetAssertionResponse(decodeResponse(reply));
    expect(a.credential.id.length).toBeGreaterThan(0);
    expect(a.authenticatorData.rpIdHash.length).toBe(32);
    expect(a.signature.length).toBeGreaterThan(60);
  });

  it('makeCredential: packed attestation with attested credential data', () => {
    const [reply] = replies('ctap_cbor_cred');
    const r = decodeMakeCredentialResponse(decodeResponse(reply));
    expect(r.fmt).toBe('packed');
    expect(r.authenticatorData.flags.at).toBe(true);
    const att = r.authenticatorData.attestedCredentialData!;
    expect(att.aaguid).toBe('f8a011f3-8c0a-4d15-8006-17111f9edc7d');
    expect(coseKeyToJwk(att.publicKey).kty).toBe('EC');
    expect(r.attStmt.get('x5c')).toBeInstanceOf(Array);
    const reparsed = parseAttestationObject(r.attestationObject);
    expect(reparsed.fmt).toBe('packed');
    expect(reparsed.authData).toEqual(r.authData);
  });

  it('credentialManagement: metadata, RPs and credentials', () => {
    const meta = decodeMetadataResponse(decodeResponse(replies('ctap_cbor_credman_meta')[0]));
    expect(meta).toEqual({
      existingResidentCredentialsCount: 0,
      maxPossibleRemainingResidentCredentialsCount: 25,
    });
    const rps = replies('ctap_cbor_credman_rplist').map((r) => decodeRpResponse(decodeResponse(r)));
    expect(rps).toHaveLength(3);
    expect(rps[0].total).toBe(3);
    expect(rps.every((r) => r.rp.rpIdHash.length === 32 && r.rp.rp.id.length > 0)).toBe(true);
    const creds = replies('ctap_cbor_credman_rklist').map((r) =>
      decodeCredentialResponse(decodeResponse(r)),
    );
    expect(creds).toHaveLength(5);
    expect(creds[0].total).toBe(5);
    expect(
      creds.every(
        (c) =>
          c.credential.user.id.length > 0 &&
          [1, 2, 3].includes(c.credential.publicKey.get(1) as number),
      ),
    ).toBe(true);
  });

  it('keepalive capture is a KEEPALIVE with status UPNEEDED', () => {
    const [reports] = captureMessages(wire.captures.ctap_keepalive);
    const m = assembleReports(0x00220002, reports);
    expect(m.command).toBe(0x3b);
    expect(m.payload[0]).toBe(2);
  });
});

describe('status byte → CtapError', () => {
  it('keeps unknown codes', () => {
    expect(() => decodeResponse(Uint8Array.of(0x31), 6)).toThrow(
      expect.objectContaining({ status: 'PIN_INVALID', command: 6 }),
    );
    const e = (() => {
      try {
        decodeResponse(Uint8Array.of(0xf3));
      } catch (err) {
        return err as CtapError;
      }
    })();
    expect(e).toBeInstanceOf(CtapError);
    expect(e?.code).toBe(0xf3);
    expect(e?.status).toBe('UNKNOWN');
  });
  it('truncated CBOR after status 0 → TransportError invalid-cbor', () => {
    const full = encodeCanonical(new Map([[1, new Uint8Array(40)]]));
    const reply = new Uint8Array(1 + full.length - 5);
    reply.set(full.subarray(0, full.length - 5), 1);
    expect(() => decodeResponse(reply)).toThrow(expect.objectContaining({ code: 'invalid-cbor' }));
    expect(() => decodeResponse(new Uint8Array(0))).toThrow(TransportError);
  });
});

/** Arbitrary CBOR-shaped values with CTAP-ish keys, to feed every decoder. */
const cborValue: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -300, max: 70000 }),
    fc.string({ maxLength: 12 }),
    fc.boolean(),
    fc.uint8Array({ maxLength: 70 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.integer({ min: -3, max: 0x20 }),
            fc.constantFrom('id', 'name', 'type', 'fmt', 'rk'),
          ),
          tie('v'),
        ),
        {
          maxLength: 8,
        },
      )
      .map((entries) => new Map<CborValue, CborValue>(entries)),
  ),
})).v;

const decoders: [string, (v: unknown) => unknown][] = [
  ['getInfo', decodeGetInfoResponse],
  ['keyAgreement', decodeKeyAgreementResponse],
  ['retries', decodeRetriesResponse],
  ['uvRetries', decodeUvRetriesResponse],
  ['pinToken p1', (v) => decodePinTokenResponse(v, pinProtocolOne, new Uint8Array(32))],
  ['pinToken p2', (v) => decodePinTokenResponse(v, pinProtocolTwo, new Uint8Array(64))],
  ['makeCredential', decodeMakeCredentialResponse],
  ['getAssertion', (v) => decodeGetAssertionResponse(v)],
  ['credMgmt metadata', decodeMetadataResponse],
  ['credMgmt rp', decodeRpResponse],
  ['credMgmt credential', decodeCredentialResponse],
];

describe('decoder fuzzing: typed errors only', () => {
  it.each(decoders)('%s on arbitrary CBOR values', (_name, decode) => {
    fc.assert(
      fc.property(cborValue, (v) => {
        try {
          decode(v);
        } catch (e) {
          expect(e).toBeInstanceOf(TransportError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every decoder on mutated/truncated recorded replies', () => {
    const samples: [string, (v: unknown) => unknown][] = [
      ['ctap_cbor_info', decodeGetInfoResponse],
      ['ctap_cbor_cred', decodeMakeCredentialResponse],
      ['ctap_cbor_assert', (v) => decodeGetAssertionResponse(v)],
      ['ctap_cbor_credman_rklist', decodeCredentialResponse],
    ];
    for (const [name, decode] of samples) {
      const reply = replies(name)[0];
      fc.assert(
        fc.property(
          fc.nat(reply.length),
          fc.array(fc.tuple(fc.nat(reply.length - 1), fc.nat(255)), { maxLength: 3 }),
          (cut, muts) => {
            const bytes = new Uint8Array(reply.subarray(0, Math.max(1, cut)));
            for (const [i, v] of muts) if (i > 0 && i < bytes.length) bytes[i] = v;
            try {
              decode(decodeResponse(bytes));
            } catch (e) {
              expect(e instanceof TransportError || e instanceof CtapError).toBe(true);
            }
          },
        ),
        { numRuns: 200 },
      );
    }
  });

  it('authenticator data and attestation objects from arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(255), (bytes, flags) => {
        const b = new Uint8Array(Math.max(bytes.length, 0));
        b.set(bytes);
        if (b.length > 32) b[32] = flags;
        for (const parse of [parseAuthenticatorData, parseAttestationObject]) {
          try {
            parse(b);
          } catch (e) {
            expect(e).toBeInstanceOf(TransportError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('CTAP 2.0-era keys', () => {
  it('a minimal getInfo gets spec defaults; PIN protocol 1 and preview credMgmt are chosen', async () => {
    const { credMgmtCommand } = await import('../../../native/ctap2/credMgmt');
    const { selectPinProtocol } = await import('../../../native/ctap2/clientPin');
    const info = decodeGetInfoResponse(
      new Map<number, unknown>([
        [1, ['U2F_V2', 'FIDO_2_0']],
        [3, new Uint8Array(16)],
        [
          4,
          new Map<unknown, unknown>([
            ['credentialMgmtPreview', true],
            ['clientPin', true],
            [7, 'junk'],
          ]),
        ],
      ]),
    );
    expect(info).toMatchObject({
      maxMsgSize: 1024,
      minPinLength: 4,
      forcePinChange: false,
      pinUvAuthProtocols: [],
    });
    expect(info.options).toEqual({ credentialMgmtPreview: true, clientPin: true });
    expect(selectPinProtocol(info)).toBe(1);
    expect(credMgmtCommand(info)).toBe(0x41);
    expect(
      credMgmtCommand({ ...info, options: { credMgmt: true, credentialMgmtPreview: true } }),
    ).toBe(0x0a);
  });

  it('getInfo without versions or with a bad aaguid is invalid-cbor', () => {
    expect(() => decodeGetInfoResponse(new Map([[3, new Uint8Array(16)]]))).toThrow(TransportError);
    expect(() =>
      decodeGetInfoResponse(
        new Map<number, unknown>([
          [1, ['FIDO_2_0']],
          [3, new Uint8Array(15)],
        ]),
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid-cbor' }));
  });
});
