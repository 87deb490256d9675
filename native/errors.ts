/**
 * Transport faults: anything below CTAP2 (HID, CTAPHID framing, UDP). Never mixed with
 * CtapError (a status code the authenticator returned) or StationError (a domain rule).
 */
export const TRANSPORT_ERROR_CODES = [
  'timeout', // no report within the command's deadline
  'unplugged', // device removed mid-transaction
  'closed', // connection closed by us
  'cancelled', // AbortSignal fired
  'io', // OS-level read/write failure
  'channel', // reply on an unexpected channel / channel allocation failed
  'sequence', // continuation packet out of order
  'invalid-length', // declared length impossible (e.g. > 7609) or truncated
  'invalid-report', // malformed packet (wrong size, not an init packet where one is due)
  'nonce-mismatch', // INIT reply for a different nonce
  'busy', // CHANNEL_BUSY persisted after retries
  'message-too-large', // request larger than the key's maxMsgSize
  'ctaphid-error', // CTAPHID_ERROR with a code (see `hidErrorCode`)
  'invalid-cbor', // a reply that does not decode as CTAP CBOR
  'unsupported', // the device does not implement this CTAPHID command
  'u2f-only', // INIT without the CBOR capability: a U2F-only key or FIDO2 turned off
  'needs-administrator', // Windows: raw FIDO HID access needs an elevated process (1903+)
  'no-permission', // Linux: no access to /dev/hidraw* (udev rule missing)
  'in-use', // another program holds the key (macOS exclusive open, Windows sharing)
] as const;
export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message?: string,
    /** For code 'ctaphid-error': the CTAPHID ERR_* byte. */
    readonly hidErrorCode?: number,
  ) {
    super(message ?? code);
  }
}

export function isTransportError(e: unknown): e is TransportError {
  return e instanceof TransportError;
}
