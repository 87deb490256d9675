/**
 * authenticatorReset (CTAP 2.1 §6.6): only within the window after power-up, and only with a touch.
 */
import { CtapCommand } from '../../ctap2/commands';
import { CtapStatus } from '../../ctap2/status';
import { MAX_PIN_RETRIES } from '../state';
import { fail, hex } from './params';
import { KeySession } from './session';

export async function reset(session: KeySession, signal: AbortSignal): Promise<undefined> {
  if (session.host.clock() - session.powerUpAt > session.config.resetWindowMs)
    fail(CtapStatus.NOT_ALLOWED);
  await session.presence(CtapCommand.reset, signal);
  const s = session.state;
  s.masterKeyHex = hex(session.host.rng.bytes(32));
  s.credRandomKeyHex = hex(session.host.rng.bytes(32));
  delete s.pin;
  s.pinRetries = MAX_PIN_RETRIES;
  delete s.uvRetries;
  s.minPinLength = session.config.profile.minPinLength;
  delete s.fingerprints;
  s.minPinLengthRpIds = [];
  s.forcePinChange = false;
  s.alwaysUv = false;
  s.credentials = [];
  session.consecutiveMismatches = 0;
  for (const pp of session.protocols.values()) pp.regenerate();
  session.resetToken();
  session.save();
  session.host.onReset();
  return undefined;
}
