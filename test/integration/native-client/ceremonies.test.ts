/**
 * The CTAP client against B's virtual key (an independent authenticator implementation):
 * full ceremonies with both PIN protocols, PIN error paths, excluded credential, key store
 * full, touch timeout, cancel, unplug, credential management (0x0A and preview 0x41), config,
 * reset; results verified by @simplewebauthn/server.
 */
import {
  SettingsService,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CtapError,
  CtapPinError,
  TransportError,
  createCredential,
  fromBase64Url,
  getCredential,
  openAuthenticator,
  type Ctap2,
} from '../../../native';
import { sha256 } from '../../../native/ctap2/pinProtocol';
import { VirtualKey, type VirtualKeyOptions } from '../../../native/virtual-key';

const ORIGIN = 'https://login.example.com';
const RP_ID = 'login.example.com';
const PIN = '123456';

const open: Ctap2[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
});

async function fresh(options: VirtualKeyOptions = {}): Promise<{ key: VirtualKey; ctap: Ctap2 }> {
  const key = new VirtualKey({ seed: `itest-${Math.random()}`, ...options });
  const ctap = await openAuthenticator(key.connect());
  open.push(ctap);
  return { key, ctap };
}

const cdh = (s: string) => sha256(new TextEncoder().encode(s));
const user = (n: number) => ({
  id: Uint8Array.of(n, n, n, n),
  name: `user${n}`,
  displayName: `User ${n}`,
});

describe.each([2, 1] as const)('full enrollment ceremony, PIN/UV auth protocol %i', (protocol) => {
  it('setPIN → token → makeCredential(rk, uv) → verify → getAssertion → verify', async () => {
    const { key, ctap } = await fresh({ pinUvAuthProtocols: [protocol] });
    SettingsService.setRootCertificates({
      identifier: 'packed',
      certificates: [key.attestationRootPem],
    });
    expect(ctap.clientPin.protocol).toBe(protocol);
    await ctap.clientPin.setPin(PIN);
    expect(ctap.info.options.clientPin).toBe(true);

    const regOptions = await generateRegistrationOptions({
      rpName: 'Example',
      rpID: RP_ID,
      userName: 'anna@example.com',
      userDisplayName: 'Anna Andersson',
      attestationType: 'direct',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const keepalives: string[] = [];
    const registration = await createCredential(ctap, regOptions, {
      origin: ORIGIN,
      pin: PIN,
      onKeepalive: (s) => keepalives.push(s),
    });
    const reg = await verifyRegistrationResponse({
      response: registration,
      expectedChallenge: regOptions.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
    });
    expect(reg.verified).toBe(true);
    expect(reg.registrationInfo?.aaguid).toBe(ctap.info.aaguid);
    expect(reg.registrationInfo?.fmt).toBe('packed');

    const authOptions = await generateAuthenticationOptions({
      rpID: RP_ID,
      userVerification: 'required',
    });
    const assertion = await getCredential(ctap, authOptions, { origin: ORIGIN, pin: PIN });
    const info = reg.registrationInfo!;
    const auth = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: authOptions.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: info.credential,
      requireUserVerification: true,
    });
    expect(auth.verified).toBe(true);
    expect(assertion.response.userHandle).toBe(regOptions.user.id);
  });
});

