/** A WebAuthn ceremony against the key, like a browser would: `make-credential`, `get-assertion`. */
import { randomBytes } from 'node:crypto';
import { createCredential, getCredential, toBase64Url } from '../../index';
import { need } from '../args';
import type { Session } from '../session';
import type { CliCommand } from './command';

/** Ceremony options: the touch deadline only when --timeout was given (else the 30 s default). */
function ceremonyOptions(s: Session) {
  const o = s.managerOptions();
  return {
    signal: o.signal,
    onKeepalive: o.onKeepalive,
    ...(o.touchTimeoutMs !== undefined ? { timeoutMs: o.touchTimeoutMs } : {}),
  };
}

export const makeCredential: CliCommand = {
  name: 'make-credential',
  usage: ['make-credential --rp <id> --user <name> [--display-name <text>] [--rk] [--uv]'],
  async run(s: Session) {
    const args = s.args;
    const rp = need(args.rp[0], '--rp <id>');
    const userName = need(args.user, '--user <name>');
    const km = await s.key();
    const hasPin = km.info.options.clientPin === true;
    const reg = await createCredential(
      km.ctap,
      {
        rp: { id: rp, name: rp },
        user: {
          id: toBase64Url(new Uint8Array(randomBytes(16))),
          name: userName,
          displayName: args.displayName ?? userName,
        },
        challenge: toBase64Url(new Uint8Array(randomBytes(32))),
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -8 },
        ],
        authenticatorSelection: {
          residentKey: args.rk ? 'required' : 'discouraged',
          userVerification: args.uv || hasPin ? 'required' : 'discouraged',
        },
        attestation: 'direct',
        extensions: { credProps: true } as never,
      },
      {
        origin: `https://${rp}`,
        pin: hasPin ? await s.pin() : undefined,
        ...ceremonyOptions(s),
      },
    );
    s.print(
      () =>
        `Credential created.\n  id         ${reg.id}\n  algorithm  ${reg.response.publicKeyAlgorithm}\n  resident   ${args.rk}`,
      reg,
    );
  },
};

export const getAssertion: CliCommand = {
  name: 'get-assertion',
  usage: ['get-assertion --rp <id> [--cred <credential id, base64url>] [--uv]'],
  async run(s: Session) {
    const args = s.args;
    const rp = need(args.rp[0], '--rp <id>');
    const km = await s.key();
    const usePin = args.uv && km.info.options.clientPin === true;
    const result = await getCredential(
      km.ctap,
      {
        challenge: toBase64Url(new Uint8Array(randomBytes(32))),
        rpId: rp,
        allowCredentials: args.cred ? [{ type: 'public-key', id: args.cred }] : [],
        userVerification: args.uv ? 'required' : 'discouraged',
      },
      {
        origin: `https://${rp}`,
        pin: usePin ? await s.pin() : undefined,
        ...ceremonyOptions(s),
      },
    );
    s.print(
      () =>
        `Assertion made.\n  credential ${result.id}${result.response.userHandle ? `\n  user id    ${result.response.userHandle}` : ''}`,
      result,
    );
  },
};
