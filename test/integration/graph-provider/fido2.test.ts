/**
 * FIDO2 registration at the test provider, end to end with the project's own virtual key and
 * native client: creation options (challenge with expiry) → makeCredential against exactly
 * those options with origin https://login.microsoftonline.com → POST → verified with
 * @simplewebauthn/server; duplicates → 409; expired / replayed / foreign challenge → 400.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { createCredential, openAuthenticator, type Ctap2 } from '../../../native';
import { VIRTUAL_KEY_AAGUID, VirtualKey } from '../../../native/virtual-key';
import {
  ENTRA_ORIGIN,
  startGraphProvider,
  type GraphProvider,
  type SeededTenant,
  type User,
} from '../../support/graph-provider';
import { graph, secretToken, stripAnnotations } from './support';

const PIN = '246810';
let p: GraphProvider;
let t: SeededTenant;
let token: string;
let person: User;
const open: Ctap2[] = [];

beforeAll(async () => {
  p = await startGraphProvider();
  t = p.addTenant();
  const app = t.addApp({ secret: true });
  token = await secretToken(p, t, app);
  person = t.addUser({
    displayName: 'Anna Andersson',
    userPrincipalName: 'anna@keystation-test.onmicrosoft.com',
  });
});
afterAll(() => p.close());
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
});

async function freshKey(): Promise<Ctap2> {
  const key = new VirtualKey({ seed: `provider-${Math.random()}`, attestation: 'test' });
  const ctap = await openAuthenticator(key.connect());
  open.push(ctap);
  await ctap.clientPin.setPin(PIN);
  return ctap;
}

async function options(version: 'v1.0' | 'beta' = 'v1.0', minutes?: number) {
  const fn =
    minutes === undefined
      ? 'creationOptions'
      : `creationOptions(challengeTimeoutInMinutes=${minutes})`;
  const r = await graph(
    p,
    token,
    'GET',
    `/${version}/users/${person.id}/authentication/fido2Methods/${fn}`,
  );
  expect(r.status, r.text).toBe(200);
  const body = r.json as Record<string, unknown>;
  const value = (version === 'beta' ? body.value : body) as {
    challengeTimeoutDateTime: string;
    publicKey: unknown;
  };
  return {
    expires: value.challengeTimeoutDateTime,
    publicKey: stripAnnotations(value.publicKey) as PublicKeyCredentialCreationOptionsJSON,
  };
}

async function makeRegistration(
  ctap: Ctap2,
  publicKey: PublicKeyCredentialCreationOptionsJSON,
): Promise<RegistrationResponseJSON> {
  return createCredential(ctap, publicKey, { origin: ENTRA_ORIGIN, crossOrigin: false, pin: PIN });
}

const body = (reg: RegistrationResponseJSON, displayName = 'Blue key') => ({
  displayName,
  publicKeyCredential: {
    id: reg.id,
    response: {
      clientDataJSON: reg.response.clientDataJSON,
      attestationObject: reg.response.attestationObject,
    },
    clientExtensionResults: reg.clientExtensionResults,
  },
});

describe('creation options', () => {
  it('v1.0: rp login.microsoftonline.com, the person as user, a 5-minute challenge', async () => {
    const o = await options();
    expect(o.publicKey.rp).toEqual({ id: 'login.microsoftonline.com', name: 'Microsoft' });
    expect(o.publicKey.user.name).toBe(person.userPrincipalName);
    expect(o.publicKey.user.id).toBe(person.webauthnUserHandle);
    expect(o.publicKey.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(o.publicKey.authenticatorSelection?.userVerification).toBe('required');
    expect(o.publicKey.attestation).toBe('direct');
    expect(Date.parse(o.expires) - p.clock.now()).toBeGreaterThan(4.9 * 60_000);
    expect(Date.parse(o.expires) - p.clock.now()).toBeLessThanOrEqual(5 * 60_000);
  });

  it('beta: (challengeTimeoutInMinutes=N) within 5–43200, in a value wrapper; v1.0 refuses the parameter', async () => {
    const o = await options('beta', 600);
    expect(Date.parse(o.expires) - p.clock.now()).toBeGreaterThan(599 * 60_000);
    for (const n of [4, 43201]) {
      const r = await graph(
        p,
        token,
        'GET',
        `/beta/users/${person.id}/authentication/fido2Methods/creationOptions(challengeTimeoutInMinutes=${n})`,
      );
      expect(r.status).toBe(400);
    }
    const v1 = await graph(
      p,
      token,
      'GET',
      `/v1.0/users/${person.id}/authentication/fido2Methods/creationOptions(challengeTimeoutInMinutes=10)`,
    );
    expect(v1.status).toBe(400);
  });
});

describe('registration', () => {
  it('virtual key + native client → 201 with id, aaGuid, model, attestationLevel; listed as a typed method', async () => {
    const ctap = await freshKey();
    const o = await options();
    const reg = await makeRegistration(ctap, o.publicKey);
    const r = await graph(
      p,
      token,
      'POST',
      `/beta/users/${person.userPrincipalName}/authentication/fido2Methods`,
      body(reg),
    );
    expect(r.status, r.text).toBe(201);
    const m = r.json as Record<string, unknown>;
    expect(m['@odata.type']).toBe('#microsoft.graph.fido2AuthenticationMethod');
    expect(m.aaGuid).toBe(VIRTUAL_KEY_AAGUID);
    expect(m.model).toBe('Keystation Virtual Key');
    expect(m.attestationLevel).toBe('attested');
    expect(m.displayName).toBe('Blue key');
    expect(typeof m.id).toBe('string');
    expect(t.fido2Credentials(person.id).map((c) => c.credentialId)).toContain(reg.id);

    const list = await graph(p, token, 'GET', `/v1.0/users/${person.id}/authentication/methods`);
    const types = (list.json as { value: { '@odata.type': string; id: string }[] }).value.map(
      (x) => x['@odata.type'],
    );
    expect(types).toContain('#microsoft.graph.fido2AuthenticationMethod');
    expect(types).toContain('#microsoft.graph.passwordAuthenticationMethod');

    // the same registration again (a retry after a lost reply) → 409, nothing added
    const again = await graph(
      p,
      token,
      'POST',
      `/beta/users/${person.id}/authentication/fido2Methods`,
      body(reg),
    );
    expect(again.status).toBe(409);
    expect(t.fido2Credentials(person.id).filter((c) => c.credentialId === reg.id)).toHaveLength(1);

    // the next options exclude the registered credential: the key is recognised before any touch
    const next = await options();
    expect(next.publicKey.excludeCredentials?.map((c) => c.id)).toContain(reg.id);
  });

  it('the same registration sent twice at once: one 201, one 409', async () => {
    const o = await options();
    const reg = await makeRegistration(await freshKey(), o.publicKey);
    const path = `/beta/users/${person.id}/authentication/fido2Methods`;
    const statuses = (
      await Promise.all([
        graph(p, token, 'POST', path, body(reg)),
        graph(p, token, 'POST', path, body(reg)),
      ])
    ).map((r) => r.status);
    expect(statuses.sort()).toEqual([201, 409]);
    expect(t.fido2Credentials(person.id).filter((c) => c.credentialId === reg.id)).toHaveLength(1);
  });

  it('expired challenge → 400 and nothing registered', async () => {
    const ctap = await freshKey();
    const o = await options();
    const reg = await makeRegistration(ctap, o.publicKey);
    p.clock.advance(5 * 60_000 + 1_000);
    const before = t.fido2Credentials(person.id).length;
    const r = await graph(
      p,
      token,
      'POST',
      `/beta/users/${person.id}/authentication/fido2Methods`,
      body(reg),
    );
    expect(r.status).toBe(400);
    expect((r.json as { error: { code: string } }).error.code).toBe('challengeExpired');
    expect(t.fido2Credentials(person.id)).toHaveLength(before);
  });

  it('a used challenge cannot be replayed with another credential → 400', async () => {
    const o = await options();
    const first = await makeRegistration(await freshKey(), o.publicKey);
    expect(
      (
        await graph(
          p,
          token,
          'POST',
          `/beta/users/${person.id}/authentication/fido2Methods`,
          body(first),
        )
      ).status,
    ).toBe(201);
    const second = await makeRegistration(await freshKey(), o.publicKey);
    const r = await graph(
      p,
      token,
      'POST',
      `/beta/users/${person.id}/authentication/fido2Methods`,
      body(second),
    );
    expect(r.status).toBe(400);
  });

  it('wrong origin, a challenge the provider never issued, another person’s challenge, padded Base64 → 400', async () => {
    const ctap = await freshKey();
    const o = await options();
    const wrongOrigin = await createCredential(ctap, o.publicKey, {
      origin: 'https://login.example.com',
      pin: PIN,
    });
    expect(
      (
        await graph(
          p,
          token,
          'POST',
          `/beta/users/${person.id}/authentication/fido2Methods`,
          body(wrongOrigin),
        )
      ).status,
    ).toBe(400);

    const invented = await makeRegistration(ctap, {
      ...o.publicKey,
      challenge: Buffer.alloc(32, 7).toString('base64url'),
      excludeCredentials: [],
    });
    expect(
      (
        await graph(
          p,
          token,
          'POST',
          `/beta/users/${person.id}/authentication/fido2Methods`,
          body(invented),
        )
      ).status,
    ).toBe(400);

    const other = t.addUser();
    const o2 = await options();
    const forAnna = await makeRegistration(await freshKey(), o2.publicKey);
    expect(
      (
        await graph(
          p,
          token,
          'POST',
          `/beta/users/${other.id}/authentication/fido2Methods`,
          body(forAnna),
        )
      ).status,
    ).toBe(400);

    const o3 = await options();
    const reg = await makeRegistration(await freshKey(), o3.publicKey);
    const padded = body(reg);
    padded.publicKeyCredential.response.clientDataJSON = Buffer.from(
      reg.response.clientDataJSON,
      'base64url',
    ).toString('base64');
    expect(
      (
        await graph(
          p,
          token,
          'POST',
          `/beta/users/${person.id}/authentication/fido2Methods`,
          padded,
        )
      ).status,
    ).toBe(400);
  });

  it('without user verification (no PIN) → 400', async () => {
    const key = new VirtualKey({ seed: `provider-nouv-${Math.random()}`, attestation: 'test' });
    const ctap = await openAuthenticator(key.connect());
    open.push(ctap);
    const o = await options();
    const reg = await createCredential(
      ctap,
      {
        ...o.publicKey,
        authenticatorSelection: {
          ...o.publicKey.authenticatorSelection,
          userVerification: 'discouraged',
        },
      },
      { origin: ENTRA_ORIGIN },
    );
    const r = await graph(
      p,
      token,
      'POST',
      `/beta/users/${person.id}/authentication/fido2Methods`,
      body(reg),
    );
    expect(r.status).toBe(400);
  });

  it('a bulk-registration CSV row (challenge issued in-process) registers by UPN', async () => {
    const bob = t.addUser({ displayName: 'Bo Ek' });
    const csv = t.bulkRegistrationCsv([bob.userPrincipalName], 60);
    const [header, row] = csv.trim().split('\n');
    expect(header).toBe('#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime');
    const [upn, displayName, userId, challenge, expiry] = row.split(',');
    expect(Date.parse(expiry) - p.clock.now()).toBeGreaterThan(59 * 60_000);
    // the scripts' fixed options (ES256 + RS256, resident key and UV required, direct, hmac-secret, credProtect 1)
    const publicKey: PublicKeyCredentialCreationOptionsJSON = {
      rp: { id: 'login.microsoftonline.com', name: 'Microsoft' },
      user: { id: userId, name: upn, displayName },
      challenge,
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: {
        residentKey: 'required',
        requireResidentKey: true,
        userVerification: 'required',
      },
      attestation: 'direct',
      extensions: {
        hmacCreateSecret: true,
        credentialProtectionPolicy: 'userVerificationOptional',
      } as never,
    };
    const reg = await makeRegistration(await freshKey(), publicKey);
    const r = await graph(
      p,
      token,
      'POST',
      `/beta/users/${encodeURIComponent(upn)}/authentication/fido2Methods`,
      body(reg, 'Serial: 1234 2026-12-04'),
    );
    expect(r.status, r.text).toBe(201);
    expect(t.fido2Credentials(bob.id)).toHaveLength(1);
  });

  it('passkey policy: an AAGUID outside the allowed list → 400', async () => {
    t.policy.passkeyAllowedAaguids = ['cb69481e-8ff7-4039-93ec-0a2729a154a8'];
    try {
      const o = await options();
      const reg = await makeRegistration(await freshKey(), o.publicKey);
      const r = await graph(
        p,
        token,
        'POST',
        `/beta/users/${person.id}/authentication/fido2Methods`,
        body(reg),
      );
      expect(r.status).toBe(400);
    } finally {
      t.policy.passkeyAllowedAaguids = [];
    }
  });
});
