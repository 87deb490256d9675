import { z } from 'zod';
import { POLICY_LIMITS as L, AAGUID_PATTERN, RP_ID_PATTERN } from '../../domain/policy';
import { PIN_MIN_LENGTH_RANGE } from '../../domain/pin';
import { METHOD_KINDS, type MethodKind } from './types';

/**
 * Organization policy (DESIGN.md §2), set by an administrator and stored in the registry. Parsed with
 * zod on every write so a bad import can never put the station in an impossible state.
 */
export const PinPolicySchema = z.object({
  /** DESIGN.md §2: minimum ≥ 4, default 6. CTAP2 caps PINs at 63 bytes. */
  minLength: z
    .number()
    .int()
    .min(PIN_MIN_LENGTH_RANGE.min)
    .max(PIN_MIN_LENGTH_RANGE.max)
    .default(PIN_MIN_LENGTH_RANGE.default),
  /** Refuse all-same-digit and ascending/descending sequences. */
  rejectTrivial: z.boolean().default(true),
  /** If the operator set the PIN, the key's forcePINChange is set (CTAP 2.1 setMinPINLength). */
  forceChangeWhenOperatorSet: z.boolean().default(false),
});
export type PinPolicy = z.infer<typeof PinPolicySchema>;

const aaguid = z
  .string()
  .regex(AAGUID_PATTERN)
  .transform((s) => s.toLowerCase());

export const SecurityKeyPolicySchema = z.object({
  rpId: z.string().min(1).max(L.rpIdMax).regex(RP_ID_PATTERN),
  rpName: z.string().min(1).max(L.rpNameMax),
  /** Key restrictions: empty = any model. */
  allowedAaguids: z.array(aaguid).default([]),
  attestationRequired: z.boolean().default(false),
  userVerificationRequired: z.boolean().default(true),
  residentKeyRequired: z.boolean().default(true),
  /** Longest key name a person may type. */
  maxNameLength: z
    .number()
    .int()
    .min(L.keyNameMax.min)
    .max(L.keyNameMax.max)
    .default(L.keyNameMax.default),
});
export type SecurityKeyPolicy = z.infer<typeof SecurityKeyPolicySchema>;

export const TotpPolicySchema = z.object({
  issuer: z.string().min(1).max(L.totpIssuerMax),
  period: z.union([z.literal(30), z.literal(60)]).default(30),
  digits: z.union([z.literal(6), z.literal(8)]).default(6),
  algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']).default('SHA1'),
});
export type TotpPolicy = z.infer<typeof TotpPolicySchema>;

const kind = z.enum(METHOD_KINDS);

export const PolicySchema = z
  .object({
    organizationName: z.string().min(1).max(L.organizationNameMax),
    /** Methods the organization allows; others are not offered at all (DESIGN.md §1). */
    allowedMethods: z.array(kind).min(1),
    registration: z.object({
      /** How many different methods registration requires (e.g. 2). */
      requiredCount: z
        .number()
        .int()
        .min(L.requiredCount.min)
        .max(L.requiredCount.max)
        .default(L.requiredCount.default),
      /** Which kinds are mandatory (e.g. ['securityKey'] = "a security key and one more"). */
      requiredKinds: z.array(kind).default([]),
    }),
    sspr: z.object({
      /** Password reset enabled for the organization at all. */
      enabled: z.boolean().default(true),
      requiredMethods: z.union([z.literal(1), z.literal(2)]).default(1),
      /** The person must change the reset password at their next sign-in (docs/DESIGN.md §3.9). */
      forceChangeAtNextSignIn: z.boolean().default(false),
      /** "Kontakta en administratör" also mails this address (when a gateway is configured). */
      helpdeskEmail: z.union([z.literal(''), z.string().trim().max(254).email()]).default(''),
    }),
    /**
     * Returning people sign in with what they registered (docs/DESIGN.md §3.9): a security key
     * (PIN + touch) alone is enough, or always two different sign-in methods.
     */
    signIn: z
      .object({ returning: z.enum(['securityKey', 'twoFactors']).default('securityKey') })
      .default({ returning: 'securityKey' }),
    securityKey: SecurityKeyPolicySchema,
    pin: PinPolicySchema,
    totp: TotpPolicySchema,
    questions: z.object({
      /** How many questions a person must answer when registering. */
      requiredCount: z
        .number()
        .int()
        .min(L.questionsRequired.min)
        .max(L.questionsRequired.max)
        .default(L.questionsRequired.default),
    }),
    kiosk: z.object({
      idleTimeoutSeconds: z
        .number()
        .int()
        .min(L.kioskIdleSeconds.min)
        .max(L.kioskIdleSeconds.max)
        .default(L.kioskIdleSeconds.default),
    }),
  })
  .superRefine((p, ctx) => {
    for (const k of p.registration.requiredKinds) {
      if (!p.allowedMethods.includes(k)) {
        ctx.addIssue({
          code: 'custom',
          path: ['registration', 'requiredKinds'],
          message: `required method ${k} is not allowed`,
        });
      }
    }
    if (p.registration.requiredKinds.length > p.registration.requiredCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['registration', 'requiredCount'],
        message: 'requiredCount is smaller than the number of required kinds',
      });
    }
  });
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

export const DEMO_RP_ID = 'demo.keystation.local';

/** The demo organization's policy: a security key and one more method, SSPR with one method. */
export const DEMO_POLICY: Policy = PolicySchema.parse({
  organizationName: 'Demo Organization',
  allowedMethods: [...METHOD_KINDS],
  registration: { requiredCount: 2, requiredKinds: ['securityKey'] },
  sspr: { enabled: true, requiredMethods: 1 },
  securityKey: {
    rpId: DEMO_RP_ID,
    rpName: 'Demo Organization',
    allowedAaguids: [],
    attestationRequired: false,
    userVerificationRequired: true,
    residentKeyRequired: true,
  },
  pin: { minLength: 6, rejectTrivial: true, forceChangeWhenOperatorSet: false },
  totp: { issuer: 'Demo Organization', period: 30, digits: 6, algorithm: 'SHA1' },
  questions: { requiredCount: 3 },
  kiosk: { idleTimeoutSeconds: 120 },
});

export function isAllowed(policy: Policy, k: MethodKind): boolean {
  return policy.allowedMethods.includes(k);
}
