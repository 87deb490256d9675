import { MethodRepository, type MethodRow } from '../../db/repositories/methods';
import { OathTokenRepository } from '../../db/repositories/oathTokens';
import { PeopleRepository, type PersonRow } from '../../db/repositories/people';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import { maskEmail, maskPhone } from '../mask';
import { isAllowed } from '../policy';
import {
  MAX_TOTP_METHODS,
  METHOD_KINDS,
  MFA_KINDS_BY_STRENGTH,
  TOTP_KINDS,
  isMfaKind,
  type MethodId,
  type MethodKind,
  type MethodSummary,
  type PersonId,
} from '../types';
import { VIRTUAL_KEY_AAGUID } from '../../../native/virtual-key/identity';

export type { MethodRow };

/** The longest name a person may give an authenticator app or hardware token (as a key's). */
export const METHOD_NAME_MAX = 64;

/**
 * The person's own name for an app or token ("Jobbtelefonen"), as a security key is named:
 * trimmed, 1–64 characters, no control characters. `undefined` or blank: no name.
 */
export function methodName(name: unknown): string | null {
  if (name === undefined || name === null) return null;
  if (typeof name !== 'string')
    throw new StationError('method.nameInvalid', { max: METHOD_NAME_MAX });
  const clean = name.normalize('NFC').trim();
  if (clean === '') return null;
  if ([...clean].length > METHOD_NAME_MAX || /\p{Cc}/u.test(clean)) {
    throw new StationError('method.nameInvalid', { max: METHOD_NAME_MAX });
  }
  return clean;
}

/** What an enrollment service hands over when a method is verified and may be stored. */
export interface NewMethod {
  readonly kind: MethodKind;
  readonly label: string;
  readonly detail: string;
  /** Already sealed with the station keyring (never plaintext). */
  readonly sealedSecret?: Buffer;
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

/** What the registration wizard still needs (DESIGN.md §2, §3.2). */
export interface RegistrationStatus {
  readonly complete: boolean;
  readonly requiredCount: number;
  /** Distinct allowed kinds the person has. */
  readonly registeredKinds: MethodKind[];
  /** Mandatory kinds (policy.registration.requiredKinds) still missing. */
  readonly missingRequiredKinds: MethodKind[];
  /** How many more methods of any allowed kind are needed after the mandatory ones. */
  readonly additionalNeeded: number;
  /** Registration needs at least one method usable for sign-in (MFA). */
  readonly needsMfaMethod: boolean;
  /** Wizard pages in order: the mandatory kinds, then a suggested kind per extra method. */
  readonly nextSteps: MethodKind[];
  /** Kinds the person may add now ("+ Add method", "I want to set up a different method"). */
  readonly offerable: MethodKind[];
  /** Allowed kinds that can't be added because a limit is reached (five apps/tokens, seeds). */
  readonly atLimit: MethodKind[];
}

/** Password-reset readiness with the seed's three error cases (DESIGN.md §2.1). */
export interface SsprReadiness {
  readonly ready: boolean;
  readonly reason?: 'sspr.passwordNotManaged' | 'sspr.notEnabled' | 'sspr.notRegistered';
  readonly registered: number;
  readonly required: number;
}

function strengthRank(kind: MethodKind): number {
  const i = (MFA_KINDS_BY_STRENGTH as readonly MethodKind[]).indexOf(kind);
  return i === -1 ? 99 : i;
}

/**
 * Called inside the transaction of a local change (the identity provider's outbox is written in
 * it, main/station/idp/service.ts). A hook that throws rolls the change back.
 */
export interface MethodHooks {
  afterInsert?(row: MethodRow): void;
  beforeRemove?(row: MethodRow): void;
}

/**
 * The person's methods and the seed rules on them: the five-apps-or-tokens limit, one default
 * among MFA-capable methods with the fallback order, permanent audited delete, and what the
 * registration wizard and password reset still need.
 */
export class MethodRegistry {
  readonly hooks: MethodHooks[] = [];

  readonly repo: MethodRepository;
  private readonly people: PeopleRepository;
  private readonly tokens: OathTokenRepository;

