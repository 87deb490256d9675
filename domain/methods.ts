/**
 * The sign-in and password-reset methods (docs/DESIGN.md "Methods"): which kinds exist, which
 * count for sign-in (MFA) and which only for password reset (SSPR), and the per-person limits.
 * Shared by the station, the contract and the renderer.
 */

export const METHOD_KINDS = [
  'securityKey',
  'authenticatorApp',
  'hardwareToken',
  'phoneSms',
  'phoneCall',
  'email',
  'securityQuestions',
] as const;
export type MethodKind = (typeof METHOD_KINDS)[number];

/**
 * Kinds usable for sign-in (MFA), most secure first: when the default is deleted the next
 * default is the first available of these (security key, app, SMS, call). A hardware token is
 * an "authenticator app or hardware token" and ranks with apps.
 */
export const MFA_KINDS_BY_STRENGTH = [
  'securityKey',
  'authenticatorApp',
  'hardwareToken',
  'phoneSms',
  'phoneCall',
] as const satisfies readonly MethodKind[];
export type MfaKind = (typeof MFA_KINDS_BY_STRENGTH)[number];

/** Email and security questions are only for password reset, never the default sign-in method. */
export const SSPR_ONLY_KINDS = [
  'email',
  'securityQuestions',
] as const satisfies readonly MethodKind[];
export type SsprOnlyKind = (typeof SSPR_ONLY_KINDS)[number];

/** Every kind can be used for password reset (SSPR). */
export const SSPR_KINDS = METHOD_KINDS;

export const PHONE_KINDS = ['phoneSms', 'phoneCall'] as const satisfies readonly MethodKind[];
export type PhoneKind = (typeof PHONE_KINDS)[number];

export function isMethodKind(value: unknown): value is MethodKind {
  return typeof value === 'string' && (METHOD_KINDS as readonly string[]).includes(value);
}

export function isMfaKind(kind: MethodKind): kind is MfaKind {
  return (MFA_KINDS_BY_STRENGTH as readonly MethodKind[]).includes(kind);
}

/** Apps and OATH hardware tokens are counted together against one limit. */
export const TOTP_KINDS = [
  'authenticatorApp',
  'hardwareToken',
] as const satisfies readonly MethodKind[];

export function isTotpKind(kind: MethodKind): boolean {
  return (TOTP_KINDS as readonly MethodKind[]).includes(kind);
}

/** At most five authenticator apps and hardware tokens together per person. */
export const MAX_TOTP_METHODS = 5;