describe('allow/exclude lists longer than maxCredentialCountInList', () => {
  it('are probed silently in chunks: excluded found, unknown list → NO_CREDENTIALS, known found', async () => {
    const { key, ctap } = await fresh();
    SettingsService.setRootCertificates({
      identifier: 'packed',
      certificates: [key.attestationRootPem],
    });
    const max = ctap.info.maxCredentialCountInList ?? 1;
    const regOptions = await generateRegistrationOptions({
      rpName: 'Example',
      rpID: RP_ID,
      userName: 'anna',
    });
    const first = await createCredential(ctap, regOptions, { origin: ORIGIN });
    const noise = Array.from({ length: max * 2 + 1 }, (_, i) => ({
      id: Buffer.from(new Uint8Array(48).fill(i + 1)).toString('base64url'),
      type: 'public-key' as const,
    }));
    const again = await generateRegistrationOptions({
      rpName: 'Example',
      rpID: RP_ID,
      userName: 'anna',
      excludeCredentials: [...noise, { id: first.id }],
    });
    await expect(createCredential(ctap, again, { origin: ORIGIN })).rejects.toMatchObject({
      status: 'CREDENTIAL_EXCLUDED',
    });
    const unknown = await generateAuthenticationOptions({ rpID: RP_ID, allowCredentials: noise });
    await expect(getCredential(ctap, unknown, { origin: ORIGIN })).rejects.toMatchObject({
      status: 'NO_CREDENTIALS',
    });
    const known = await generateAuthenticationOptions({
      rpID: RP_ID,
      allowCredentials: [...noise, { id: first.id }],
    });
    expect((await getCredential(ctap, known, { origin: ORIGIN })).id).toBe(first.id);
  });
});

describe('several clients on one key (Linux hidraw: every handle sees every report)', () => {
  it('each client takes only its channel; CHANNEL_BUSY is retried', async () => {
    const { key, ctap } = await fresh({ replyRouting: 'all', autoTouchDelayMs: 30 });
    const other = await openAuthenticator(key.connect());
    open.push(other);
    expect(other.device.channelId).not.toBe(ctap.device.channelId);
    const [a, b] = await Promise.all([
      ctap.makeCredential({
        clientDataHash: cdh('a'),
        rp: { id: RP_ID },
        user: user(1),
        residentKey: true,
      }),
      other.makeCredential({
        clientDataHash: cdh('b'),
        rp: { id: 'other.example' },
        user: user(2),
        residentKey: true,
      }),
    ]);
    expect(a.authenticatorData.rpIdHash).toEqual(sha256(new TextEncoder().encode(RP_ID)));
    expect(b.authenticatorData.rpIdHash).toEqual(sha256(new TextEncoder().encode('other.example')));
  });
});

describe('PIN error paths', () => {
  it('wrong PIN shows retries; 3 in a row → PIN_AUTH_BLOCKED until power cycle; 0 → PIN_BLOCKED', async () => {
    const { key, ctap } = await fresh();
    await ctap.clientPin.setPin(PIN);
    const wrong = () => ctap.clientPin.getPinToken('000000', { permissions: ['mc'], rpId: RP_ID });
    const e1 = await wrong().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(CtapPinError);
    expect(e1).toMatchObject({ status: 'PIN_INVALID', retries: 7, mustChangePin: false });
    await expect(wrong()).rejects.toMatchObject({ status: 'PIN_INVALID', retries: 6 });
    await expect(wrong()).rejects.toMatchObject({
      status: 'PIN_AUTH_BLOCKED',
      powerCycleRequired: true,
    });
    // blocked even with the right PIN until the key is power-cycled
    await expect(ctap.clientPin.getPinToken(PIN)).rejects.toMatchObject({
      status: 'PIN_AUTH_BLOCKED',
    });
    expect(await ctap.clientPin.getRetries()).toMatchObject({
      retries: 5,
      powerCycleRequired: true,
    });

    // A power cycle is an unplug + re-plug: open the key again each time.
    const reopen = async (): Promise<Ctap2> => {
      key.powerCycle();
      const c = await openAuthenticator(key.connect());
      open.push(c);
      return c;
    };
    let again = await reopen();
    expect((await again.clientPin.getPinToken(PIN)).token.length).toBe(32);
    expect((await again.clientPin.getRetries()).retries).toBe(8);
    let last: unknown;
    for (let i = 0; i < 20; i++) {
      last = await again.clientPin.getPinToken('000000').catch((e: unknown) => e);
      if ((last as CtapError).status === 'PIN_AUTH_BLOCKED') again = await reopen();
      else if ((last as CtapError).status === 'PIN_BLOCKED') break;
    }
    expect(last).toMatchObject({ status: 'PIN_BLOCKED', retries: 0 });
    await expect(again.clientPin.getPinToken(PIN)).rejects.toMatchObject({ status: 'PIN_BLOCKED' });
  });

  it('new PIN too short is refused locally; forcePINChange is "must change", not "wrong PIN"', async () => {
    const { ctap } = await fresh();
    await expect(ctap.clientPin.setPin('123')).rejects.toMatchObject({
      status: 'PIN_POLICY_VIOLATION',
    });
    await ctap.clientPin.setPin(PIN);
    const token = await ctap.clientPin.getPinToken(PIN, { permissions: ['acfg'] });
    await ctap.config(token).setMinPinLength({ newMinPinLength: 8, forceChangePin: true });
    expect(ctap.info.minPinLength).toBe(8);
    expect(ctap.info.forcePinChange).toBe(true);
    const e = await ctap.clientPin.getPinToken(PIN).catch((err: unknown) => err);
    expect(e).toMatchObject({ mustChangePin: true });
    await expect(ctap.clientPin.changePin(PIN, '1234567')).rejects.toMatchObject({
      status: 'PIN_POLICY_VIOLATION',
    });
    await ctap.clientPin.changePin(PIN, '12345678');
    expect(ctap.info.forcePinChange).toBe(false);
    expect((await ctap.clientPin.getPinToken('12345678')).token.length).toBe(32);
  });
});

