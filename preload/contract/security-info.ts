import { z } from 'zod';
import { METHOD_KINDS, type MethodKind } from '../../domain/methods';
import { call } from './define';
import { personIdSchema, type PersonSummary } from './people';

/** The method kinds (docs/DESIGN.md "Methods"), one list in domain/methods.ts. */
export const methodKinds = METHOD_KINDS;
export type { MethodKind };

export interface MethodSummary {
  id: string;
  kind: MethodKind;
  /** Short name from the registry (key name, token model…); the UI names the kind itself. */
  label: string;
  /** The detail column: masked phone / email, token serial, key model… never a secret. */
  detail: string;
  /** The person's own name for an authenticator app or hardware token, when they gave one. */
  name?: string;
  /** A phone call to another phone than the mobile: an alternate mobile or an office phone. */
  phoneType?: 'alternateMobile' | 'office';
  /**
   * Apps and tokens without a name, when the person has several of that kind: their place in
   * the list ("Autentiseringsapp 2"), so no two read the same.
   */
  number?: number;
  isDefault: boolean;
  usableForMfa: boolean;
  /** ISO 8601. */
  createdAt: string;
  lastUsedAt: string | null;
  /** Security keys only. */
  securityKey?: { name: string; model: string; isVirtual: boolean };
}

/** Whether the registered methods meet the organization's policy (DESIGN.md §2, §3.1). */
export interface RegistrationStatus {
  complete: boolean;
  /** Kinds the policy requires that the person does not have yet (e.g. a security key). */
  missingKinds: MethodKind[];
  /** How many more methods of any allowed kind the policy still requires. */
  additionalNeeded: number;
  /** The person has no method usable for sign-in (MFA) yet. */
  needsMfaMethod: boolean;
}

export interface SecurityInfo {
  person: PersonSummary;
  methods: MethodSummary[];
  /** The default sign-in method (DESIGN.md §1); null when the person has none yet. */
  defaultMethodId: string | null;
  registration: RegistrationStatus;
  /** Kinds "+ Add method" may offer now: allowed by policy and not at a limit (DESIGN.md §1). */
  offerableKinds: MethodKind[];
  /** Allowed kinds at a limit (five apps/tokens): shown in "+ Add method" with the reason. */
  limitedKinds: MethodKind[];
}

export const securityInfoCalls = {
  /** The "Security info" page of one person (DESIGN.md §3.1). */
  get: call(z.object({ personId: personIdSchema }).strict()).returns<SecurityInfo>(),
};
