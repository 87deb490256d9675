/** Which keys are there and what they are: `list`, `info`, `wink`, `select`. */
import {
  KeyManager,
  authenticatorInfoToJson,
  type HidDeviceDescriptor,
  type KeyStatus,
} from '../../index';
import { errorMessage } from '../errors';
import type { Session } from '../session';
import type { CliCommand } from './command';

function usbIds(d: HidDeviceDescriptor): string {
  return d.vendorId !== undefined
    ? ` ${d.vendorId.toString(16).padStart(4, '0')}:${(d.productId ?? 0).toString(16).padStart(4, '0')}`
    : '';
}

interface ListedKey {
  index: number;
  path: string;
  kind: string;
  usb?: string;
  product?: string;
  model?: string;
  firmware?: string;
  aaguid?: string;
  /** An imported metadata BLOB (--mds) reports this model as revoked or compromised. */
  mdsStatus?: string;
  compromised?: boolean;
  error?: string;
}

/** `list`: every key by short index, model and firmware (each opened briefly for INIT + getInfo). */
export const list: CliCommand = {
  name: 'list',
  usage: ['list                                  keys attached: number, model, firmware, path'],
  async run(s: Session) {
    const devices: HidDeviceDescriptor[] = s.args.device
      ? [{ path: s.args.device, kind: s.args.device.startsWith('udp:') ? 'udp' : 'usb' }]
      : await s.devices();
    const keys: ListedKey[] = [];
    for (const [i, d] of devices.entries()) {
      const row: ListedKey = {
        index: i + 1,
        path: d.path,
        kind: d.kind,
        ...(usbIds(d) ? { usb: usbIds(d).trim() } : {}),
        ...(d.product ? { product: [d.manufacturer, d.product].filter(Boolean).join(' ') } : {}),
      };
      let km: KeyManager | undefined;
      try {
        km = await s.openManager(d);
        const desc = km.describe();
        row.model = desc.model;
        row.firmware = desc.firmware.display;
        row.aaguid = desc.aaguid;
        if (desc.compromised) {
          row.compromised = true;
          row.mdsStatus = desc.mdsStatus;
        }
      } catch (e) {
        row.error = errorMessage(e);
      } finally {
        await km?.close().catch(() => undefined);
      }
      keys.push(row);
    }
    s.print(
      () =>
        keys.length === 0
          ? 'No security key found.'
          : keys
              .map((k) =>
                k.error
                  ? `${k.index}  ${k.product ?? 'Security key'}${k.usb ? ` (${k.usb})` : ''}  ${k.path}\n   ${k.error}`
                  : `${k.index}  ${k.model}  firmware ${k.firmware}${k.usb ? ` (${k.usb})` : ''}  ${k.path}${k.compromised ? `\n   WARNING: FIDO metadata reports this model ${k.mdsStatus}` : ''}`,
              )
              .join('\n'),
      keys,
    );
  },
};

function onOff(v: boolean | undefined): string {
  return v === undefined ? 'not supported' : v ? 'on' : 'off';
}

export function statusJson(st: KeyStatus) {
  const rules = {
    minLength: Math.max(4, st.minPinLength),
    maxLength: st.maxPinLength,
    complexityPolicy: st.pinComplexityPolicy,
    ...(st.info.pinComplexityPolicyUrl
      ? { complexityPolicyUrl: st.info.pinComplexityPolicyUrl }
      : {}),
  };
  return {
    ...authenticatorInfoToJson(st.info),
    model: st.description.model,
    modelKnown: st.description.known,
    ...(st.description.vendor ? { vendor: st.description.vendor } : {}),
    firmware: st.description.firmware,
    ...(st.description.mdsStatus
      ? { mdsStatus: st.description.mdsStatus, compromised: st.description.compromised }
      : {}),
    pin: {
      state: st.pin,
      ...(st.pinRetries !== undefined
        ? { retries: st.pinRetries, powerCycleRequired: st.pinPowerCycleRequired }
        : {}),
      forceChange: st.forcePinChange,
    },
    pinRules: rules,
    uv: { state: st.uv, ...(st.uvRetries !== undefined ? { retries: st.uvRetries } : {}) },
    alwaysUv: st.alwaysUv ?? null,
    enterpriseAttestation: st.enterpriseAttestation,
    credentialManagement: st.credentialManagement,
    bioEnrollment: st.bioEnrollment,
    resetNeedsLongTouch: st.info.longTouchForReset === true,
  };
}

