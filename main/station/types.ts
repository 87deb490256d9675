/** Domain types shared by the station services and handed to the UI (plain, serializable). */

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
 * Kinds usable for MFA, in the order the seeds call "most secure first": when the default is
 * deleted the next default is the first available of these (security key, app, SMS, call).
 * A hardware token is an "authenticator app or hardware token" (seed 001) and ranks with apps.
 */
export const MFA_KINDS_BY_STRENGTH = [
  'securityKey',
  'authenticatorApp',
  'hardwareToken',
  'phoneSms',
  'phoneCall',
] as const satisfies readonly MethodKind[];
export type MfaKind = (typeof MFA_KINDS_BY_STRENGTH)[number];

/** Email and security questions are only for password reset (seed 001 table). */
export const SSPR_ONLY_KINDS = [
  'email',
  'securityQuestions',
] as const satisfies readonly MethodKind[];

export function isMfaKind(kind: MethodKind): kind is MfaKind {
  return (MFA_KINDS_BY_STRENGTH as readonly MethodKind[]).includes(kind);
}

/** Apps and OATH hardware tokens are counted together against the limit of five (seed 001). */
export const TOTP_KINDS = [
  'authenticatorApp',
  'hardwareToken',
] as const satisfies readonly MethodKind[];
export const MAX_TOTP_METHODS = 5;

export type PersonId = number;
export type MethodId = number;
export type PersonStatus = 'active' | 'disabled';

export interface Person {
  readonly id: PersonId;
  readonly upn: string;
  readonly displayName: string;
  readonly department: string;
  /** Work email and mobile from the roster; shown masked unless the record is opened. */
  readonly email: string;
  readonly mobile: string;
  readonly status: PersonStatus;
  readonly ssprEnabled: boolean;
  readonly passwordManagedExternally: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PersonSummary {
  readonly id: PersonId;
  readonly upn: string;
  readonly displayName: string;
  readonly department: string;
  readonly status: PersonStatus;
  readonly methodCount: number;
}

/** One row of the security info page (SPEC §3.1), display-ready. */
export interface MethodSummary {
  readonly id: MethodId;
  readonly kind: MethodKind;
  /** Short name: key name, "Authenticator app", token model, … (UI may localize by kind). */
  readonly label: string;
  /** Detail column: masked phone / email, token serial, key model, question count. */
  readonly detail: string;
  readonly isDefault: boolean;
  readonly usableForMfa: boolean;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  /** Security keys only. */
  readonly securityKey?: {
    readonly name: string;
    readonly model: string;
    readonly aaguid: string;
    readonly isVirtual: boolean;
  };
}

export type ActorKind = 'system' | 'operator' | 'person';

export interface Actor {
  readonly kind: ActorKind;
  readonly id: string;
  readonly label: string;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: '', label: 'station' };
