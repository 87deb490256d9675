/**
 * The CTAP 2.1 authenticator API of the virtual key (CTAP 2.1 §6): one request
 * (command byte ‖ CBOR parameters) in, one response (status byte ‖ canonical CBOR) out.
 * Step numbers in comments refer to the algorithm lists of CTAP 2.1 PS (2021-06-15).
 *
 * One module per command family, like the client side in native/ctap2; the state they share
 * (persistent state, pinUvAuthToken, key agreement, enumerations) is a `KeySession`.
 */
import { encodeCanonical, type CborValue } from '../../cbor';
import { CtapCommand } from '../../ctap2/commands';
import { CtapStatus } from '../../ctap2/status';
import type { AttestationIdentity } from '../attestation';
import type { VirtualKeyState } from '../state';
import { clientPin } from './clientPin';
import { bioEnrollment } from './bioEnrollment';
import { authenticatorConfig } from './config';
import { credentialManagement } from './credMgmt';
import { getAssertion, getNextAssertion } from './getAssertion';
import { getInfo } from './info';
import { makeCredential } from './makeCredential';
import { CtapFail, concat, decodeParams, fail } from './params';
import { reset } from './reset';
import { selection } from './selection';
import { u2fMessage } from './u2f';
import {
  KeySession,
  MAX_MSG_SIZE,
  type AuthenticatorConfig,
  type AuthenticatorHost,
} from './session';

export {
  MAX_MSG_SIZE,
  MAX_UV_RETRIES,
  Permission,
  type AuthenticatorConfig,
  type AuthenticatorHost,
  type PresenceOutcome,
} from './session';

type CommandResult = Promise<CborValue | undefined> | CborValue | undefined;

/** One CTAP command: the session, the raw CBOR parameters and the CTAPHID_CANCEL signal. */
type CommandHandler = (session: KeySession, body: Uint8Array, signal: AbortSignal) => CommandResult;

/** Every command the virtual key knows; a profile answers a subset (profile.commands). */
const COMMANDS: ReadonlyMap<number, CommandHandler> = new Map<number, CommandHandler>([
  [CtapCommand.getInfo, (s) => getInfo(s)],
  [CtapCommand.makeCredential, (s, body, signal) => makeCredential(s, decodeParams(body), signal)],
  [CtapCommand.getAssertion, (s, body, signal) => getAssertion(s, decodeParams(body), signal)],
  [CtapCommand.getNextAssertion, (s) => getNextAssertion(s)],
  [CtapCommand.clientPIN, (s, body, signal) => clientPin(s, decodeParams(body), signal)],
  [CtapCommand.reset, (s, _body, signal) => reset(s, signal)],
  [
    CtapCommand.credentialManagement,
    (s, body) => credentialManagement(s, decodeParams(body), body, false),
  ],
  [
    CtapCommand.credentialManagementPreview,
    (s, body) => credentialManagement(s, decodeParams(body), body, true),
  ],
  [CtapCommand.selection, (s, _body, signal) => selection(s, signal)],
  [CtapCommand.config, (s, body) => authenticatorConfig(s, decodeParams(body), body)],
  [
    CtapCommand.bioEnrollment,
    (s, body, signal) => bioEnrollment(s, decodeParams(body), body, false, signal),
  ],
  [
    CtapCommand.bioEnrollmentPreview,
    (s, body, signal) => bioEnrollment(s, decodeParams(body), body, true, signal),
  ],
]);

export class Authenticator {
  private readonly session: KeySession;

  constructor(
    host: AuthenticatorHost,
    config: AuthenticatorConfig,
    state: VirtualKeyState,
    attestation: AttestationIdentity,
  ) {
    this.session = new KeySession(host, config, state, attestation);
  }

  /** The persistent state (replaced wholesale by importState). */
  get state(): VirtualKeyState {
    return this.session.state;
  }
  set state(state: VirtualKeyState) {
    this.session.state = state;
  }

  /** Power-up: new key-agreement keys and token, retry-per-boot counter and reset window. */
  powerUp(): void {
    this.session.powerUp();
  }

  /** True when 3 consecutive mismatches require a power cycle (getRetries powerCycleState). */
  get pinAuthBlocked(): boolean {
    return this.session.pinAuthBlocked;
  }

  /** The authenticatorGetInfo reply as a CBOR value. */
  getInfo(): CborValue {
    return getInfo(this.session);
  }

  /** Handle one U2F request APDU (CTAPHID_MSG); resolves with data ‖ SW1 SW2. */
  handleU2f(apdu: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    return u2fMessage(this.session, apdu, signal);
  }

  /** Handle one CTAPHID_CBOR request. Never throws: failures become status bytes. */
  async handle(request: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    if (request.length === 0) return Uint8Array.of(CtapStatus.INVALID_LENGTH);
    const session = this.session;
    const command = request[0];
    const body = request.subarray(1);
    if (command !== CtapCommand.getNextAssertion) session.nextAssertion = undefined;
    if (
      command !== CtapCommand.credentialManagement &&
      command !== CtapCommand.credentialManagementPreview
    ) {
      session.rpEnumeration = undefined;
      session.credEnumeration = undefined;
    }
    if (request.length > MAX_MSG_SIZE) return Uint8Array.of(CtapStatus.REQUEST_TOO_LARGE);
    try {
      const handler = session.config.profile.commands.has(command)
        ? COMMANDS.get(command)
        : undefined;
      const result = handler
        ? await handler(session, body, signal)
        : fail(CtapStatus.INVALID_COMMAND);
      if (result === undefined) return Uint8Array.of(CtapStatus.SUCCESS);
      return concat(Uint8Array.of(CtapStatus.SUCCESS), encodeCanonical(result));
    } catch (e) {
      if (e instanceof CtapFail) return Uint8Array.of(e.status);
      return Uint8Array.of(CtapStatus.OTHER);
    }
  }
}
