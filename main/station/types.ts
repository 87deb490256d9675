/** Domain types shared by the station services and handed to the UI (plain, serializable). */

import type { MethodKind } from '../../domain/methods';

export {
  METHOD_KINDS,
  MFA_KINDS_BY_STRENGTH,
  SSPR_ONLY_KINDS,
  TOTP_KINDS,
  MAX_TOTP_METHODS,
  isMfaKind,
} from '../../domain/methods';
export type { MethodKind, MfaKind } from '../../domain/methods';

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

/** One row of the security info page (DESIGN.md §3.1), display-ready. */
export interface MethodSummary {
  readonly id: MethodId;
  readonly kind: MethodKind;
  /** Short name: key name, "Authenticator app", token model, … (UI may localize by kind). */
  readonly label: string;
  /** Detail column: masked phone / email, token serial, key model, question count. */
  readonly detail: string;
  /** The person's own name for an authenticator app or hardware token, when they gave one. */
  readonly name?: string;
  /** Unnamed apps or tokens of one kind: their place in the list, 1-based (numberUnnamed). */
  readonly number?: number;
  /** A phone call's phone: the mobile, an alternate mobile or an office phone. */
  readonly phoneType?: 'mobile' | 'alternateMobile' | 'office';
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
