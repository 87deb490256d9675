/**
 * authenticatorBioEnrollment (CTAP 2.1 §6.7) for the simulated fingerprint sensor of the `bio`
 * profile (command 0x09) and of the `ctap21pre` profile (the FIDO_2_1_PRE preview, 0x40).
 *
 * Each sample is one gesture on the sensor (the key's touch control): a `good` finger is a
 * usable sample (FP_GOOD, one sample fewer to go), a `bad` one is FP_POOR_QUALITY and changes
 * nothing. `FINGERPRINT_SAMPLES` good samples complete an enrollment.
 */
import type { CborValue } from '../../cbor';
import { CtapCommand } from '../../ctap2/commands';
import { CtapStatus } from '../../ctap2/status';
import { rawMapValue } from '../cborRaw';
import type { StoredFingerprint } from '../state';
import {
  asBool,
  asBytes,
  asInt,
  asMap,
  asText,
  concat,
  fail,
  fromHex,
  hex,
  optional,
  required,
  type CborMap,
} from './params';
import { Permission, type EnrollmentInProgress, type KeySession } from './session';

/** Modality fingerprint (§6.7.1). */
const FINGERPRINT = 0x01;
/** fingerprintKind: touch sensor (not swipe). */
const TOUCH_SENSOR = 0x01;
/** Good samples needed for one enrollment (maxCaptureSamplesRequiredForEnroll). */
export const FINGERPRINT_SAMPLES = 4;
/** Templates the sensor holds; then FP_DATABASE_FULL. */
export const MAX_FINGERPRINTS = 5;
/** maxTemplateFriendlyName, in bytes. */
export const MAX_TEMPLATE_FRIENDLY_NAME = 16;

/** lastEnrollSampleStatus values (§6.7.4). */
export const SampleStatus = { good: 0x00, poorQuality: 0x07, noUserActivity: 0x0d } as const;

const Sub = {
  enrollBegin: 0x01,
  enrollCaptureNextSample: 0x02,
  cancelCurrentEnrollment: 0x03,
  enumerateEnrollments: 0x04,
  setFriendlyName: 0x05,
  removeEnrollment: 0x06,
  getFingerprintSensorInfo: 0x07,
} as const;

