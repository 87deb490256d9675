import type { Db } from '../db/connection';
import { StationStateRepository } from '../db/repositories/stationState';
import type { StationContext } from './context';
import { StationError } from './errors';
import { DEMO_POLICY, PolicySchema, type Policy, type PolicyInput } from './policy';

export function readPolicy(db: Db): Policy | undefined {
  const json = new StationStateRepository(db).policyJson();
  return json === undefined ? undefined : PolicySchema.parse(JSON.parse(json));
}

export function writePolicy(db: Db, policy: Policy, at: string): void {
  new StationStateRepository(db).putPolicyJson(JSON.stringify(policy), at);
}

/**
 * What the policy editor shows (DESIGN.md §2): every field an admin may change, copied so the
 * caller never holds the service's cached object. Fields the station keeps to itself (the key
 * name's length limit, the TOTP window) are left out.
 */
export function editablePolicy(p: Policy) {
  return {
    organizationName: p.organizationName,
    allowedMethods: [...p.allowedMethods],
    registration: {
      requiredCount: p.registration.requiredCount,
      requiredKinds: [...p.registration.requiredKinds],
    },
    sspr: {
      enabled: p.sspr.enabled,
      requiredMethods: p.sspr.requiredMethods,
      forceChangeAtNextSignIn: p.sspr.forceChangeAtNextSignIn,
      helpdeskEmail: p.sspr.helpdeskEmail,
    },
    signIn: { returning: p.signIn.returning },
    securityKey: {
      rpId: p.securityKey.rpId,
      rpName: p.securityKey.rpName,
      allowedAaguids: [...p.securityKey.allowedAaguids],
      attestationRequired: p.securityKey.attestationRequired,
      userVerificationRequired: p.securityKey.userVerificationRequired,
      residentKeyRequired: p.securityKey.residentKeyRequired,
    },
    pin: {
      minLength: p.pin.minLength,
      rejectTrivial: p.pin.rejectTrivial,
      forceChangeWhenOperatorSet: p.pin.forceChangeWhenOperatorSet,
    },
    totp: { ...p.totp },
    questions: { requiredCount: p.questions.requiredCount },
    kiosk: { idleTimeoutSeconds: p.kiosk.idleTimeoutSeconds },
  };
}
export type EditablePolicy = ReturnType<typeof editablePolicy>;

/** An editor's save: the editable fields, optional ones it did not send kept as they are. */
export type PolicyEdit = Omit<EditablePolicy, 'sspr' | 'signIn'> & {
  readonly sspr: Omit<EditablePolicy['sspr'], 'forceChangeAtNextSignIn' | 'helpdeskEmail'> &
    Partial<Pick<EditablePolicy['sspr'], 'forceChangeAtNextSignIn' | 'helpdeskEmail'>>;
  readonly signIn?: EditablePolicy['signIn'];
};

/** The organization policy (DESIGN.md §2): read by everyone, changed by an admin, always valid. */
export class PolicyService {
  private cached: Policy;

  constructor(private readonly ctx: Omit<StationContext, 'policy'>) {
    this.cached = readPolicy(ctx.db) ?? DEMO_POLICY;
  }

  get(): Policy {
    return this.cached;
  }

  /** Validates with zod and stores; invalid input changes nothing. */
  update(input: PolicyInput): Policy {
    this.ctx.session.assertAdmin();
    const parsed = PolicySchema.safeParse(input);
    if (!parsed.success) {
      throw new StationError('policy.invalid', {
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
    this.ctx.db.transaction(() => {
      writePolicy(this.ctx.db, parsed.data, this.ctx.clock().toISOString());
      this.ctx.audit.append('policy.updated', null, {
        allowedMethods: parsed.data.allowedMethods.join(','),
        rpId: parsed.data.securityKey.rpId,
      });
    })();
    this.cached = parsed.data;
    return parsed.data;
  }

  /** The editor's view of the policy. */
  editable(): EditablePolicy {
    return editablePolicy(this.cached);
  }

  /** The editor's save over the current policy (the fields it doesn't show stay); validated. */
  edit(change: PolicyEdit): EditablePolicy {
    const current = this.cached;
    return editablePolicy(
      this.update({
        ...current,
        ...change,
        securityKey: { ...current.securityKey, ...change.securityKey },
        pin: { ...current.pin, ...change.pin },
        sspr: { ...current.sspr, ...change.sspr },
        signIn: change.signIn ?? current.signIn,
      }),
    );
  }
}
