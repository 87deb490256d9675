/**
 * One person as the station's pages show them (DESIGN.md §3.1, §3.7, §3.8): the operator's
 * person page (details, registration standing, access pass), the slip of a newly issued pass,
 * and the "Security info" page (methods, default, what registration still needs). Each answer
 * is read here once, so the contract handlers call one method each.
 */
import QRCode from 'qrcode';
import type { MethodRegistry, RegistrationStatus } from './methods/registry';
import type { IssuedPass, PassStatus, TemporaryAccessPasses } from './passes';
import type { NewPerson, PeopleService, PersonPatch } from './people';
import type { RegistrationState, RosterService } from './roster';
import type { MethodSummary, Person, PersonId } from './types';

export interface PersonRecord extends Pick<
  Person,
  'id' | 'upn' | 'displayName' | 'department' | 'email' | 'mobile' | 'status'
> {
  readonly methodCount: number;
  readonly registration: RegistrationState;
  readonly pass: PassStatus | null;
}

/** What the operator prints or shows once: the pass and a QR code the kiosk can read. */
export interface PassSlip extends IssuedPass {
  readonly personId: PersonId;
  readonly upn: string;
  readonly displayName: string;
  /** SVG of `upn \n pass`; exists only in this answer. */
  readonly qrSvg: string;
}

export interface SecurityInfo {
  readonly person: Person & { readonly methodCount: number };
  readonly methods: MethodSummary[];
  readonly defaultMethod: MethodSummary | null;
  readonly registration: RegistrationStatus;
}

/**
 * Several apps or tokens without a name read "Autentiseringsapp 1", "… 2" by their place in the
 * list (the person can name each when adding it, or later with "Byt namn"), so no two rows or
 * choices read the same.
 */
export function numberUnnamed(methods: readonly MethodSummary[]): MethodSummary[] {
  const ofKind = (kind: string) => methods.filter((m) => m.kind === kind);
  return methods.map((m) => {
    if (m.name || (m.kind !== 'authenticatorApp' && m.kind !== 'hardwareToken')) return m;
    const same = ofKind(m.kind);
    return same.length > 1 ? { ...m, number: same.indexOf(m) + 1 } : m;
  });
}

export class PersonRecords {
  constructor(
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
    private readonly roster: RosterService,
    private readonly passes: TemporaryAccessPasses,
  ) {}

  /** A hidden demo person (production station) is answered like one that does not exist. */
  get(id: PersonId): PersonRecord {
    const p = this.people.get(id);
    return {
      id: p.id,
      upn: p.upn,
      displayName: p.displayName,
      department: p.department,
      email: p.email,
      mobile: p.mobile,
      status: p.status,
      ...this.roster.standing(id),
      pass: this.passes.status(id),
    };
  }

  create(input: NewPerson): PersonRecord {
    return this.get(this.people.create(input).id);
  }

  update(id: PersonId, patch: PersonPatch): PersonRecord {
    this.people.update(id, patch);
    return this.get(id);
  }

  passStatus(id: PersonId): PassStatus | null {
    return this.get(id).pass;
  }

  revokePass(id: PersonId): PassStatus | null {
    this.passes.revoke(id);
    return this.passStatus(id);
  }

  async issuePass(
    id: PersonId,
    opts: { lifetimeMinutes?: number; oneTime?: boolean },
  ): Promise<PassSlip> {
    const person = this.people.get(id);
    const issued = this.passes.issue(id, opts);
    // The slip's QR carries what the kiosk asks for.
    const qrSvg = await QRCode.toString(`${person.upn}\n${issued.pass}`, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 1,
    });
    return {
      personId: person.id,
      upn: person.upn,
      displayName: person.displayName,
      ...issued,
      qrSvg,
    };
  }

  securityInfo(id: PersonId): SecurityInfo {
    const person = this.people.get(id);
    const methods = numberUnnamed(this.methods.list(id));
    return {
      person: { ...person, methodCount: methods.length },
      methods,
      defaultMethod: methods.find((m) => m.isDefault) ?? null,
      registration: this.methods.registrationStatus(id),
    };
  }
}
