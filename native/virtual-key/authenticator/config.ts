/**
 * authenticatorConfig (CTAP 2.1 §6.11): toggleAlwaysUv and setMinPINLength; enterprise
 * attestation is refused (this key is not EA capable).
 */
import { CtapCommand } from '../../ctap2/commands';
import { CtapStatus } from '../../ctap2/status';
import { rawMapValue } from '../cborRaw';
import {
  asArray,
  asBool,
  asBytes,
  asInt,
  asMap,
  asText,
  concat,
  fail,
  optional,
  required,
  type CborMap,
} from './params';
import { KeySession, Permission, MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH } from './session';

export function authenticatorConfig(session: KeySession, p: CborMap, raw: Uint8Array): undefined {
  const sub = required(p, 0x01, asInt);
  const params = optional(p, 0x02, asMap);
  if (sub === 0x01) fail(CtapStatus.INVALID_PARAMETER); // enableEnterpriseAttestation: not EA capable
  if (sub !== 0x02 && sub !== 0x03) fail(CtapStatus.INVALID_SUBCOMMAND);
  const param = optional(p, 0x04, asBytes);
  // Protected by a PIN, or alwaysUv on (except to switch it off): authorization required.
  const enforceUv = sub !== 0x02 && session.state.alwaysUv;
  if (param === undefined) {
    if (session.pinSet || enforceUv) fail(CtapStatus.PUAT_REQUIRED);
  } else {
    if (!p.has(0x03)) fail(CtapStatus.MISSING_PARAMETER);
    const protocol = session.protocol(p.get(0x03));
    const rawParams = rawMapValue(raw, 0x02) ?? new Uint8Array(0);
    const message = concat(
      new Uint8Array(32).fill(0xff),
      Uint8Array.of(CtapCommand.config, sub),
      rawParams,
    );
    if (!session.verifyToken(protocol, message, param)) fail(CtapStatus.PIN_AUTH_INVALID);
    if ((session.token.permissions & Permission.acfg) === 0) fail(CtapStatus.PIN_AUTH_INVALID);
  }
  if (sub === 0x02) {
    session.state.alwaysUv = !session.state.alwaysUv;
    session.save();
    return undefined;
  }
  // setMinPINLength (§6.11.4).
  const newMin = params ? optional(params, 0x01, asInt) : undefined;
  const rpIds = params?.has(0x02) ? asArray(params.get(0x02)).map(asText) : undefined;
  const forceChange = params ? (optional(params, 0x03, asBool) ?? false) : false;
  const min = newMin ?? session.state.minPinLength;
  if (min < session.state.minPinLength || min > session.config.profile.maxPinLength)
    fail(CtapStatus.PIN_POLICY_VIOLATION);
  if (forceChange && !session.pinSet) fail(CtapStatus.PIN_NOT_SET);
  if (rpIds && rpIds.length > MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH) fail(CtapStatus.LIMIT_EXCEEDED);
  session.state.minPinLength = min;
  if (rpIds) session.state.minPinLengthRpIds = rpIds;
  if (session.state.pin && (forceChange || session.state.pin.codePoints < min))
    session.state.forcePinChange = true;
  session.save();
  return undefined;
}