describe('makeCredential / getAssertion errors and options', () => {
  it('excluded credential → CREDENTIAL_EXCLUDED', async () => {
    const { ctap } = await fresh();
    const made = await ctap.makeCredential({
      clientDataHash: cdh('a'),
      rp: { id: RP_ID },
      user: user(1),
    });
    const id = made.authenticatorData.attestedCredentialData!.credentialId;
    await expect(
      ctap.makeCredential({
        clientDataHash: cdh('b'),
        rp: { id: RP_ID },
        user: user(1),
        excludeList: [{ type: 'public-key', id }],
      }),
    ).rejects.toMatchObject({ status: 'CREDENTIAL_EXCLUDED' });
  });

  it('key store full → KEY_STORE_FULL', async () => {
    const { ctap } = await fresh({ capacity: 2 });
    for (const n of [1, 2])
      await ctap.makeCredential({
        clientDataHash: cdh('x'),
        rp: { id: RP_ID },
        user: user(n),
        residentKey: true,
      });
    const e = await ctap
      .makeCredential({
        clientDataHash: cdh('x'),
        rp: { id: RP_ID },
        user: user(3),
        residentKey: true,
      })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CtapError);
    expect(e).toMatchObject({ status: 'KEY_STORE_FULL' });
  });

  it('several discoverable credentials: getAssertions walks getNextAssertion', async () => {
    const { ctap } = await fresh();
    for (const n of [1, 2, 3])
      await ctap.makeCredential({
        clientDataHash: cdh('x'),
        rp: { id: RP_ID },
        user: user(n),
        residentKey: true,
      });
    const all = await ctap.getAssertions({ rpId: RP_ID, clientDataHash: cdh('y') });
    expect(all).toHaveLength(3);
    expect(all[0].numberOfCredentials).toBe(3);
    // Without UV the key returns only user ids, no names (CTAP 2.1 §6.2.2 step 12).
    expect(new Set(all.map((a) => a.user?.id[0]))).toEqual(new Set([1, 2, 3]));
  });

  it('hmac-secret: the same salt gives the same secret', async () => {
    const { ctap } = await fresh();
    const made = await ctap.makeCredential({
      clientDataHash: cdh('x'),
      rp: { id: RP_ID },
      user: user(1),
      extensions: { hmacSecret: true, credProtect: 2 },
    });
    expect(made.authenticatorData.extensions?.get('hmac-secret')).toBe(true);
    const allowList = [
      {
        type: 'public-key' as const,
        id: made.authenticatorData.attestedCredentialData!.credentialId,
      },
    ];
    const salt1 = new Uint8Array(32).fill(7);
    const a = await ctap.getAssertion({
      rpId: RP_ID,
      clientDataHash: cdh('1'),
      allowList,
      extensions: { hmacSecret: { salt1 } },
    });
    const b = await ctap.getAssertion({
      rpId: RP_ID,
      clientDataHash: cdh('2'),
      allowList,
      extensions: { hmacSecret: { salt1 } },
    });
    expect(a.hmacSecret?.length).toBe(32);
    expect(a.hmacSecret).toEqual(b.hmacSecret);
  });

  it('request larger than maxMsgSize is refused before sending', async () => {
    const { ctap } = await fresh();
    const excludeList = Array.from({ length: 40 }, (_, i) => ({
      type: 'public-key' as const,
      id: new Uint8Array(64).fill(i),
    }));
    await expect(
      ctap.makeCredential({
        clientDataHash: cdh('x'),
        rp: { id: RP_ID },
        user: user(1),
        excludeList,
      }),
    ).rejects.toMatchObject({
      code: 'message-too-large',
    });
  });
});

