/**
 * authenticatorBioEnrollment (CTAP 2.1 §6.7; 0x40 on FIDO_2_1_PRE keys): fingerprint sensor
 * info, enroll with per-sample feedback, enumerate, rename, remove.
 */
import { encodeCanonical, type CborValue } from '../cbor';
import type { PinUvAuthToken } from './clientPin';
import { CtapCommand } from './commands';
import { asMap, invalid, optArray, optBytes, optUint, type CborMap } from './decode';
import type { AuthenticatorInfo } from './info';
import { pinProtocol } from './pinProtocol';
import {
  params,
  withTouchDeadline,
  type CborChannel,
  type CborParams,
  type CommandOptions,
} from './sendCbor';
import { isCtapError } from './status';

/** Request keys (§6.7.1). */
export const BioParam = {
  modality: 0x01,
  subCommand: 0x02,
  subCommandParams: 0x03,
  pinUvAuthProtocol: 0x04,
  pinUvAuthParam: 0x05,
  getModality: 0x06,
} as const;

/** subCommand values (§6.7.1). */
export const BioSubCommand = {
  enrollBegin: 0x01,
  enrollCaptureNextSample: 0x02,
  cancelCurrentEnrollment: 0x03,
  enumerateEnrollments: 0x04,
  setFriendlyName: 0x05,
  removeEnrollment: 0x06,
  getFingerprintSensorInfo: 0x07,
} as const;

/** subCommandParams keys (§6.7.1). */
export const BioSubParam = {
  templateId: 0x01,
  templateFriendlyName: 0x02,
  timeoutMilliseconds: 0x03,
} as const;

/** Response keys (§6.7.2). */
export const BioResponse = {
  modality: 0x01,
  fingerprintKind: 0x02,
  maxCaptureSamplesRequiredForEnroll: 0x03,
  templateId: 0x04,
  lastEnrollSampleStatus: 0x05,
  remainingSamples: 0x06,
  templateInfos: 0x07,
  maxTemplateFriendlyName: 0x08,
} as const;

/** modality 0x01 = fingerprint (the only one defined). */
export const BIO_MODALITY_FINGERPRINT = 0x01;

/** lastEnrollSampleStatus (§6.7.4, CTAP_ENROLL_FEEDBACK_FP_*). */
export const EnrollFeedback = {
  0x00: 'good',
  0x01: 'too-high',
  0x02: 'too-low',
  0x03: 'too-left',
  0x04: 'too-right',
  0x05: 'too-fast',
  0x06: 'too-slow',
  0x07: 'poor-quality',
  0x08: 'too-skewed',
  0x09: 'too-short',
  0x0a: 'merge-failure',
  0x0b: 'exists',
  0x0d: 'no-user-activity',
  0x0e: 'no-user-presence-transition',
} as const satisfies Record<number, string>;
export type EnrollFeedbackName = (typeof EnrollFeedback)[keyof typeof EnrollFeedback] | 'unknown';

export interface BioModality {
  readonly modality: number;
  /** 1 touch sensor, 2 swipe sensor. */
  readonly fingerprintKind?: number;
  readonly maxCaptureSamplesRequiredForEnroll?: number;
  readonly maxTemplateFriendlyName?: number;
}

export interface EnrollSample {
  readonly status: number;
  readonly feedback: EnrollFeedbackName;
  /** Samples still needed (0 = enrolled). */
  readonly remaining: number;
  /** Samples a whole enrollment takes, when the key said so. */
  readonly total?: number;
}

export interface TemplateInfo {
  readonly templateId: Uint8Array;
  readonly name?: string;
}

export function feedbackName(status: number): EnrollFeedbackName {
  return (EnrollFeedback as Record<number, EnrollFeedbackName>)[status] ?? 'unknown';
}

/** 0x09 when getInfo lists bioEnroll, 0x40 when it lists only userVerificationMgmtPreview. */
export function bioCommand(info: AuthenticatorInfo): number {
  if (info.options.bioEnroll !== undefined) return CtapCommand.bioEnrollment;
  if (info.options.userVerificationMgmtPreview !== undefined)
    return CtapCommand.bioEnrollmentPreview;
  return CtapCommand.bioEnrollment;
}

/** pinUvAuthParam = authenticate(token, modality ‖ subCommand ‖ subCommandParams) (§6.7.2). */
export function encodeBioRequest(
  subCommand: number,
  subParams?: CborParams,
  token?: PinUvAuthToken,
): CborParams {
  let auth: Uint8Array | undefined;
  if (token) {
    const encoded = subParams ? encodeCanonical(subParams) : new Uint8Array(0);
    const message = new Uint8Array(2 + encoded.length);
    message[0] = BIO_MODALITY_FINGERPRINT;
    message[1] = subCommand;
    message.set(encoded, 2);
    auth = pinProtocol(token.protocol).authenticate(token.token, message);
  }
  return params([
    [BioParam.modality, BIO_MODALITY_FINGERPRINT],
    [BioParam.subCommand, subCommand],
    [BioParam.subCommandParams, subParams],
    [BioParam.pinUvAuthProtocol, token?.protocol],
    [BioParam.pinUvAuthParam, auth],
  ]);
}

