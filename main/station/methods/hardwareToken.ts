import { OathTokenRepository } from '../../db/repositories/oathTokens';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { OathTokenSummary } from '../oathTokens';
import type { PeopleService } from '../people';
import type { MethodSummary, PersonId } from '../types';
import { methodName, type MethodRegistry } from './registry';
import { TotpReplayGuard } from './totpReplay';

export const TOKEN_MAX_ATTEMPTS = 5;

/**
 * OATH hardware token: an admin imported it for a UPN; the person activates it by typing the
 * code it shows now (±1 period). Counts with apps toward the limit of five (DESIGN.md §1).
 */
export class HardwareTokenEnrollment {
  private readonly replay: TotpReplayGuard;
  private readonly tokens: OathTokenRepository;

  constructor(
    private readonly ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
  ) {
    this.replay = new TotpReplayGuard(ctx);
    this.tokens = new OathTokenRepository(ctx.db);
  }

  available(personId: PersonId): OathTokenSummary[] {
    const person = this.people.get(personId);
    return this.tokens.available(person.upn).map((r) => ({
      serial: r.serial,
      upn: r.upn,
      manufacturer: r.manufacturer,
      model: r.model,
      period: r.period,
      status: 'available',
      methodId: null,
      importedAt: r.imported_at,
    }));
  }

  activate(personId: PersonId, serial: string, code: string, name?: string): MethodSummary {
    const given = methodName(name);
    const person = this.people.get(personId);
    this.methods.assertCanAdd(personId, 'hardwareToken');
    if (typeof serial !== 'string' || serial.length > 64)
      throw new StationError('oath.tokenNotFound');
    const token = this.tokens.find(serial.trim());
    if (!token) throw new StationError('oath.tokenNotFound');
    if (token.upn.toLowerCase() !== person.upn.toLowerCase())
      throw new StationError('oath.tokenAssignedToOther');
    if (token.method_id !== null) throw new StationError('oath.tokenAlreadyActivated');
    const secret = this.ctx.keys.open(token.secret, 'oath').toString('ascii');
    // Failures and the last accepted step live with the secret in the registry (a token whose
    // method was deleted keeps them), not in memory.
    const check = this.replay.check(
      secret,
      { period: token.period, digits: token.digits, algorithm: 'SHA1' },
      code,
      TOKEN_MAX_ATTEMPTS,
    );
    const methodId = this.ctx.db.transaction(() => {
      check.accept();
      const id = this.methods.insert(
        personId,
        {
          kind: 'hardwareToken',
          label:
            given ??
            ([token.manufacturer, token.model].filter(Boolean).join(' ') || 'Hardware token'),
          detail: token.serial,
          sealedSecret: this.ctx.keys.seal(Buffer.from(secret, 'ascii'), 'totp'),
          data: {
            period: token.period,
            digits: token.digits,
            algorithm: 'SHA1',
            serial: token.serial,
            ...(given ? { name: given } : {}),
          },
        },
        { serial: token.serial },
      );
      if (!this.tokens.activate(token.serial, id, this.ctx.clock().toISOString()))
        throw new StationError('oath.tokenAlreadyActivated');
      return id;
    })();
    return this.methods.get(personId, methodId);
  }
}