export async function bioEnrollment(
  session: KeySession,
  p: CborMap,
  raw: Uint8Array,
  preview: boolean,
  signal: AbortSignal,
): Promise<CborValue | undefined> {
  if (optional(p, 0x06, asBool) === true)
    return new Map<CborValue, CborValue>([[0x01, FINGERPRINT]]);
  const modality = required(p, 0x01, asInt);
  if (modality !== FINGERPRINT) fail(CtapStatus.INVALID_OPTION);
  const sub = required(p, 0x02, asInt);
  if (sub === Sub.getFingerprintSensorInfo) {
    return new Map<CborValue, CborValue>([
      [0x02, TOUCH_SENSOR],
      [0x03, FINGERPRINT_SAMPLES],
      [0x08, MAX_TEMPLATE_FRIENDLY_NAME],
    ]);
  }
  if (!Object.values(Sub).includes(sub as never)) fail(CtapStatus.INVALID_SUBCOMMAND);
  const params = optional(p, 0x03, asMap);
  authorize(session, p, raw, sub, preview);
  const fingerprints = session.state.fingerprints ?? [];

  switch (sub) {
    case Sub.enrollBegin: {
      session.enrollment = undefined;
      if (fingerprints.length >= MAX_FINGERPRINTS) fail(CtapStatus.FP_DATABASE_FULL);
      let templateId: string;
      do templateId = hex(session.host.rng.bytes(2));
      while (fingerprints.some((f) => f.templateId === templateId));
      const enrollment: EnrollmentInProgress = { templateId, remaining: FINGERPRINT_SAMPLES };
      const status = await captureSample(session, enrollment, signal);
      session.enrollment = enrollment.remaining > 0 ? enrollment : undefined;
      return new Map<CborValue, CborValue>([
        [0x04, fromHex(templateId)],
        [0x05, status],
        [0x06, enrollment.remaining],
      ]);
    }
    case Sub.enrollCaptureNextSample: {
      const enrollment = session.enrollment;
      const templateId = params ? required(params, 0x01, asBytes) : undefined;
      if (!enrollment || !templateId || hex(templateId) !== enrollment.templateId)
        fail(CtapStatus.INVALID_PARAMETER);
      const status = await captureSample(session, enrollment, signal);
      if (enrollment.remaining === 0) session.enrollment = undefined;
      return new Map<CborValue, CborValue>([
        [0x05, status],
        [0x06, enrollment.remaining],
      ]);
    }
    case Sub.cancelCurrentEnrollment:
      session.enrollment = undefined;
      return undefined;
    case Sub.enumerateEnrollments:
      if (fingerprints.length === 0) fail(CtapStatus.INVALID_OPTION);
      return new Map<CborValue, CborValue>([
        [
          0x07,
          fingerprints.map((f) => {
            const info = new Map<CborValue, CborValue>([[0x01, fromHex(f.templateId)]]);
            if (f.name !== undefined) info.set(0x02, f.name);
            return info;
          }),
        ],
      ]);
    case Sub.setFriendlyName: {
      if (!params) fail(CtapStatus.MISSING_PARAMETER);
      const stored = findTemplate(fingerprints, required(params, 0x01, asBytes));
      const name = required(params, 0x02, asText);
      if (Buffer.byteLength(name, 'utf8') > MAX_TEMPLATE_FRIENDLY_NAME)
        fail(CtapStatus.INVALID_PARAMETER);
      stored.name = name;
      session.save();
      return undefined;
    }
    default: {
      if (!params) fail(CtapStatus.MISSING_PARAMETER);
      const stored = findTemplate(fingerprints, required(params, 0x01, asBytes));
      session.state.fingerprints = fingerprints.filter((f) => f !== stored);
      session.save();
      return undefined;
    }
  }
}

/**
 * pinUvAuthParam over fingerprint modality ‖ subCommand ‖ subCommandParams, with the be
 * permission (§6.7.2); the preview command also takes a getPinToken token.
 */
function authorize(
  session: KeySession,
  p: CborMap,
  raw: Uint8Array,
  sub: number,
  preview: boolean,
): void {
  const param = optional(p, 0x05, asBytes);
  if (!param) fail(CtapStatus.PUAT_REQUIRED);
  if (!p.has(0x04)) fail(CtapStatus.MISSING_PARAMETER);
  const protocol = session.protocol(p.get(0x04));
  const rawParams = rawMapValue(raw, 0x03) ?? new Uint8Array(0);
  if (!session.verifyToken(protocol, concat(Uint8Array.of(FINGERPRINT, sub), rawParams), param))
    fail(CtapStatus.PIN_AUTH_INVALID);
  const permitted =
    (session.token.permissions & Permission.be) !== 0 || (preview && session.token.legacy);
  if (!permitted) fail(CtapStatus.PIN_AUTH_INVALID);
}

function findTemplate(fingerprints: StoredFingerprint[], id: Uint8Array): StoredFingerprint {
  const stored = fingerprints.find((f) => f.templateId === hex(id));
  if (!stored) fail(CtapStatus.INVALID_OPTION);
  return stored;
}

/**
 * One gesture on the sensor. A good sample counts (and the last one stores the template); a bad
 * one is reported as poor quality. No finger in time is USER_ACTION_TIMEOUT.
 */
async function captureSample(
  session: KeySession,
  enrollment: EnrollmentInProgress,
  signal: AbortSignal,
): Promise<number> {
  await session.presence(CtapCommand.bioEnrollment, signal);
  if (!session.host.sampleIsGood()) return SampleStatus.poorQuality;
  enrollment.remaining -= 1;
  if (enrollment.remaining === 0) {
    session.state.fingerprints = [
      ...(session.state.fingerprints ?? []),
      { templateId: enrollment.templateId },
    ];
    session.save();
  }
  return SampleStatus.good;
}
