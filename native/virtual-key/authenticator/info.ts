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

/**
 * The reply depends on the profile: a CTAP 2.0 key stops at 0x06, a FIDO_2_1_PRE key at 0x0A
 * with the preview options, CTAP 2.1 keys carry the rest; a fingerprint key adds its sensor
 * (uv, bioEnroll, uvModality), a key with its own PIN rules pinComplexityPolicy and maxPINLength.
 */
export function getInfo(session: KeySession): CborValue {
  const profile = session.config.profile;
  if (profile.name === 'ctap20' || profile.name === 'ctap21pre') return previewInfo(session);
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
  if (session.hasBuiltInUv) options.set('uv', session.uvConfigured);
  if (profile.fingerprint === 'full') {
    options.set('bioEnroll', session.uvConfigured);
    // The preview's name for the same, offered alongside (0x40 is answered too).
    options.set('userVerificationMgmtPreview', session.uvConfigured);
  }
  const info = new Map<CborValue, CborValue>([
    [0x01, [...profile.versions]],
    [0x02, [...profile.extensions]],
    [0x03, aaguidBytes()],
    [0x04, options],
    [0x05, MAX_MSG_SIZE],
    [0x06, [...session.config.pinUvAuthProtocols]],
    [0x07, MAX_CREDENTIAL_COUNT_IN_LIST],
    [0x08, MAX_CREDENTIAL_ID_LENGTH],
    [0x09, ['usb']],
    [0x0a, ALGORITHMS],
    [0x0c, s.forcePinChange],
    [0x0d, s.minPinLength],
    [0x0e, session.config.firmwareVersion],
    [0x0f, MAX_CRED_BLOB_LENGTH],
    [0x10, MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH],
    [0x14, Math.max(0, session.config.capacity - session.discoverableCount)],
  ]);
  if (session.hasBuiltInUv) {
    // uvModality (0x12): FIDO registry USER_VERIFY_FINGERPRINT_INTERNAL.
    info.set(0x12, 0x02);
    if (profile.fingerprint !== 'none') info.set(0x11, PREFERRED_PLATFORM_UV_ATTEMPTS);
  }
  if (profile.pinComplexityPolicy) {
    info.set(0x1b, true); // pinComplexityPolicy
    info.set(0x1d, profile.maxPinLength); // maxPINLength
  }
  return info;
}

/** Built-in UV attempts a platform should make before falling back to the PIN (getInfo 0x11). */
const PREFERRED_PLATFORM_UV_ATTEMPTS = 3;

const ALGORITHMS: CborValue = [
  new Map<CborValue, CborValue>([
    ['alg', CoseAlg.ES256],
    ['type', 'public-key'],
  ]),
  new Map<CborValue, CborValue>([
    ['alg', CoseAlg.EdDSA],
    ['type', 'public-key'],
  ]),
];

/** getInfo of a CTAP 2.0 key (0x01–0x06) or a FIDO_2_1_PRE key (up to 0x0A, preview options). */
function previewInfo(session: KeySession): CborValue {
  const profile = session.config.profile;
  const options = new Map<CborValue, CborValue>([
    ['rk', true],
    ['up', true],
    ['plat', false],
    ['clientPin', session.pinSet],
  ]);
  if (session.hasBuiltInUv) options.set('uv', session.uvConfigured);
  const info = new Map<CborValue, CborValue>([
    [0x01, [...profile.versions]],
    [0x02, [...profile.extensions]],
    [0x03, aaguidBytes()],
    [0x04, options],
    [0x05, MAX_MSG_SIZE],
    [0x06, [...session.config.pinUvAuthProtocols]],
  ]);
  if (profile.name === 'ctap21pre') {
    options.set('credentialMgmtPreview', true);
    if (profile.fingerprint === 'preview')
      options.set('userVerificationMgmtPreview', session.uvConfigured);
    info.set(0x07, MAX_CREDENTIAL_COUNT_IN_LIST);
    info.set(0x08, MAX_CREDENTIAL_ID_LENGTH);
    info.set(0x09, ['usb']);
    info.set(0x0a, ALGORITHMS);
  }
  return info;
}
