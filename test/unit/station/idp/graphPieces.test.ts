import { describe, expect, it } from 'vitest';
import {
  graphPhoneNumber,
  stripAnnotations,
  toProviderMethod,
  tokenProblem,
} from '../../../../main/station/idp/graph';
import { hostOrigin, retryAfterSeconds } from '../../../../main/station/idp/http';

describe('Graph pieces', () => {
  it('strips OData annotations at every depth, keeps everything else exactly', () => {
    expect(
      stripAnnotations({
        '@odata.type': '#microsoft.graph.webauthnCredentialCreationOptions',
        publicKey: {
          '@odata.type': 'x',
          challenge: 'abc',
          rp: { id: 'login.microsoftonline.com', 'name@odata.type': 'y', name: 'Microsoft' },
          pubKeyCredParams: [{ '@odata.type': 'z', type: 'public-key', alg: -7 }],
        },
      }),
    ).toEqual({
      publicKey: {
        challenge: 'abc',
        rp: { id: 'login.microsoftonline.com', name: 'Microsoft' },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      },
    });
  });

  it('types methods by @odata.type: fido2 model + AAGUID, phone sign-in device name; unknown kept as other', () => {
    expect(
      toProviderMethod({
        '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
        id: 'f1',
        displayName: 'Blue key',
        model: 'YubiKey 5 NFC',
        aaGuid: 'CB69481E-8FF7-4039-93EC-0A2729A154A8',
      }),
    ).toMatchObject({
      type: 'fido2',
      label: 'Blue key',
      data: { aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', model: 'YubiKey 5 NFC' },
    });
    expect(
      toProviderMethod({
        '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
        id: 'a1',
        displayName: 'Pixel 8',
        phoneAppVersion: '6.2401.0',
      }),
    ).toMatchObject({ type: 'microsoftAuthenticator', data: { deviceName: 'Pixel 8' } });
    expect(
      toProviderMethod({ '@odata.type': '#microsoft.graph.qrCodePinMethod', id: 'q' }),
    ).toMatchObject({ type: 'other' });
    expect(toProviderMethod({ '@odata.type': '#microsoft.graph.emailAuthenticationMethod' })).toBe(
      null,
    );
  });

  it('hosts: https anywhere, http only on loopback, no paths or credentials', () => {
    expect(hostOrigin('login.microsoftonline.us')?.origin).toBe('https://login.microsoftonline.us');
    expect(hostOrigin('https://127.0.0.1:8443')?.origin).toBe('https://127.0.0.1:8443');
    expect(hostOrigin('http://127.0.0.1:8080')?.origin).toBe('http://127.0.0.1:8080');
    expect(hostOrigin('http://graph.example.org')).toBeNull();
    expect(hostOrigin('https://user:pw@graph.example.org')).toBeNull();
    expect(hostOrigin('https://graph.example.org/v1.0')).toBeNull();
    expect(hostOrigin('')).toBeNull();
  });

  it('Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds({ 'retry-after': '7' }, now)).toBe(7);
    expect(retryAfterSeconds({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30);
    expect(retryAfterSeconds({}, now)).toBeNull();
  });

  it("token failures in the operator's words (AADSTS codes)", () => {
    expect(
      tokenProblem(
        {
          errorCode: 'invalid_client',
          errorMessage: 'AADSTS7000215: Invalid client secret provided.',
        },
        null,
      ),
    ).toEqual({ code: 'idp.badCredential' });
    expect(
      tokenProblem(
        { errorCode: 'invalid_request', errorMessage: "AADSTS90002: Tenant 'x' not found." },
        null,
      ),
    ).toEqual({ code: 'idp.unknownTenant' });
    expect(
      tokenProblem(
        { errorCode: 'unauthorized_client', errorMessage: 'AADSTS700016: Application not found' },
        null,
      ),
    ).toEqual({ code: 'idp.unknownApp' });
  });

  it('phone numbers in Graph form: country code, a space, the number', () => {
    expect(graphPhoneNumber('+46701234567')).toBe('+46 701234567');
    expect(graphPhoneNumber('+14255551234')).toBe('+1 4255551234');
  });
});
