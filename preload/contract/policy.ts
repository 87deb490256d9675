/**
 * The organization policy as the editor sees it (DESIGN.md §2). The same zod schema checks the
 * form in the renderer (each issue becomes a translated message next to its field) and the
 * call in main (which then hands it to the station's own PolicySchema).
 */
import { z } from 'zod';
import { call } from './define';
import { POLICY_LIMITS as L, AAGUID_PATTERN, RP_ID_PATTERN } from '../../domain/policy';
import { PIN_MIN_LENGTH_RANGE } from '../../domain/pin';
import { methodKinds } from './security-info';

const kind = z.enum(methodKinds);
const aaguid = z.string().trim().regex(AAGUID_PATTERN, { message: 'aaguid' });

export const policySchema = z
  .object({
    organizationName: z.string().trim().min(1).max(L.organizationNameMax),
    allowedMethods: z.array(kind).min(1),
    registration: z.object({
      requiredCount: z.number().int().min(L.requiredCount.min).max(L.requiredCount.max),
      requiredKinds: z.array(kind),
    }),
    sspr: z.object({
      enabled: z.boolean(),
      requiredMethods: z.union([z.literal(1), z.literal(2)]),
      /** The reset password must be changed at next sign-in (DESIGN.md §3.9). */
      forceChangeAtNextSignIn: z.boolean().optional(),
      /** "Kontakta en administratör" also mails this address. */
      helpdeskEmail: z.union([z.literal(''), z.string().trim().max(254).email()]).optional(),
    }),
    /** Returning people: a security key alone, or two different sign-in methods. */
    signIn: z.object({ returning: z.enum(['securityKey', 'twoFactors']) }).optional(),
    securityKey: z.object({
      rpId: z.string().trim().min(1).max(L.rpIdMax).regex(RP_ID_PATTERN, { message: 'rpId' }),
      rpName: z.string().trim().min(1).max(L.rpNameMax),
      allowedAaguids: z.array(aaguid),
      attestationRequired: z.boolean(),
      userVerificationRequired: z.boolean(),
      residentKeyRequired: z.boolean(),
    }),
    pin: z.object({
      minLength: z.number().int().min(PIN_MIN_LENGTH_RANGE.min).max(PIN_MIN_LENGTH_RANGE.max),
      rejectTrivial: z.boolean(),
      forceChangeWhenOperatorSet: z.boolean(),
    }),
    totp: z.object({
      issuer: z.string().trim().min(1).max(L.totpIssuerMax),
      period: z.union([z.literal(30), z.literal(60)]),
      digits: z.union([z.literal(6), z.literal(8)]),
      algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']),
    }),
    questions: z.object({
      requiredCount: z.number().int().min(L.questionsRequired.min).max(L.questionsRequired.max),
    }),
    kiosk: z.object({
      idleTimeoutSeconds: z.number().int().min(L.kioskIdleSeconds.min).max(L.kioskIdleSeconds.max),
    }),
  })
  .superRefine((p, ctx) => {
    for (const k of p.registration.requiredKinds) {
      if (!p.allowedMethods.includes(k)) {
        ctx.addIssue({
          code: 'custom',
          path: ['registration', 'requiredKinds'],
          message: 'requiredNotAllowed',
          params: { kind: k },
        });
      }
    }
    if (p.registration.requiredKinds.length > p.registration.requiredCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['registration', 'requiredCount'],
        message: 'fewerThanRequiredKinds',
      });
    }
  });
export type EditablePolicy = z.infer<typeof policySchema>;

/** One field's problem, already reduced to what the UI translates. */
export interface PolicyIssue {
  path: string;
  code: string;
  params: Record<string, string | number>;
}

/** zod issues → stable codes (`tooSmall` {minimum}, `tooBig` {maximum}, `format`, custom…). */
export function policyIssues(error: z.ZodError): PolicyIssue[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    const params: Record<string, string | number> = {};
    let code: string;
    switch (i.code) {
      case 'too_small':
        code = 'tooSmall';
        params.minimum = Number(i.minimum);
        break;
      case 'too_big':
        code = 'tooBig';
        params.maximum = Number(i.maximum);
        break;
      case 'invalid_format':
        code = 'format';
        break;
      case 'custom':
        code = i.message;
        for (const [k, v] of Object.entries(i.params ?? {}))
          if (typeof v === 'string' || typeof v === 'number') params[k] = v;
        break;
      default:
        code = i.message === 'aaguid' || i.message === 'rpId' ? 'format' : 'invalid';
    }
    return { path, code, params };
  });
}

export const policyCalls = {
  get: call(z.object({}).strict()).returns<EditablePolicy>(),
  update: call(z.object({ policy: policySchema }).strict()).returns<EditablePolicy>(),
};
