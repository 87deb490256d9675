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
}
