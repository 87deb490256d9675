/** CTAP 2.1 §8.2 status codes. Names as in the spec (CTAP2_ERR_ prefix dropped). */
export const CtapStatus = {
  SUCCESS: 0x00 /* CTAP1_ERR_SUCCESS / CTAP2_OK */,
  INVALID_COMMAND: 0x01,
  INVALID_PARAMETER: 0x02,
  INVALID_LENGTH: 0x03,
  INVALID_SEQ: 0x04,
  TIMEOUT: 0x05,
  CHANNEL_BUSY: 0x06,
  LOCK_REQUIRED: 0x0a,
  INVALID_CHANNEL: 0x0b,
  CBOR_UNEXPECTED_TYPE: 0x11,
  INVALID_CBOR: 0x12,
  MISSING_PARAMETER: 0x14,
  LIMIT_EXCEEDED: 0x15,
  FP_DATABASE_FULL: 0x17,
  LARGE_BLOB_STORAGE_FULL: 0x18,
  CREDENTIAL_EXCLUDED: 0x19,
  PROCESSING: 0x21,
  INVALID_CREDENTIAL: 0x22,
  USER_ACTION_PENDING: 0x23,
  OPERATION_PENDING: 0x24,
  NO_OPERATIONS: 0x25,
  UNSUPPORTED_ALGORITHM: 0x26,
  OPERATION_DENIED: 0x27,
  KEY_STORE_FULL: 0x28,
  UNSUPPORTED_OPTION: 0x2b,
  INVALID_OPTION: 0x2c,
  KEEPALIVE_CANCEL: 0x2d,
  NO_CREDENTIALS: 0x2e,
  USER_ACTION_TIMEOUT: 0x2f,
  NOT_ALLOWED: 0x30,
  PIN_INVALID: 0x31,
  PIN_BLOCKED: 0x32,
  PIN_AUTH_INVALID: 0x33,
  PIN_AUTH_BLOCKED: 0x34,
  PIN_NOT_SET: 0x35,
  PUAT_REQUIRED: 0x36 /* PIN_REQUIRED in CTAP 2.0 */,
  PIN_POLICY_VIOLATION: 0x37,
  REQUEST_TOO_LARGE: 0x39,
  ACTION_TIMEOUT: 0x3a,
  UP_REQUIRED: 0x3b,
  UV_BLOCKED: 0x3c,
  INTEGRITY_FAILURE: 0x3d,
  INVALID_SUBCOMMAND: 0x3e,
  UV_INVALID: 0x3f,
  UNAUTHORIZED_PERMISSION: 0x40,
  OTHER: 0x7f /* CTAP1_ERR_OTHER */,
} as const;

export type CtapStatusName = keyof typeof CtapStatus;

const nameByCode = new Map<number, CtapStatusName>(
  (Object.entries(CtapStatus) as [CtapStatusName, number][]).map(([n, c]) => [c, n]),
);

/** Name of a status code; codes we don't know (vendor 0xF0–0xFF, extension 0xE0–0xEF…) are kept. */
export function ctapStatusName(code: number): CtapStatusName | 'UNKNOWN' {
  return nameByCode.get(code) ?? 'UNKNOWN';
}

/** A non-zero status byte returned by the authenticator. */
export class CtapError extends Error {
  override readonly name = 'CtapError';
  readonly status: CtapStatusName | 'UNKNOWN';
  constructor(
    readonly code: number,
    /** The CTAP command that failed (0x01 makeCredential, …), when known. */
    readonly command?: number,
  ) {
    const status = ctapStatusName(code);
    super(`CTAP error 0x${code.toString(16).padStart(2, '0')} (${status})`);
    this.status = status;
  }
}

export function isCtapError(e: unknown, status?: CtapStatusName): e is CtapError {
  return e instanceof CtapError && (status === undefined || e.status === status);
}