export function decodeSensorInfo(value: unknown): BioModality {
  const m = asMap(value, 'bioEnrollment sensor info');
  const r: {
    modality: number;
    fingerprintKind?: number;
    maxCaptureSamplesRequiredForEnroll?: number;
    maxTemplateFriendlyName?: number;
  } = { modality: optUint(m, BioResponse.modality, 'modality') ?? BIO_MODALITY_FINGERPRINT };
  const kind = optUint(m, BioResponse.fingerprintKind, 'fingerprintKind');
  if (kind !== undefined) r.fingerprintKind = kind;
  const max = optUint(m, BioResponse.maxCaptureSamplesRequiredForEnroll, 'maxCapture');
  if (max !== undefined) r.maxCaptureSamplesRequiredForEnroll = max;
  const name = optUint(m, BioResponse.maxTemplateFriendlyName, 'maxTemplateFriendlyName');
  if (name !== undefined) r.maxTemplateFriendlyName = name;
  return r;
}

export function decodeEnrollResponse(value: unknown): {
  templateId?: Uint8Array;
  status: number;
  remaining: number;
} {
  const m: CborMap = asMap(value, 'bioEnrollment enroll');
  const status = optUint(m, BioResponse.lastEnrollSampleStatus, 'lastEnrollSampleStatus');
  const remaining = optUint(m, BioResponse.remainingSamples, 'remainingSamples');
  if (status === undefined || remaining === undefined)
    throw invalid('bioEnrollment: lastEnrollSampleStatus / remainingSamples missing');
  const templateId = optBytes(m, BioResponse.templateId, 'templateId');
  return { ...(templateId ? { templateId } : {}), status, remaining };
}

export function decodeTemplateInfos(value: unknown): TemplateInfo[] {
  const m = asMap(value, 'bioEnrollment enumerate');
  const out: TemplateInfo[] = [];
  for (const t of optArray(m, BioResponse.templateInfos, 'templateInfos') ?? []) {
    if (!(t instanceof Map)) continue;
    const id = t.get(0x01);
    const name = t.get(0x02);
    if (!(id instanceof Uint8Array)) continue;
    out.push({ templateId: id, ...(typeof name === 'string' ? { name } : {}) });
  }
  return out;
}

export class BioEnrollment {
  private readonly command: number;

  constructor(
    private readonly channel: CborChannel,
    info: AuthenticatorInfo,
    private readonly token?: PinUvAuthToken,
  ) {
    this.command = bioCommand(info);
  }

  private send(
    subCommand: number,
    subParams?: CborParams,
    options?: CommandOptions,
    authed = true,
  ): Promise<unknown> {
    return this.channel.sendCbor(
      this.command,
      encodeBioRequest(subCommand, subParams, authed ? this.token : undefined),
      options,
    );
  }

  /** getFingerprintSensorInfo (no token needed). */
  async sensorInfo(options?: CommandOptions): Promise<BioModality> {
    return decodeSensorInfo(
      await this.send(BioSubCommand.getFingerprintSensorInfo, undefined, options, false),
    );
  }

  /**
   * enrollBegin, then enrollCaptureNextSample until remainingSamples is 0. Each sample is one
   * touch; `onSample` reports its feedback. An abort or error cancels the enrollment on the key.
   */
  async enroll(
    onSample: (sample: EnrollSample) => void,
    options?: CommandOptions,
  ): Promise<Uint8Array> {
    const total = await this.sensorInfo(options)
      .then((s) => s.maxCaptureSamplesRequiredForEnroll)
      .catch(() => undefined);
    const touch = withTouchDeadline(options);
    const first = decodeEnrollResponse(
      await this.send(BioSubCommand.enrollBegin, undefined, touch),
    );
    if (!first.templateId) throw invalid('bioEnrollment enrollBegin: templateId missing');
    const templateId = first.templateId;
    const report = (r: { status: number; remaining: number }) =>
      onSample({
        status: r.status,
        feedback: feedbackName(r.status),
        remaining: r.remaining,
        ...(total !== undefined ? { total } : {}),
      });
    report(first);
    let remaining = first.remaining;
    try {
      // A hostile key can't keep us here: at most 64 samples.
      for (let i = 0; remaining > 0 && i < 64; i++) {
        const next = decodeEnrollResponse(
          await this.send(
            BioSubCommand.enrollCaptureNextSample,
            params([[BioSubParam.templateId, templateId]]),
            touch,
          ),
        );
        report(next);
        remaining = next.remaining;
      }
      if (remaining > 0) throw invalid('bioEnrollment: the key never finished the enrollment');
    } catch (e) {
      await this.send(BioSubCommand.cancelCurrentEnrollment, undefined, {}, false).catch(
        () => undefined,
      );
      throw e;
    }
    return templateId;
  }

  async enumerate(options?: CommandOptions): Promise<TemplateInfo[]> {
    try {
      return decodeTemplateInfos(
        await this.send(BioSubCommand.enumerateEnrollments, undefined, options),
      );
    } catch (e) {
      // No enrollments yet: INVALID_OPTION per §6.7.6.
      if (isCtapError(e, 'INVALID_OPTION')) return [];
      throw e;
    }
  }

  async setName(templateId: Uint8Array, name: string, options?: CommandOptions): Promise<void> {
    await this.send(
      BioSubCommand.setFriendlyName,
      params([
        [BioSubParam.templateId, templateId],
        [BioSubParam.templateFriendlyName, name as CborValue],
      ]),
      options,
    );
  }

  async remove(templateId: Uint8Array, options?: CommandOptions): Promise<void> {
    await this.send(
      BioSubCommand.removeEnrollment,
      params([[BioSubParam.templateId, templateId]]),
      options,
    );
  }
}