  constructor(private readonly ctx: StationContext) {
    this.repo = new MethodRepository(ctx.db);
    this.people = new PeopleRepository(ctx.db);
    this.tokens = new OathTokenRepository(ctx.db);
  }

  private rows(personId: PersonId): MethodRow[] {
    return this.repo.forPerson(personId);
  }

  private assertPerson(personId: PersonId): PersonRow {
    if (!Number.isSafeInteger(personId)) throw new StationError('person.notFound');
    const p = this.people.byId(personId);
    if (!p) throw new StationError('person.notFound');
    this.ctx.session.assertMayActOn(personId);
    return p;
  }

  /** The security info list (DESIGN.md §3.1). Phone numbers and emails masked unless `reveal`. */
  list(personId: PersonId, opts: { reveal?: boolean } = {}): MethodSummary[] {
    this.assertPerson(personId);
    return this.rows(personId).map((r) => toSummary(r, opts.reveal === true));
  }

  get(personId: PersonId, methodId: MethodId): MethodSummary {
    const row = this.row(personId, methodId);
    return toSummary(row, false);
  }

  private row(personId: PersonId, methodId: MethodId): MethodRow {
    this.assertPerson(personId);
    if (!Number.isSafeInteger(methodId)) throw new StationError('method.notFound');
    const row = this.rows(personId).find((r) => r.id === methodId);
    if (!row) throw new StationError('method.notFound');
    return row;
  }

  defaultMethod(personId: PersonId): MethodSummary | null {
    return this.list(personId).find((m) => m.isDefault) ?? null;
  }

  /** Methods that may become the default: MFA-capable only (email and questions never). */
  defaultCandidates(personId: PersonId): MethodSummary[] {
    return this.list(personId).filter((m) => m.usableForMfa);
  }

  /** "Default sign-in method: … Change" (DESIGN.md §1). */
  setDefault(personId: PersonId, methodId: MethodId): MethodSummary {
    return this.ctx.db.transaction(() => {
      const row = this.row(personId, methodId);
      if (!isMfaKind(row.kind))
        throw new StationError('method.cannotBeDefault', { kind: row.kind });
      if (row.is_default === 1) return toSummary(row, false);
      this.repo.setDefault(personId, methodId);
      this.ctx.audit.append('method.defaultChanged', personId, { methodId, kind: row.kind });
      return toSummary({ ...row, is_default: 1 }, false);
    })();
  }

  /**
   * Renames an authenticator app or hardware token (DESIGN.md §3.1), as a key is named: the
   * same rules as at adding (`methodName`); blank takes the name away, so the method is numbered
   * again. One transaction with its audit row (the name itself stays out of the log).
   */
  rename(personId: PersonId, methodId: MethodId, name: unknown): MethodSummary {
    const given = methodName(name);
    return this.ctx.db.transaction(() => {
      const row = this.row(personId, methodId);
      if (!(TOTP_KINDS as readonly MethodKind[]).includes(row.kind))
        throw new StationError('method.cannotBeRenamed', { kind: row.kind });
      const data = JSON.parse(row.data) as Record<string, unknown>;
      if ((typeof data.name === 'string' ? data.name : null) === given)
        return toSummary(row, false);
      const { name: _old, ...rest } = data;
      const next = JSON.stringify(given === null ? rest : { ...rest, name: given });
      this.repo.setData(methodId, next);
      this.ctx.audit.append('method.renamed', personId, {
        methodId,
        kind: row.kind,
        named: given !== null,
      });
      return toSummary({ ...row, data: next }, false);
    })();
  }

  /**
   * Delete is permanent (the seeds: "det går inte att ångra") and audited. If the default is
   * deleted, the most secure remaining MFA method becomes the default.
   */
  remove(personId: PersonId, methodId: MethodId): { newDefault: MethodSummary | null } {
    return this.ctx.db.transaction(() => {
      const row = this.row(personId, methodId);
      for (const h of this.hooks) h.beforeRemove?.(row);
      // A hardware token goes back to the inventory unactivated (its secret stays with it).
      this.repo.remove(methodId);
      let newDefault: MethodSummary | null = null;
      if (row.is_default === 1) {
        const next = this.pickFallbackDefault(personId);
        if (next) {
          this.repo.setDefault(personId, next.id);
          newDefault = toSummary({ ...next, is_default: 1 }, false);
        }
      }
      this.ctx.audit.append('method.deleted', personId, {
        methodId,
        kind: row.kind,
        wasDefault: row.is_default === 1,
        newDefaultMethodId: newDefault?.id ?? null,
      });
      return { newDefault };
    })();
  }

