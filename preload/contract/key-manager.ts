/**
 * The operator console's "Security keys" page (docs/KEYS.md "Key manager"): one key at a time,
 * over main/station/keyManager.ts. PINs travel with each call that needs them and are never
 * kept. Long operations (choose by touch, fingerprint enrollment, reset) carry an operation id:
 * `operation.progress` reports their steps and `cancel` stops them.
 */
import { z } from 'zod';
import { call } from './define';

export interface KeyChoiceView {
  deviceId: string;
  index: number;
  virtual: boolean;
  model: string | null;
  firmware: string | null;
  compromised: boolean;
  /** Why the key could not be read (a transport or station error code), else null. */
  problem: string | null;
}

export interface KeyOverviewView {
  deviceId: string;
  aaguid: string;
  model: string;
  known: boolean;
  vendor: string | null;
  firmware: string;
  firmwareRaw: number | null;
  mdsStatus: string | null;
  compromised: boolean;
  versions: string[];
  pin: 'set' | 'not-set' | 'unsupported';
  pinRetries: number | null;
  pinPowerCycleRequired: boolean;
  uv: 'configured' | 'not-configured' | 'unsupported';
  uvRetries: number | null;
  alwaysUv: boolean | null;
  enterpriseAttestation: 'enabled' | 'disabled' | 'unsupported';
  minPinLength: number;
  maxPinLength: number;
  forcePinChange: boolean;
  pinComplexityPolicy: boolean;
  maxRpIdsForMinPinLength: number;
  remainingDiscoverableCredentials: number | null;
  credentialManagement: 'ctap21' | 'preview' | 'none';
  bioEnrollment: 'ctap21' | 'preview' | 'none';
  authenticatorConfig: boolean;
  longTouchForReset: boolean;
  wink: boolean;
  options: Record<string, boolean>;
  stationPinMinLength: number;
}

export interface KeyCredentialItem {
  rpId: string;
  credentialId: string;
  userName: string | null;
  userDisplayName: string | null;
  userId: string;
  owner: { personId: number; displayName: string; upn: string; methodLabel: string } | null;
}

export interface FingerprintItem {
  templateId: string;
  name: string | null;
}

export interface MetadataImportResult {
  entries: number;
  compromised: number;
  nextUpdate: string | null;
  /** The BLOB's serial number (`no`). */
  serial: number;
}

/** The imported FIDO metadata (MDS3) BLOB, if any, and the models it flags. */
export interface KeyMetadataView {
  imported: boolean;
  serial: number | null;
  nextUpdate: string | null;
  importedAt: string | null;
  root: string | null;
  entries: number;
  /** The BLOB's nextUpdate has passed: import a newer one. */
  stale: boolean;
  flagged: { aaguid: string; name: string; status: string }[];
}

const deviceId = z.string().min(1).max(64);
const operationId = z.string().min(1).max(64);
/** CTAP 2.1 §6.5.5.5: at most 63 bytes; a little more so main says why. */
const pin = z.string().max(128);
const b64 = z.string().min(1).max(1400);
const rpId = z.string().min(1).max(253);

export const keyManagerCalls = {
  /** Keys plugged in now, labelled by model, firmware and a short index. */
  keys: call(z.object({}).strict()).returns<{ keys: KeyChoiceView[] }>(),
  overview: call(z.object({ deviceId }).strict()).returns<KeyOverviewView>(),
  /** "Touch the key you want to use": the touched key's id. */
  choose: call(
    z.object({ deviceIds: z.array(deviceId).max(16).optional(), operationId }).strict(),
  ).returns<{ deviceId: string }>(),
  wink: call(z.object({ deviceId }).strict()).returns<{ ok: true }>(),
  setPin: call(z.object({ deviceId, pin, confirmation: pin }).strict()).returns<{ ok: true }>(),
  changePin: call(
    z.object({ deviceId, currentPin: pin, newPin: pin, confirmation: pin }).strict(),
  ).returns<{ ok: true }>(),
  configure: call(
    z
      .object({
        deviceId,
        pin: pin.optional(),
        change: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('forcePinChange') }).strict(),
          z
            .object({
              kind: z.literal('minPinLength'),
              length: z.number().int().min(4).max(63),
              rpIds: z.array(rpId).max(32),
            })
            .strict(),
          z.object({ kind: z.literal('alwaysUv') }).strict(),
          z.object({ kind: z.literal('enterpriseAttestation') }).strict(),
        ]),
      })
      .strict(),
  ).returns<{ ok: true }>(),
  credentials: call(z.object({ deviceId, pin: pin.optional() }).strict()).returns<{
    credentials: KeyCredentialItem[];
  }>(),
  deleteCredential: call(
    z.object({ deviceId, pin: pin.optional(), credentialId: b64 }).strict(),
  ).returns<{ ok: true }>(),
  updateUser: call(
    z
      .object({
        deviceId,
        pin: pin.optional(),
        credentialId: b64,
        userId: b64,
        name: z.string().max(128),
        displayName: z.string().max(128),
      })
      .strict(),
  ).returns<{ ok: true }>(),
  fingerprints: call(z.object({ deviceId, pin: pin.optional() }).strict()).returns<{
    fingerprints: FingerprintItem[];
  }>(),
  /** Per sample `operation.progress` { step: 'sample', detail: feedback, done, total }. */
  enrollFingerprint: call(
    z.object({ deviceId, pin: pin.optional(), name: z.string().max(64), operationId }).strict(),
  ).returns<FingerprintItem>(),
  renameFingerprint: call(
    z.object({ deviceId, pin: pin.optional(), templateId: b64, name: z.string().max(64) }).strict(),
  ).returns<{ ok: true }>(),
  deleteFingerprint: call(
    z.object({ deviceId, pin: pin.optional(), templateId: b64 }).strict(),
  ).returns<{ ok: true }>(),
  /** Guided reset: progress remove → insert → touch | hold → done. */
  reset: call(z.object({ deviceId, operationId }).strict()).returns<{ ok: true }>(),
  cancel: call(z.object({ operationId }).strict()).returns<{ ok: true }>(),
  /**
   * Windows without elevation (docs/KEYS.md "Windows"): whether the desktop app can start itself
   * again as administrator. Always false in browser mode.
   */
  elevation: call(z.object({}).strict()).returns<{ canRestart: boolean }>(),
  /** Start the app again as administrator (UAC prompt); this one quits when that started. */
  restartAsAdministrator: call(z.object({}).strict()).returns<{ ok: true }>(),
  /** The imported FIDO metadata BLOB: serial, next update, models flagged as unsafe. */
  metadata: call(z.object({}).strict()).returns<KeyMetadataView>(),
  /**
   * Import a FIDO MDS3 BLOB (the JWT as downloaded), verified against `rootPem` (PEM) or the
   * FIDO Alliance roots; refused whole (securityKey.mdsInvalid) if it does not verify.
   */
  importMetadata: call(
    z
      .object({
        blob: z
          .string()
          .min(1)
          .max(32 * 1024 * 1024),
        rootPem: z
          .string()
          .min(1)
          .max(64 * 1024)
          .optional(),
      })
      .strict(),
  ).returns<MetadataImportResult>(),
};