describe('touch: keepalive, timeout, cancel, unplug', () => {
  it('manual touch: UPNEEDED keepalive reaches the callback; the touch completes the command', async () => {
    const { key, ctap } = await fresh({ touch: 'manual' });
    const seen: string[] = [];
    const made = await ctap.makeCredential(
      { clientDataHash: cdh('x'), rp: { id: RP_ID }, user: user(1) },
      {
        onKeepalive: (s) => {
          seen.push(s);
          if (s === 'up-needed') key.touch();
        },
      },
    );
    expect(seen).toContain('up-needed');
    expect(made.authenticatorData.flags.up).toBe(true);
  });

  it('the key times out waiting for a touch → USER_ACTION_TIMEOUT', async () => {
    const { ctap } = await fresh({ touch: 'manual', touchTimeoutMs: 300 });
    await expect(
      ctap.makeCredential({ clientDataHash: cdh('x'), rp: { id: RP_ID }, user: user(1) }),
    ).rejects.toMatchObject({
      status: 'USER_ACTION_TIMEOUT',
    });
  });

  it('our deadline before the key gives up → TransportError timeout, CANCEL sent, key usable again', async () => {
    const { key, ctap } = await fresh({ touch: 'manual', touchTimeoutMs: 10_000 });
    const outcomes: string[] = [];
    key.on('upcleared', (o) => outcomes.push(o));
    await expect(
      ctap.makeCredential(
        { clientDataHash: cdh('x'), rp: { id: RP_ID }, user: user(1) },
        { timeoutMs: 300 },
      ),
    ).rejects.toMatchObject({ name: 'TransportError', code: 'timeout' });
    expect(outcomes).toEqual(['cancelled']);
    expect((await ctap.getInfo()).aaguid).toBe(ctap.info.aaguid);
  });

  it('AbortSignal → CANCEL → TransportError cancelled', async () => {
    const { key, ctap } = await fresh({ touch: 'manual' });
    const controller = new AbortController();
    key.once('upneeded', () => controller.abort());
    const e = await ctap
      .getAssertion({ rpId: RP_ID, clientDataHash: cdh('x') }, { signal: controller.signal })
      .catch((err: unknown) => err);
    // no credential yet: the key may answer NO_CREDENTIALS after a touch; here it waits for one
    expect(e instanceof TransportError || e instanceof CtapError).toBe(true);
    const controller2 = new AbortController();
    key.once('upneeded', () => controller2.abort());
    await expect(
      ctap.makeCredential(
        { clientDataHash: cdh('x'), rp: { id: RP_ID }, user: user(1) },
        { signal: controller2.signal },
      ),
    ).rejects.toMatchObject({ code: 'cancelled' });
    key.setTouchMode('auto');
    expect(
      (await ctap.makeCredential({ clientDataHash: cdh('y'), rp: { id: RP_ID }, user: user(1) }))
        .fmt,
    ).toBe('packed');
  });

  it('unplug mid-transaction → TransportError unplugged', async () => {
    const { key, ctap } = await fresh({ touch: 'manual' });
    key.once('upneeded', () => key.unplug());
    await expect(
      ctap.makeCredential({ clientDataHash: cdh('x'), rp: { id: RP_ID }, user: user(1) }),
    ).rejects.toMatchObject({
      name: 'TransportError',
      code: 'unplugged',
    });
  });

  it('selection and WINK', async () => {
    const { key, ctap } = await fresh();
    let winked = false;
    key.on('wink', () => (winked = true));
    await ctap.selection();
    await ctap.device.wink();
    expect(winked).toBe(true);
  });
});