  /** Fallback order when the default goes: security key, app, token, SMS, call; oldest first. */
  private pickFallbackDefault(personId: PersonId): MethodRow | undefined {
    return this.rows(personId)
      .filter((r) => isMfaKind(r.kind))
      .sort((a, b) => strengthRank(a.kind) - strengthRank(b.kind) || a.id - b.id)[0];
  }

  /** Apps and hardware tokens together (DESIGN.md §1: at most five). */
  totpCount(personId: PersonId): number {
    return this.repo.countKinds(personId, TOTP_KINDS);
  }

  /**
   * Checks a kind may be added now; enrollment services call this at begin… (fail early, before
   * a person scans a QR code) and again inside the storing transaction.
   */
  assertCanAdd(personId: PersonId, kind: MethodKind): void {
    const person = this.assertPerson(personId);
    if (person.status !== 'active') throw new StationError('person.disabled');
    if (!isAllowed(this.ctx.policy(), kind)) throw new StationError('method.notAllowed', { kind });
    if (
      (TOTP_KINDS as readonly MethodKind[]).includes(kind) &&
      this.totpCount(personId) >= MAX_TOTP_METHODS
    ) {
      throw new StationError('method.limitReached', { limit: MAX_TOTP_METHODS });
    }
  }

  /**
   * Stores a verified method. Must run inside the enrollment's single transaction: the rule
   * checks, the insert, the default flag and the audit row commit together or not at all.
   */
  insert(
    personId: PersonId,
    m: NewMethod,
    auditDetails: Record<string, string | number | boolean> = {},
  ): MethodId {
    if (!this.ctx.db.inTransaction) throw new Error('MethodRegistry.insert needs a transaction');
    this.assertCanAdd(personId, m.kind);
    // The first MFA-capable method becomes the default (DESIGN.md §3.2: the app "som standard").
    const makeDefault = !this.repo.hasDefault(personId) && isMfaKind(m.kind);
    const id = this.repo.insert(
      personId,
      {
        kind: m.kind,
        label: m.label,
        detail: m.detail,
        secret: m.sealedSecret ?? null,
        data: JSON.stringify(m.data ?? {}),
        isDefault: makeDefault,
      },
      this.ctx.clock().toISOString(),
    );
    for (const h of this.hooks) h.afterInsert?.(this.row(personId, id));
    this.ctx.audit.append('method.registered', personId, {
      methodId: id,
      kind: m.kind,
      isDefault: makeDefault,
      ...auditDetails,
    });
    return id;
  }

  markUsed(methodId: MethodId): void {
    this.repo.markUsed(methodId, this.ctx.clock().toISOString());
  }