/** `info`: everything `ykman fido info` shows, plus model, firmware and the key's PIN rules. */
export const info: CliCommand = {
  name: 'info',
  usage: [
    'info                                  model, firmware, PIN and fingerprint state, rules, options',
  ],
  async run(s: Session) {
    const km = await s.key();
    const st = await km.status();
    const i = st.info;
    const d = km.ctap.device;
    const rules = km.pinRules();
    s.print(
      () =>
        [
          `Model               ${st.description.model}${st.description.compromised ? `  (WARNING: FIDO metadata reports ${st.description.mdsStatus})` : ''}`,
          `Firmware            ${st.description.firmware.display}`,
          `AAGUID              ${i.aaguid}`,
          `PIN                 ${st.pin === 'set' ? `set, ${st.pinRetries} attempt(s) remaining${st.pinPowerCycleRequired ? ' (re-insert the key first)' : ''}` : st.pin === 'not-set' ? 'not set' : 'not supported'}${st.forcePinChange ? ', must be changed' : ''}`,
          `PIN rules           ${rules.minLength}–${rules.maxLength} characters${rules.complexityPolicy ? `, the key's complexity policy${rules.complexityPolicyUrl ? ` (${rules.complexityPolicyUrl})` : ''}` : ''}`,
          `Fingerprints        ${st.uv === 'configured' ? `registered${st.uvRetries !== undefined ? `, ${st.uvRetries} attempt(s) remaining` : ''}` : st.uv === 'not-configured' ? 'none registered' : 'not supported'}`,
          `Always require UV   ${onOff(st.alwaysUv)}`,
          `Enterprise attest.  ${st.enterpriseAttestation}`,
          ...(st.remainingDiscoverableCredentials !== undefined
            ? [`Passkey slots left  ${st.remainingDiscoverableCredentials}`]
            : []),
          `Passkey management  ${st.credentialManagement === 'ctap21' ? 'yes' : st.credentialManagement === 'preview' ? 'yes (CTAP 2.1 preview)' : 'no (CTAP 2.0 key)'}`,
          `Reset               ${i.longTouchForReset ? 'hold the key for 5 s' : 'touch'}, within seconds of plugging in`,
          `Versions            ${i.versions.join(', ')}`,
          `Extensions          ${i.extensions.join(', ') || '-'}`,
          `Options             ${Object.entries(i.options)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`,
          `PIN/UV protocols    ${i.pinUvAuthProtocols.join(', ') || '-'}`,
          `Algorithms          ${i.algorithms.map((a) => a.alg).join(', ')}`,
          `Max message size    ${i.maxMsgSize}`,
          `CTAPHID             v${d.ctaphidVersion}, device ${d.deviceVersion.major}.${d.deviceVersion.minor}.${d.deviceVersion.build}, wink=${d.capabilities.wink}`,
        ].join('\n'),
      statusJson(st),
    );
  },
};

export const wink: CliCommand = {
  name: 'wink',
  usage: ['wink                                  make the key blink'],
  async run(s: Session) {
    await (await s.key()).wink();
    s.print('The key blinked.', { ok: true });
  },
};

export const select: CliCommand = {
  name: 'select',
  usage: ['select                                wait for a touch on the key (which one is it?)'],
  async run(s: Session) {
    const km = await s.key();
    await km.select();
    const d = km.describe();
    s.print(`Touched: ${d.model}, firmware ${d.firmware.display}.`, { ok: true, model: d.model });
  },
};
