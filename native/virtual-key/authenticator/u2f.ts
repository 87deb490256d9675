/**
 * FIDO U2F (CTAP1) over CTAPHID_MSG (FIDO U2F Raw Message Formats v1.2): VERSION, REGISTER and
 * AUTHENTICATE, in short or extended APDU encoding. Profiles `u2f`, `ctap20` and `ctap21pre`.
 *
 * User presence works the U2F way: a request that needs a touch answers
 * SW_CONDITIONS_NOT_SATISFIED (6985) at once and the client polls; the touch it asked for (the
 * key's touch control, `upneeded` event) is remembered and spent by the next such request.
 */
import { CtapCommand } from '../../ctap2/commands';
import { CoseAlg, credentialKeyFromBytes, newCredentialKey, p256FromScalar } from '../keys';
import { concat } from './params';
import type { KeySession } from './session';

export const U2fStatus = {
  NO_ERROR: 0x9000,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  WRONG_LENGTH: 0x6700,
  CLA_NOT_SUPPORTED: 0x6e00,
  INS_NOT_SUPPORTED: 0x6d00,
} as const;

const Ins = { register: 0x01, authenticate: 0x02, version: 0x03 } as const;
const AuthMode = { checkOnly: 0x07, enforce: 0x03, dontEnforce: 0x08 } as const;

const sw = (status: number, data: Uint8Array = new Uint8Array(0)): Uint8Array =>
  concat(data, Uint8Array.of(status >> 8, status & 0xff));

/** Parse an ISO 7816-4 command APDU (short or extended length). Undefined: malformed. */
export function parseApdu(
  apdu: Uint8Array,
): { cla: number; ins: number; p1: number; data: Uint8Array } | undefined {
  if (apdu.length < 4) return undefined;
  const [cla, ins, p1] = apdu;
  let data: Uint8Array;
  if (apdu.length <= 5)
    data = new Uint8Array(0); // no Lc (maybe a short Le)
  else if (apdu[4] === 0 && apdu.length >= 7) {
    const lc = (apdu[5] << 8) | apdu[6];
    if (apdu.length < 7 + lc) return undefined;
    data = apdu.subarray(7, 7 + lc);
  } else {
    const lc = apdu[4];
    if (apdu.length < 5 + lc) return undefined;
    data = apdu.subarray(5, 5 + lc);
  }
  return { cla, ins, p1, data };
}

/** Handle one U2F request APDU; resolves with data ‖ SW1 SW2. */
export async function u2fMessage(
  session: KeySession,
  apdu: Uint8Array,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const req = parseApdu(apdu);
  if (!req) return sw(U2fStatus.WRONG_LENGTH);
  if (req.cla !== 0) return sw(U2fStatus.CLA_NOT_SUPPORTED);
  switch (req.ins) {
    case Ins.version:
      if (req.data.length !== 0) return sw(U2fStatus.WRONG_LENGTH);
      return sw(U2fStatus.NO_ERROR, new TextEncoder().encode('U2F_V2'));
    case Ins.register:
      return register(session, req.data, signal);
    case Ins.authenticate:
      return authenticate(session, req.p1, req.data, signal);
    default:
      return sw(U2fStatus.INS_NOT_SUPPORTED);
  }
}

/** REGISTER: challenge parameter ‖ application parameter (32 bytes each). */
async function register(
  session: KeySession,
  data: Uint8Array,
  signal: AbortSignal,
): Promise<Uint8Array> {
  if (data.length !== 64) return sw(U2fStatus.WRONG_LENGTH);
  const challenge = data.subarray(0, 32);
  const application = data.subarray(32, 64);
  if (!(await touched(session, signal))) return sw(U2fStatus.CONDITIONS_NOT_SATISFIED);
  await session.host.keyWork(2);
  const key = newCredentialKey(
    CoseAlg.ES256,
    session.host.rng,
    session.config.deterministicSignatures,
  );
  const publicKey = p256FromScalar(key.privateBytes).point;
  const keyHandle = session.sealCredential(
    {
      alg: CoseAlg.ES256,
      privateBytes: key.privateBytes,
      credProtect: 1,
      hmacSecret: false,
      discoverable: false,
    },
    application,
  );
  const signature = session.attestationSignature(
    concat(Uint8Array.of(0x00), application, challenge, keyHandle, publicKey),
  );
  return sw(
    U2fStatus.NO_ERROR,
    concat(
      Uint8Array.of(0x05),
      publicKey,
      Uint8Array.of(keyHandle.length),
      keyHandle,
      session.attestation.batchCertDer,
      signature,
    ),
  );
}

/** AUTHENTICATE: challenge ‖ application ‖ L ‖ key handle; P1 check-only / enforce / don't. */
async function authenticate(
  session: KeySession,
  mode: number,
  data: Uint8Array,
  signal: AbortSignal,
): Promise<Uint8Array> {
  if (data.length < 65 || data.length !== 65 + data[64]) return sw(U2fStatus.WRONG_LENGTH);
  const challenge = data.subarray(0, 32);
  const application = data.subarray(32, 64);
  const keyHandle = data.slice(65);
  const credential = session.resolveCredential(keyHandle, application);
  if (!credential || credential.secret.alg !== CoseAlg.ES256) return sw(U2fStatus.WRONG_DATA);
  if (mode === AuthMode.checkOnly) return sw(U2fStatus.CONDITIONS_NOT_SATISFIED);
  if (mode !== AuthMode.enforce && mode !== AuthMode.dontEnforce) return sw(U2fStatus.WRONG_DATA);
  const up = mode === AuthMode.enforce;
  if (up && !(await touched(session, signal))) return sw(U2fStatus.CONDITIONS_NOT_SATISFIED);
  await session.host.keyWork(1);
  const flags = Uint8Array.of(up ? 0x01 : 0x00);
  const counter = new Uint8Array(4);
  new DataView(counter.buffer).setUint32(0, session.nextSignCount());
  const key = credentialKeyFromBytes(
    CoseAlg.ES256,
    credential.secret.privateBytes,
    session.config.deterministicSignatures,
  );
  const signature = key.sign(concat(application, flags, counter, challenge));
  return sw(U2fStatus.NO_ERROR, concat(flags, counter, signature));
}

/**
 * U2F user presence: spend a touch given since the last request, or ask for one and answer
 * "not yet". An automatic touch without delay is taken at once.
 */
async function touched(session: KeySession, signal: AbortSignal): Promise<boolean> {
  if (session.u2fTouch.latched) {
    session.u2fTouch.latched = false;
    return true;
  }
  if (!session.u2fTouch.waiting) {
    const touch = session.u2fTouch;
    const abort = new AbortController();
    touch.waiting = session.host
      .userPresence(CtapCommand.makeCredential, abort.signal)
      .then((outcome) => {
        if (session.u2fTouch !== touch) return;
        touch.waiting = undefined;
        touch.latched = outcome === 'touched';
      });
    touch.abort = abort;
  }
  // A touch that is already there (auto mode) counts now; otherwise the client polls.
  await Promise.race([touchWait(session), new Promise((r) => setImmediate(r))]);
  if (signal.aborted) return false;
  if (session.u2fTouch.latched) {
    session.u2fTouch.latched = false;
    return true;
  }
  return false;
}

function touchWait(session: KeySession): Promise<void> {
  return session.u2fTouch.waiting ?? Promise.resolve();
}