  registrationStatus(personId: PersonId): RegistrationStatus {
    const person = this.assertPerson(personId);
    // A hardware token is offered only when an administrator imported one for this person.
    const tokenWaiting = this.tokens.available(person.upn).length > 0;
    const policy = this.ctx.policy();
    const allowed = policy.allowedMethods;
    const rows = this.rows(personId).filter((r) => allowed.includes(r.kind));
    const registeredKinds = METHOD_KINDS.filter((k) => rows.some((r) => r.kind === k));
    const missingRequiredKinds = policy.registration.requiredKinds.filter(
      (k) => !registeredKinds.includes(k),
    );
    const requiredCount = policy.registration.requiredCount;
    const additionalNeeded = Math.max(
      0,
      requiredCount - registeredKinds.length - missingRequiredKinds.length,
    );
    const mfaAllowed = allowed.some(isMfaKind);
    const needsMfaMethod = mfaAllowed && !registeredKinds.some(isMfaKind);
    const totpFull = this.totpCount(personId) >= MAX_TOTP_METHODS;
    const offerable = METHOD_KINDS.filter((k) => {
      if (!allowed.includes(k)) return false;
      if ((TOTP_KINDS as readonly MethodKind[]).includes(k) && totpFull) return false;
      if (k === 'hardwareToken' && !tokenWaiting) return false;
      // Apps, tokens and keys can be added several times; calls to each of the person's three
      // phones (mobile, alternate, office); one text number, email, question set each.
      if (k === 'phoneCall') return rows.filter((r) => r.kind === 'phoneCall').length < 3;
      return (
        k === 'securityKey' ||
        k === 'authenticatorApp' ||
        k === 'hardwareToken' ||
        !registeredKinds.includes(k)
      );
    });
    const nextSteps: MethodKind[] = [...missingRequiredKinds];
    const suggestions = [...MFA_KINDS_BY_STRENGTH, 'email', 'securityQuestions']
      .filter((k) => k !== 'hardwareToken') // tokens need an inventory entry; not a default suggestion
      .filter((k): k is MethodKind => offerable.includes(k as MethodKind))
      .filter((k) => !registeredKinds.includes(k) && !nextSteps.includes(k));
    let extra = additionalNeeded;
    if (needsMfaMethod && !nextSteps.some(isMfaKind)) {
      const mfa = suggestions.find(isMfaKind);
      if (mfa) {
        nextSteps.push(mfa);
        extra = Math.max(0, extra - 1);
      }
    }
    for (const k of suggestions) {
      if (extra <= 0) break;
      if (nextSteps.includes(k)) continue;
      nextSteps.push(k);
      extra -= 1;
    }
    return {
      complete: missingRequiredKinds.length === 0 && additionalNeeded === 0 && !needsMfaMethod,
      requiredCount,
      registeredKinds,
      missingRequiredKinds,
      additionalNeeded,
      needsMfaMethod,
      nextSteps,
      offerable,
      atLimit: totpFull ? TOTP_KINDS.filter((k) => allowed.includes(k)) : [],
    };
  }

  ssprReadiness(personId: PersonId): SsprReadiness {
    const person = this.assertPerson(personId);
    const policy = this.ctx.policy();
    const required = policy.sspr.requiredMethods;
    const kinds = new Set(
      this.rows(personId)
        .filter((r) => policy.allowedMethods.includes(r.kind))
        .map((r) => r.kind),
    );
    const registered = kinds.size;
    if (person.password_managed_externally === 1) {
      return { ready: false, reason: 'sspr.passwordNotManaged', registered, required };
    }
    if (!policy.sspr.enabled || person.sspr_enabled !== 1) {
      return { ready: false, reason: 'sspr.notEnabled', registered, required };
    }
    if (registered < required)
      return { ready: false, reason: 'sspr.notRegistered', registered, required };
    return { ready: true, registered, required };
  }
}

export function toSummary(r: MethodRow, reveal: boolean): MethodSummary {
  const data = JSON.parse(r.data) as Record<string, string | number | boolean>;
  let detail = r.detail;
  if (r.kind === 'phoneSms' || r.kind === 'phoneCall')
    detail = reveal ? r.detail : maskPhone(r.detail);
  if (r.kind === 'email') detail = reveal ? r.detail : maskEmail(r.detail);
  const base = {
    id: r.id,
    kind: r.kind,
    label: r.label,
    ...(typeof data.name === 'string' && data.name !== '' ? { name: data.name } : {}),
    ...(r.kind === 'phoneCall' &&
    (data.phoneType === 'alternateMobile' || data.phoneType === 'office')
      ? { phoneType: data.phoneType as 'alternateMobile' | 'office' }
      : {}),
    detail,
    isDefault: r.is_default === 1,
    usableForMfa: isMfaKind(r.kind),
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  };
  if (r.kind === 'securityKey') {
    const aaguid = r.key_aaguid ?? String(data.aaguid ?? '');
    return {
      ...base,
      securityKey: {
        name: r.label,
        model: r.key_model ?? String(data.model ?? ''),
        aaguid,
        isVirtual: aaguid === VIRTUAL_KEY_AAGUID,
      },
    };
  }
  return base;
}
