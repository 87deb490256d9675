/**
 * Bounds of the organization policy (docs/DESIGN.md "Policy"): the station's schema and the
 * editor's form check the same numbers.
 */
export const POLICY_LIMITS = {
  organizationNameMax: 128,
  /** How many different methods registration may require. */
  requiredCount: { min: 1, max: 7, default: 2 },
  rpIdMax: 253,
  rpNameMax: 64,
  /** The longest key name a policy may allow (and the default). */
  keyNameMax: { min: 1, max: 64, default: 32 },
  totpIssuerMax: 64,
  totpPeriods: [30, 60],
  totpDigits: [6, 8],
  totpAlgorithms: ['SHA1', 'SHA256', 'SHA512'],
  /** How many security questions a person must answer. */
  questionsRequired: { min: 1, max: 10, default: 3 },
  /** The kiosk forgets an idle session after this many seconds. */
  kioskIdleSeconds: { min: 15, max: 3600, default: 120 },
} as const;

/** SSPR: how many methods a password reset requires. */
export const SSPR_REQUIRED_METHODS = [1, 2] as const;

/** An AAGUID as text (key restrictions). */
export const AAGUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A relying party ID: a host name. */
export const RP_ID_PATTERN = /^[a-z0-9.-]+$/i;
