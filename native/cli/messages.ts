/** Plain messages for the CLI (English; the app's UI has its own i18n). docs/KEYS.md lists each with its fix. */
import { CtapPinError, type PinRuleViolation } from '../ctap2/clientPin';
import { CtapCommand } from '../ctap2/commands';
import type { CtapError } from '../ctap2/status';
import type { TransportError } from '../errors';
import type { KeyCapabilityError, PinRules } from '../client/keyManager';

export const UDEV_RULES_FILE = 'build/70-fido-keys.rules';

export function pinRuleMessage(
  violation: PinRuleViolation | 'key-policy',
  rules: PinRules,
): string {
  if (violation === 'too-short')
    return `The PIN must have at least ${rules.minLength} characters (this key's minimum).`;
  if (violation === 'too-long')
    return `The PIN must have at most ${rules.maxLength} characters (this key's maximum).`;
  return `The key refused this PIN under its own PIN policy${rules.complexityPolicyUrl ? ` (${rules.complexityPolicyUrl})` : ''}: avoid repeated or sequential digits and common PINs, and try another.`;
}

function notAllowedMessage(command: number | undefined): string {
  switch (command) {
    case CtapCommand.reset:
      return 'The key refused the reset: keys accept it only within a few seconds of being plugged in (5 s on a YubiKey). Run "keystation-key reset" and follow its remove / re-insert steps.';
    case CtapCommand.config:
      return 'The key does not allow this setting change (for example a minimum PIN length lower than the current one).';
    case CtapCommand.credentialManagement:
    case CtapCommand.credentialManagementPreview:
      return 'The key does not allow this change to its passkeys.';
    case CtapCommand.bioEnrollment:
    case CtapCommand.bioEnrollmentPreview:
      return 'The key does not allow this fingerprint operation now.';
    default:
      return 'The key does not allow this operation now.';
  }
}

export function ctapErrorMessage(e: CtapError, rules?: PinRules): string {
  if (e instanceof CtapPinError) {
    if (e.mustChangePin)
      return 'The key requires a new PIN before it can be used. Run: keystation-key change-pin';
    if (e.status === 'PIN_INVALID') {
      return e.retries !== undefined
        ? `Wrong PIN. ${e.retries} attempt(s) left before the PIN is blocked.`
        : 'Wrong PIN.';
    }
    if (e.status === 'PIN_AUTH_BLOCKED')
      return 'Too many wrong PINs in a row. Remove and re-insert the key, then try again.';
    if (e.status === 'PIN_BLOCKED')
      return 'The PIN is blocked. The key must be reset (this deletes all its credentials).';
    if (e.status === 'PIN_POLICY_VIOLATION')
      return rules && e.violation
        ? pinRuleMessage(e.violation, rules)
        : "The new PIN does not meet the key's PIN rules.";
    if (e.status === 'UV_INVALID')
      return e.retries !== undefined
        ? `Fingerprint not recognised. ${e.retries} attempt(s) left before only the PIN works.`
        : 'Fingerprint not recognised.';
    if (e.status === 'UV_BLOCKED')
      return 'Fingerprint verification is blocked after too many tries. Use the PIN instead.';
  }
  switch (e.status) {
    case 'PIN_NOT_SET':
      return 'No PIN is set on this key. Run: keystation-key set-pin';
    case 'PIN_INVALID':
      return 'Wrong PIN.';
    case 'PIN_BLOCKED':
      return 'The PIN is blocked. The key must be reset.';
    case 'PIN_AUTH_BLOCKED':
      return 'Too many wrong PINs in a row. Remove and re-insert the key, then try again.';
    case 'PIN_AUTH_INVALID':
      return 'The key no longer accepts this PIN session (it expired or was used up). Run the command again.';
    case 'PIN_POLICY_VIOLATION':
      return "The PIN does not meet the key's PIN rules.";
    case 'PUAT_REQUIRED':
      return 'The key requires its PIN for this operation.';
    case 'UV_BLOCKED':
      return 'Fingerprint verification is blocked after too many tries. Use the PIN instead.';
    case 'UV_INVALID':
      return 'Fingerprint not recognised.';
    case 'CREDENTIAL_EXCLUDED':
      return 'This key is already registered for this account.';
    case 'KEY_STORE_FULL':
      return 'The key has no room for more passkeys. Delete some with: keystation-key creds delete';
    case 'FP_DATABASE_FULL':
      return 'The key has no room for more fingerprints. Delete one with: keystation-key fingerprints delete';
    case 'LIMIT_EXCEEDED':
      return 'The request exceeds a limit of the key (too many RP IDs or too long a name).';
    case 'NO_CREDENTIALS':
      return 'The key has no matching credential.';
    case 'USER_ACTION_TIMEOUT':
    case 'ACTION_TIMEOUT':
      return 'Timed out waiting for a touch on the key.';
    case 'OPERATION_DENIED':
      return 'The operation was declined on the key.';
    case 'NOT_ALLOWED':
      return notAllowedMessage(e.command);
    case 'KEEPALIVE_CANCEL':
      return 'Cancelled.';
    case 'UNSUPPORTED_OPTION':
    case 'UNSUPPORTED_ALGORITHM':
    case 'INVALID_COMMAND':
      return 'The key does not support this operation.';
    case 'UNAUTHORIZED_PERMISSION':
      return 'The PIN token lacks the permission for this operation.';
    default:
      return `The key returned an error: ${e.status} (0x${e.code.toString(16).padStart(2, '0')}).`;
  }
}

export function transportErrorMessage(e: TransportError): string {
  switch (e.code) {
    case 'timeout':
      return 'The key did not answer in time.';
    case 'unplugged':
      return 'The key was removed (or stopped answering).';
    case 'cancelled':
      return 'Cancelled.';
    case 'closed':
      return 'The connection to the key was closed.';
    case 'u2f-only':
      return 'This key only supports U2F (the older FIDO standard), not FIDO2: it cannot hold a PIN or passkeys. If it is a YubiKey, FIDO2 may be turned off on it (ykman config usb --enable FIDO2).';
    case 'needs-administrator':
      return 'Windows lets only administrators talk to security keys directly. Run keystation-key from a terminal opened with "Run as administrator".';
    case 'no-permission':
      return `No permission to use the key. Install the udev rule (sudo cp ${UDEV_RULES_FILE} /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger), then re-insert the key.`;
    case 'in-use':
      return 'Another program is using the key (a browser, ykman or Yubico Authenticator). Close it and try again.';
    case 'io':
      if (/no such file|not found/i.test(e.message))
        return `No device at that path (${e.message}).`;
      return `Cannot talk to the device: ${e.message}`;
    case 'busy':
      return 'The key is busy with another program. Try again.';
    case 'message-too-large':
      return 'The request is too large for this key.';
    case 'unsupported':
      return 'The key does not support this operation.';
    default:
      return `Communication error with the key (${e.code}): ${e.message}`;
  }
}

export function capabilityMessage(e: KeyCapabilityError): string {
  switch (e.capability) {
    case 'pin-not-set':
      return 'No PIN is set on this key. Run: keystation-key set-pin';
    case 'pin-already-set':
      return 'A PIN is already set. Use change-pin.';
    case 'credential-management':
      return `This key cannot do that with its passkeys: ${e.message}.`;
    case 'authenticator-config':
      return 'This key does not support settings (authenticatorConfig).';
    case 'bio-enrollment':
      return 'This key has no fingerprint sensor.';
    case 'enterprise-attestation':
      return 'This key does not support enterprise attestation.';
    default:
      return `${e.message[0].toUpperCase()}${e.message.slice(1)}.`;
  }
}
