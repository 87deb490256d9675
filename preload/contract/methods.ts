import { z } from 'zod';
import { call } from './define';
import { personIdSchema } from './people';
import type { MethodKind, MethodSummary } from './security-info';

export const methodIdSchema = z.string().min(1).max(64);

/**
 * What the "Keep your account secure" wizard still needs (DESIGN.md §3.2): the pages in order, and
 * what "I want to set up a different method" may offer instead.
 */
export interface RegistrationPlan {
  complete: boolean;
  requiredCount: number;
  registeredKinds: MethodKind[];
  missingKinds: MethodKind[];
  additionalNeeded: number;
  needsMfaMethod: boolean;
  /** Wizard pages in order (required kinds first, then suggestions, strongest first). */
  nextSteps: MethodKind[];
  /** Allowed by policy and addable now. */
  offerableKinds: MethodKind[];
}

export const methodsCalls = {
  /** "Default sign-in method: … Change" — only MFA-capable methods (DESIGN.md §1). */
  setDefault: call(
    z.object({ personId: personIdSchema, methodId: methodIdSchema }).strict(),
  ).returns<MethodSummary>(),
  /**
   * "Byt namn" for an authenticator app or hardware token (DESIGN.md §3.1): the person's own name
   * (1–64 characters, no control characters; blank takes the name away). Main checks it.
   */
  rename: call(
    z
      .object({ personId: personIdSchema, methodId: methodIdSchema, name: z.string().max(256) })
      .strict(),
  ).returns<MethodSummary>(),
  /** Permanent delete (the UI confirms first); the fallback default comes back (DESIGN.md §1). */
  delete: call(z.object({ personId: personIdSchema, methodId: methodIdSchema }).strict()).returns<{
    newDefault: MethodSummary | null;
  }>(),
  /** What registration still requires, as wizard pages. */
  registrationStatus: call(
    z.object({ personId: personIdSchema }).strict(),
  ).returns<RegistrationPlan>(),
};
