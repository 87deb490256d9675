/** Plain messages for the CLI (English; the app's UI has its own i18n). */
import { CtapPinError } from '../ctap2/clientPin';
import type { CtapError } from '../ctap2/status';
import type { TransportError } from '../errors';

export function ctapErrorMessage(e: CtapError): string {
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
      return "The new PIN does not meet the key's PIN rules.";
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
    case 'PIN_POLICY_VIOLATION':
      return "The PIN does not meet the key's PIN rules.";
    case 'PUAT_REQUIRED':
      return 'The key requires its PIN for this operation.';
    case 'CREDENTIAL_EXCLUDED':
      return 'This key is already registered for this account.';
    case 'KEY_STORE_FULL':
      return 'The key has no room for more passkeys. Delete some with: keystation-key creds delete';
    case 'NO_CREDENTIALS':
      return 'The key has no matching credential.';
    case 'USER_ACTION_TIMEOUT':
    case 'ACTION_TIMEOUT':
      return 'Timed out waiting for a touch on the key.';
    case 'OPERATION_DENIED':
      return 'The operation was declined on the key.';
    case 'NOT_ALLOWED':
      return 'The key refused: a reset is only allowed within 10 seconds of plugging the key in. Re-insert it and try again.';
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
    case 'io':
      if (/no such file|not found/i.test(e.message))
        return `No device at that path (${e.message}).`;
      // The usual cause on Linux: no udev rule grants this user access to /dev/hidraw*.
      if (process.platform === 'linux' && /permission denied|EACCES/i.test(e.message)) {
        return `Cannot open the key: permission denied. Install the FIDO udev rules (package libu2f-udev) and re-insert it.`;
      }
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
