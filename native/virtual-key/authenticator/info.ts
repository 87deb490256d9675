/**
 * authenticatorGetInfo (CTAP 2.1 §6.4).
 */
import { type CborValue } from '../../cbor';
import { aaguidBytes } from '../attestation';
import { CoseAlg } from '../keys';
import {
  KeySession,
  MAX_CRED_BLOB_LENGTH,
  MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH,
  MAX_CREDENTIAL_COUNT_IN_LIST,
  MAX_CREDENTIAL_ID_LENGTH,
  MAX_MSG_SIZE,
} from './session';

export function getInfo(session: KeySession): CborValue {
  const s = session.state;
  const options = new Map<CborValue, CborValue>([
    ['rk', true],
    ['up', true],
    ['plat', false],
    ['clientPin', session.pinSet],
    ['credMgmt', true],
    ['credentialMgmtPreview', true],
    ['authnrCfg', true],
    ['setMinPINLength', true],
    ['alwaysUv', s.alwaysUv],
    ['pinUvAuthToken', true],
    // makeCredUvNotRqd must be absent/false while alwaysUv is on (§7.2.2).
    ['makeCredUvNotRqd', !s.alwaysUv],
  ]);
  if (session.config.builtInUv) options.set('uv', true);
  return new Map<CborValue, CborValue>([
    [0x01, ['FIDO_2_0', 'FIDO_2_1_PRE', 'FIDO_2_1']],
    [0x02, ['credBlob', 'credProtect', 'hmac-secret', 'minPinLength']],
    [0x03, aaguidBytes()],
    [0x04, options],
    [0x05, MAX_MSG_SIZE],
    [0x06, [...session.config.pinUvAuthProtocols]],
    [0x07, MAX_CREDENTIAL_COUNT_IN_LIST],
    [0x08, MAX_CREDENTIAL_ID_LENGTH],
    [0x09, ['usb']],
    [
      0x0a,
      [
        new Map<CborValue, CborValue>([
          ['alg', CoseAlg.ES256],
          ['type', 'public-key'],
        ]),
        new Map<CborValue, CborValue>([
          ['alg', CoseAlg.EdDSA],
          ['type', 'public-key'],
        ]),
      ],
    ],
    [0x0c, s.forcePinChange],
    [0x0d, s.minPinLength],
    [0x0e, session.config.firmwareVersion],
    [0x0f, MAX_CRED_BLOB_LENGTH],
    [0x10, MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH],
    [0x14, Math.max(0, session.config.capacity - session.discoverableCount)],
    // uvModality (0x12): FIDO registry USER_VERIFY_FINGERPRINT_INTERNAL.
    ...(session.config.builtInUv ? ([[0x12, 0x02]] as [CborValue, CborValue][]) : []),
  ]);
}
