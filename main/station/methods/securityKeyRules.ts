/**
 * The rules every security key the station registers must pass — a person's key (DESIGN.md §3.3) and
 * an operator's own key (DESIGN.md §3.7) alike, so the two can never drift: the organization's PIN
 * rules before a new PIN reaches the key, the AAGUID allow-list, the virtual key refused on a
 * production station (DESIGN.md §4), models the imported FIDO metadata reports as revoked or
 * compromised refused (docs/KEYS.md "Key manager"), and attestation when the policy requires it.
 * Keys provisioned for others (docs/PROVISIONING.md) pass the same model rule.
 */
import type { ModelCatalog } from '../../../native/index';
import { VIRTUAL_KEY_AAGUID } from '../../../native/virtual-key/identity';
import type { StationMode } from '../context';
import { StationError } from '../errors';
import { checkPin } from '../pinPolicy';
import type { Policy } from '../policy';

/** True for the station's own software key (native/virtual-key), however it is reached. */
export function isVirtualKeyAaguid(aaguid: string): boolean {
  return aaguid.toLowerCase() === VIRTUAL_KEY_AAGUID;
}

/**
 * Checked on the key's getInfo AAGUID before anything is sent to it, and again on the attested
 * AAGUID after makeCredential (getInfo could be spoofed by a hostile device). `imported` is the
 * operator-imported FIDO metadata (KeyModelService.importedCatalog; null before any import).
 */
export function checkKeyModel(
  policy: Policy['securityKey'],
  mode: StationMode,
  aaguid: string,
  imported: ModelCatalog | null,
): void {
  const id = aaguid.toLowerCase();
  if (isVirtualKeyAaguid(id) && mode === 'production') {
    throw new StationError('securityKey.virtualKeyRefused');
  }
  if (policy.allowedAaguids.length > 0 && !policy.allowedAaguids.includes(id)) {
    throw new StationError('securityKey.modelNotAllowed', { aaguid: id });
  }
  checkModelNotFlagged(imported, id);
}

/** Refuses a model the imported FIDO metadata reports as revoked or compromised. */
export function checkModelNotFlagged(imported: ModelCatalog | null, aaguid: string): void {
  const entry = imported?.lookup(aaguid.toLowerCase());
  if (entry?.compromised)
    throw new StationError('securityKey.modelCompromised', {
      model: entry.name,
      status: entry.mdsStatus ?? 'REVOKED',
    });
}

/** A policy that requires attestation refuses a registration that carries none. */
export function checkAttestationFormat(policy: Policy['securityKey'], fmt: string): void {
  if (policy.attestationRequired && fmt === 'none') {
    throw new StationError('securityKey.attestationRequired');
  }
}

/**
 * A new PIN for a key that has none: the organization's rules and the key's own minimum
 * (getInfo minPINLength), checked before the PIN reaches the key.
 */
export function checkNewKeyPin(pin: string, policy: Policy['pin'], keyMinPinLength?: number): void {
  checkPin(pin, policy, keyMinPinLength ?? 4);
}