describe('credential management and config', () => {
  it.each([
    ['credentialManagement 0x0A', false],
    ['credentialManagementPreview 0x41', true],
  ])('%s: metadata, RPs, credentials, update user, delete', async (_name, preview) => {
    const { key, ctap } = await fresh();
    const commands: number[] = [];
    key.on('command', (c) => commands.push(c));
    await ctap.clientPin.setPin(PIN);
    const mcToken = await ctap.clientPin.getPinToken(PIN, { permissions: ['mc'], rpId: RP_ID });
    await ctap.makeCredential({
      clientDataHash: cdh('x'),
      rp: { id: RP_ID, name: 'Login' },
      user: user(1),
      residentKey: true,
      pinUvAuthToken: mcToken,
    });
    const token2 = await ctap.clientPin.getPinToken(PIN, {
      permissions: ['mc'],
      rpId: 'other.example',
    });
    await ctap.makeCredential({
      clientDataHash: cdh('x'),
      rp: { id: 'other.example' },
      user: user(2),
      residentKey: true,
      pinUvAuthToken: token2,
    });
    if (preview)
      ctap.info = {
        ...ctap.info,
        options: { ...ctap.info.options, credMgmt: false, credentialMgmtPreview: true },
      };
    const cm = ctap.credentialManagement(
      await ctap.clientPin.getPinToken(PIN, { permissions: ['cm'] }),
    );
    expect(await cm.getMetadata()).toMatchObject({ existingResidentCredentialsCount: 2 });
    const rps = await cm.listRps();
    expect(rps.map((r) => r.rp.id).sort()).toEqual([RP_ID, 'other.example']);
    const creds = await cm.listCredentials(RP_ID);
    expect(creds).toHaveLength(1);
    expect(creds[0].user.name).toBe('user1');
    await cm.updateUserInformation(creds[0].credentialId.id, {
      ...user(1),
      displayName: 'Renamed',
    });
    expect(
      (await cm.listCredentials(rps.find((r) => r.rp.id === RP_ID)!.rpIdHash))[0].user.displayName,
    ).toBe('Renamed');
    await cm.deleteCredential(creds[0].credentialId.id);
    expect(await cm.listCredentials(RP_ID)).toEqual([]);
    expect((await cm.getMetadata()).existingResidentCredentialsCount).toBe(1);
    expect(commands).toContain(preview ? 0x41 : 0x0a);
    expect(commands).not.toContain(preview ? 0x0a : 0x41);
  });

  it('toggleAlwaysUv and setMinPINLength with minPinLengthRPIDs', async () => {
    const { ctap } = await fresh();
    await ctap.clientPin.setPin(PIN);
    const cfg = ctap.config(await ctap.clientPin.getPinToken(PIN, { permissions: ['acfg'] }));
    await cfg.toggleAlwaysUv();
    expect(ctap.info.options.alwaysUv).toBe(true);
    await cfg.setMinPinLength({ newMinPinLength: 6, minPinLengthRpIds: [RP_ID] });
    expect(ctap.info.minPinLength).toBe(6);
  });

  it('reset within the power-up window wipes PIN and credentials', async () => {
    const { ctap } = await fresh();
    await ctap.clientPin.setPin(PIN);
    await ctap.makeCredential({
      clientDataHash: cdh('x'),
      rp: { id: RP_ID },
      user: user(1),
      residentKey: true,
      pinUvAuthToken: await ctap.clientPin.getPinToken(PIN, { permissions: ['mc'], rpId: RP_ID }),
    });
    await ctap.reset();
    expect(ctap.info.options.clientPin).toBe(false);
    await expect(
      ctap.getAssertion({ rpId: RP_ID, clientDataHash: cdh('z') }),
    ).rejects.toMatchObject({ status: 'NO_CREDENTIALS' });
    expect(fromBase64Url('AAE')).toEqual(Uint8Array.of(0, 1));
  });
});
